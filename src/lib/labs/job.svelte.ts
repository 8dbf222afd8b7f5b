/**
 * The one runner for a lab's long page work (curves, sweeps, training, attacks): one job at a
 * time, with progress, a status line, an error and an AbortController. Two policies:
 * - 'exclusive': a second start while a job runs is ignored (the button is disabled anyway);
 * - 'restart': a new start cancels the running job and takes over (latest wins), for work that
 *   follows a slider.
 * cancel() frees the panel at once, even when the work never settles (a read-back from a GPU
 * context that was lost never resolves); whatever the cancelled work does afterwards no longer
 * touches the job's state. With `stopOnBackendChange` a backend switch (the menu, or a lost WebGL
 * context) stops the running job with a message, since its tensors went with the old backend.
 */
import { untrack } from 'svelte';
import { runtime } from '$lib/runtime/lab-runtime.svelte';

export type JobPolicy = 'exclusive' | 'restart';

export interface JobContext {
	signal: AbortSignal;
	/** 0..1 */
	progress(fraction: number): void;
	status(text: string): void;
	/** true while this run is the job's current one (not cancelled, not superseded); a getter, so
	 * read it as ctx.current, not destructured */
	readonly current: boolean;
}

export interface JobOptions {
	policy?: JobPolicy;
	/** status after a cancel; default "cancelled; finished results stay" */
	cancelled?: string;
	/** default true */
	stopOnBackendChange?: boolean;
}

export function isAbortError(err: unknown): boolean {
	return err instanceof Error && err.name === 'AbortError';
}

export class Job<K extends string = string> {
	running = $state<K | null>(null);
	progress = $state(0);
	status = $state('');
	error = $state<string | null>(null);

	readonly #policy: JobPolicy;
	readonly #cancelled: string;
	readonly #stopsOnBackendChange: boolean;
	#controller: AbortController | null = null;
	#token = 0;
	#destroyed = false;
	#unsubscribe: () => void = () => {};

	constructor(options: JobOptions = {}) {
		this.#policy = options.policy ?? 'exclusive';
		this.#cancelled = options.cancelled ?? 'cancelled; finished results stay';
		this.#stopsOnBackendChange = options.stopOnBackendChange ?? true;
		if (this.#stopsOnBackendChange)
			this.#unsubscribe = runtime.onBackendChange((reason) =>
				this.cancel(`stopped: ${reason}; press the button again to go on; finished results stay`)
			);
	}

	/**
	 * Runs `work` as the job `kind`. Resolves true when it finished, false when it was refused
	 * (exclusive and busy), cancelled, superseded or failed (the error is in `error`). `done` is
	 * the status on success; without it the work's own last status stays.
	 */
	async run(
		kind: K,
		work: (ctx: JobContext) => Promise<void>,
		{ done }: { done?: string } = {}
	): Promise<boolean> {
		if (this.#destroyed) return false;
		// Started from an $effect, the job must not make that effect depend on its own state.
		if (untrack(() => this.running) !== null && this.#policy === 'exclusive') return false;
		this.#controller?.abort();
		const controller = new AbortController();
		const token = ++this.#token;
		this.#controller = controller;
		this.running = kind;
		this.progress = 0;
		this.error = null;
		const mine = () => token === this.#token && !this.#destroyed;
		const ctx: JobContext = {
			signal: controller.signal,
			progress: (f) => {
				if (mine()) this.progress = f;
			},
			status: (text) => {
				if (mine()) this.status = text;
			},
			get current() {
				return mine();
			}
		};
		try {
			await work(ctx);
			if (!mine()) return false;
			if (done !== undefined) this.status = done;
			return true;
		} catch (err) {
			if (!mine()) return false;
			if (isAbortError(err)) {
				this.status = this.#cancelled;
				return false;
			}
			// A GPU that goes away fails the work before its context-loss event arrives; give the
			// event a moment, so the page says "stopped: the GPU context was lost" and not a raw
			// WebGL error.
			if (this.#stopsOnBackendChange) await new Promise((resolve) => setTimeout(resolve, 150));
			if (!mine()) return false;
			this.error = err instanceof Error ? err.message : String(err);
			return false;
		} finally {
			if (mine()) {
				this.running = null;
				this.#controller = null;
			}
		}
	}

	/** Stops the running job now and frees the panel; a no-op when idle. */
	cancel(status = this.#cancelled) {
		if (this.running === null) return;
		this.#controller?.abort();
		this.#controller = null;
		this.#token++;
		this.running = null;
		this.status = status;
	}

	destroy() {
		this.cancel();
		this.#destroyed = true;
		this.#unsubscribe();
	}
}
