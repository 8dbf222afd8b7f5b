/**
 * The browser runtime every page shares: which backend runs, the models and digits it has
 * loaded, and the time of the last model call (shown by the backend badge). Models are cached
 * per backend; switching backend (by the menu or after a lost WebGL context) disposes them and
 * bumps `generation`, and pages re-run their model calls when it changes. Page state (sliders,
 * chosen digits, results) lives in the pages and survives the switch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
	BACKEND_NOTES,
	parseBackendChoice,
	resolveAuto,
	type BackendChoice,
	type BackendName,
	type GpuProbe
} from '$lib/ml/backend';
import {
	activateBrowserBackend,
	attemptsFrom,
	discardWebGLBackend,
	loseWebGLContext,
	probeWebGL,
	resetBackend,
	wasmSupported,
	wasmFeatures,
	watchWebGLContext,
	withTimeout,
	START_TIMEOUT_MS,
	type Attempt
} from '$lib/runtime/backend-browser';
import { classifierFromModel, type Classifier } from '$lib/ml/classifier';
import { abandonReadbacks } from '$lib/ml/tensors';
import { gaussianNoise, noiseEngine } from '$lib/base/gaussian';
import { modelCardPath, parseModelCard, type ModelCard } from '$lib/ml/model-card';
import { modelFromArtifacts, modelPath, type ModelId } from '$lib/ml/models';
import type { SmoothedModelId } from '$lib/ml/model-ids';
import { loadMnist, type DigitSet, type MnistSplit } from '$lib/data/mnist';
import { assetUrl, fetchAsset } from './assets';
import { registerTestHook } from './test-hooks';
import { offMainThread, workerState } from './worker/client';
import type { NoiseRequest } from '$lib/ml/privacy/noise';

type Status = 'idle' | 'starting' | 'ready' | 'error';

export class LabRuntime {
	requested = $state<BackendChoice>('auto');
	backend = $state<BackendName | null>(null);
	status = $state<Status>('idle');
	/** Something the user should know about the backend (a fallback, an error). */
	notice = $state<string | null>(null);
	lastCallMs = $state<number | null>(null);
	lastCallLabel = $state<string | null>(null);
	/** Bumped on each backend change: model handles from an older generation are gone. */
	generation = $state(0);
	probe = $state.raw<GpuProbe | null>(null);
	/** how the WASM backend runs, when it is the active one */
	wasm = $state.raw<{ simd: boolean; threaded: boolean; threads: number } | null>(null);

	// Plain caches of promises, deliberately not reactive: pages react to `generation` instead.
	/* eslint-disable svelte/prefer-svelte-reactivity */
	#artifacts = new Map<ModelId | SmoothedModelId, Promise<tf.io.ModelArtifacts>>();
	#models = new Map<
		ModelId | SmoothedModelId,
		Promise<{ model: tfl.LayersModel; classifier: Classifier }>
	>();
	#digits = new Map<MnistSplit, Promise<DigitSet>>();
	#cards = new Map<ModelId | SmoothedModelId, Promise<ModelCard>>();
	#listeners = new Set<(reason: string) => void>();
	/* eslint-enable svelte/prefer-svelte-reactivity */
	#unwatch: () => void = () => {};
	#starting: Promise<void> | null = null;
	#told = false;

	#tell(reason: string) {
		for (const listener of [...this.#listeners]) listener(reason);
	}

	/**
	 * Calls `listener` whenever the active backend is replaced (the menu, or a lost WebGL context),
	 * with the reason in words; running jobs use it to stop, since their tensors went with the old
	 * backend. Returns the unsubscribe function.
	 */
	onBackendChange(listener: (reason: string) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Starts the backend asked for in ?backend= (or auto). Safe to call more than once. */
	start(search: string): Promise<void> {
		if (this.#starting) return this.#starting;
		let choice: BackendChoice = 'auto';
		try {
			const param = /(?:^|[?&])backend=([^&]*)/.exec(search)?.[1] ?? null;
			choice = parseBackendChoice(param === null ? null : decodeURIComponent(param));
		} catch (err) {
			this.notice = `${(err as Error).message}; using auto`;
		}
		this.#starting = this.use(choice);
		return this.#starting;
	}

	/** Switches to a backend (or auto) now, falling back down WebGL -> WASM -> CPU on failure. */
	async use(choice: BackendChoice): Promise<void> {
		this.requested = choice;
		this.status = 'starting';
		this.probe ??= probeWebGL();
		const target = choice === 'auto' ? resolveAuto(this.probe, wasmSupported()) : choice;
		const failures: string[] = [];
		for (const attempt of attemptsFrom(target)) {
			const label = `${BACKEND_NOTES[attempt.name].label}${attempt.name === 'wasm' && !attempt.threads ? ' (one thread)' : ''}`;
			try {
				await withTimeout(
					this.#activate(attempt),
					START_TIMEOUT_MS,
					`the ${label} backend did not start within ${START_TIMEOUT_MS / 1000} s`
				);
				if (failures.length) this.notice = `${failures.join('; ')}. Running on ${label}.`;
				else if (!this.notice?.includes('using auto')) this.notice = null;
				this.status = 'ready';
				return;
			} catch (err) {
				failures.push((err as Error).message);
				resetBackend(attempt.name);
			}
		}
		this.status = 'error';
		this.notice = `No backend could start: ${failures.join('; ')}`;
	}

	async #activate({ name, threads }: Attempt) {
		if (this.backend === name && tf.getBackend() === name) return;
		const replacing = this.generation > 0;
		this.#dropModels();
		await activateBrowserBackend(name, { wasmThreads: threads });
		this.backend = name;
		this.wasm = name === 'wasm' ? await wasmFeatures() : null;
		this.generation++;
		this.#unwatch();
		this.#unwatch = watchWebGLContext(() => void this.#onContextLost());
		// A lost context has told the jobs already, the moment it happened.
		if (replacing && !this.#told) this.#tell(`the backend changed to ${BACKEND_NOTES[name].label}`);
		this.#told = false;
		this.#exposeForTests();
	}

	async #onContextLost() {
		// Their textures died with the context, but tfjs still counts their tensors until disposed.
		this.#dropModels();
		abandonReadbacks('the GPU context was lost');
		discardWebGLBackend();
		this.backend = null;
		this.#tell('the GPU context was lost (GPU reset); the lab moved to WASM');
		this.#told = true;
		await this.use('wasm');
		this.notice =
			'The WebGL context was lost (GPU reset or too many tabs); the lab moved to WASM and kept your work.';
	}

	#dropModels() {
		for (const entry of this.#models.values()) {
			entry
				.then(({ model }) => {
					try {
						model.dispose();
					} catch {
						// a lost context cannot free GPU memory; the engine's bookkeeping is what matters
					}
				})
				.catch(() => {});
		}
		this.#models.clear();
	}

	/** A shipped model as a Classifier on the current backend (loaded once per backend). */
	async classifier(id: ModelId | SmoothedModelId): Promise<Classifier> {
		await this.#starting;
		let entry = this.#models.get(id);
		if (!entry) {
			entry = this.#artifactsOf(id).then(async (artifacts) => {
				const model = await modelFromArtifacts(artifacts);
				return { model, classifier: classifierFromModel(model) };
			});
			this.#models.set(id, entry);
			entry.catch(() => this.#models.delete(id));
		}
		return (await entry).classifier;
	}

	#artifactsOf(id: ModelId | SmoothedModelId): Promise<tf.io.ModelArtifacts> {
		let entry = this.#artifacts.get(id);
		if (!entry) {
			const handler = tf.io.http(assetUrl(modelPath(id)));
			entry = (handler.load as () => Promise<tf.io.ModelArtifacts>)();
			this.#artifacts.set(id, entry);
			entry.catch(() => this.#artifacts.delete(id));
		}
		return entry;
	}

	card(id: ModelId | SmoothedModelId): Promise<ModelCard> {
		let entry = this.#cards.get(id);
		if (!entry) {
			const path = modelCardPath(id);
			entry = fetchAsset(path).then((bytes) =>
				parseModelCard(new TextDecoder().decode(bytes), path)
			);
			this.#cards.set(id, entry);
			entry.catch(() => this.#cards.delete(id));
		}
		return entry;
	}

	digits(split: MnistSplit): Promise<DigitSet> {
		let entry = this.#digits.get(split);
		if (!entry) {
			entry = loadMnist(split, fetchAsset);
			this.#digits.set(split, entry);
			entry.catch(() => this.#digits.delete(split));
		}
		return entry;
	}

	/** Runs a model call and records its wall time for the badge. */
	async timed<T>(label: string, call: () => Promise<T> | T): Promise<T> {
		const t0 = performance.now();
		const result = await call();
		this.lastCallMs = performance.now() - t0;
		this.lastCallLabel = label;
		return result;
	}

	/** What the browser tests and the bench may read (only when they asked; see test-hooks.ts). */
	#exposeForTests() {
		registerTestHook('runtime', {
			backend: () => tf.getBackend(),
			numTensors: () => tf.memory().numTensors,
			loseWebGLContext,
			wasm: () => this.wasm,
			// the bulk noise generator, so a test can check it gives Node's bytes in the browser
			gaussianNoise,
			noiseEngine,
			// the lab's worker: its tensor count, backend and threads (null before its first task)
			worker: workerState,
			// noise drawn in the lab's worker as DP-SGD draws it there (its parallel source)
			workerNoise: async (requests: NoiseRequest[]) =>
				(await offMainThread('noiseDraws', { requests }, { signal: new AbortController().signal }))
					.result
		});
	}
}

export const runtime = new LabRuntime();
