/**
 * The page's side of the lab's worker (ml.worker.ts): `offMainThread(task, args)` runs one of
 * the tasks of tasks.ts there and resolves with its result, relaying progress and partial
 * results; aborting the signal rejects at once with an AbortError and tells the worker to stop.
 * One worker serves the page, started on first use. Where no worker can run (no Worker, or it
 * fails to load), the task runs on the page instead, through the same code, and `where` says so.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NOTES, type BackendName } from '$lib/ml/backend';
import type { FromWorker, ToWorker } from './protocol';
import { TASKS, type TaskArgs, type TaskContext, type TaskName, type TaskResult } from './tasks';

export interface OffThreadOptions {
	signal: AbortSignal;
	onProgress?: (fraction: number) => void;
	onEvent?: (payload: unknown) => void;
}

export interface OffThreadResult<K extends TaskName> {
	result: TaskResult<K>;
	/** where it ran: the worker and its backend, or the page */
	where: { worker: boolean; backend: BackendName };
}

interface Pending {
	resolve(m: Extract<FromWorker, { type: 'done' | 'memory' }>): void;
	reject(err: Error): void;
	onProgress?: (fraction: number) => void;
	onEvent?: (payload: unknown) => void;
}

let worker: Worker | null = null;
/** set once a worker failed to load: later tasks run on the page */
let broken: string | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function abortError(): Error {
	return new DOMException('The operation was cancelled', 'AbortError');
}

function failAll(reason: string) {
	broken = reason;
	worker?.terminate();
	worker = null;
	for (const p of pending.values()) p.reject(new Error(`the lab's worker stopped: ${reason}`));
	pending.clear();
}

function theWorker(): Worker | null {
	if (broken || typeof Worker === 'undefined') return null;
	if (worker) return worker;
	try {
		worker = new Worker(new URL('./ml.worker.ts', import.meta.url), { type: 'module' });
	} catch (err) {
		broken = err instanceof Error ? err.message : String(err);
		return null;
	}
	worker.onmessage = (event: MessageEvent<FromWorker>) => {
		const m = event.data;
		const p = pending.get(m.id);
		if (!p) return;
		if (m.type === 'progress') p.onProgress?.(m.fraction);
		else if (m.type === 'event') p.onEvent?.(m.payload);
		else {
			pending.delete(m.id);
			if (m.type === 'failed') {
				const err = new Error(m.message);
				err.name = m.name;
				p.reject(err);
			} else p.resolve(m);
		}
	};
	worker.onerror = (event) => {
		event.preventDefault();
		failAll(event.message || 'its script did not load');
	};
	return worker;
}

const keys = new WeakMap<object, string>();
let nextKey = 1;
/** A name for this very object (not its contents), for a task that keeps data between calls. */
export function dataKey(value: object): string {
	let key = keys.get(value);
	if (!key) keys.set(value, (key = `data-${nextKey++}`));
	return key;
}

/** Runs the task on the page, through the same code the worker runs. */
async function onPage<K extends TaskName>(
	task: K,
	args: TaskArgs<K>,
	{ signal, onProgress, onEvent }: OffThreadOptions
): Promise<OffThreadResult<K>> {
	const ctx: TaskContext = {
		signal,
		progress: (f) => onProgress?.(f),
		event: (payload) => onEvent?.(payload)
	};
	const run = TASKS[task] as (a: TaskArgs<K>, c: TaskContext) => Promise<TaskResult<K>>;
	const result = await run(args, ctx);
	return { result, where: { worker: false, backend: tf.getBackend() as BackendName } };
}

/** Runs `task` in the lab's worker on the page's backend (or on the page where none can run). */
export async function offMainThread<K extends TaskName>(
	task: K,
	args: TaskArgs<K>,
	options: OffThreadOptions
): Promise<OffThreadResult<K>> {
	options.signal.throwIfAborted();
	const w = theWorker();
	const backend = tf.getBackend() as BackendName;
	if (!w) return onPage(task, args, options);
	const id = nextId++;
	const done = new Promise<Extract<FromWorker, { type: 'done' | 'memory' }>>((resolve, reject) => {
		pending.set(id, { resolve, reject, onProgress: options.onProgress, onEvent: options.onEvent });
		const onAbort = () => {
			if (!pending.delete(id)) return;
			worker?.postMessage({ type: 'cancel', id } satisfies ToWorker);
			reject(abortError());
		};
		options.signal.addEventListener('abort', onAbort, { once: true });
	});
	w.postMessage({ type: 'run', id, task, args, backend } satisfies ToWorker);
	const m = (await done) as Extract<FromWorker, { type: 'done' }>;
	return { result: m.result as TaskResult<K>, where: { worker: true, backend: m.backend } };
}

/**
 * The worker's live tensor count, backend and WASM threads once the tasks sent before this call
 * have finished (a cancelled one included), or null when no worker runs. For the tests' leak
 * checks.
 */
export async function workerState(): Promise<Omit<
	Extract<FromWorker, { type: 'memory' }>,
	'type' | 'id'
> | null> {
	if (!worker) return null;
	const id = nextId++;
	const reply = new Promise<Extract<FromWorker, { type: 'done' | 'memory' }>>((resolve, reject) =>
		pending.set(id, { resolve, reject })
	);
	worker.postMessage({ type: 'memory', id } satisfies ToWorker);
	const { type, id: _, ...state } = (await reply) as Extract<FromWorker, { type: 'memory' }>;
	void type;
	void _;
	return state;
}

/** "in a background worker on WASM" / "on the page (why)": where a run went, for its panel. */
export function whereText(where: { worker: boolean; backend: BackendName }): string {
	const label = BACKEND_NOTES[where.backend]?.label ?? where.backend;
	return where.worker
		? `ran in a background worker on ${label}`
		: `ran on the page on ${label} (${broken ?? 'this browser has no workers'})`;
}
