/**
 * The lab's worker: runs the tasks of tasks.ts with tfjs off the page's main thread, so the page
 * keeps painting and answering while a model trains. One task at a time, in arrival order; a
 * cancel aborts the task's signal, and the task stops at its next check and frees its tensors.
 * The backend follows the page's: WASM and CPU as asked, WebGL through OffscreenCanvas where
 * this browser gives a worker WebGL 2, else WASM (the reply says which ran).
 */
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '$lib/ml/backend';
import {
	activateBrowserBackend,
	attemptsFrom,
	resetBackend,
	START_TIMEOUT_MS,
	wasmFeatures,
	withTimeout
} from '../backend-browser';
import { parallelNoise } from './noise-source';
import type { FromWorker, ToWorker } from './protocol';
import { dropKept, TASKS, type TaskContext } from './tasks';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: FromWorker) => scope.postMessage(message);

const controllers = new Map<number, AbortController>();
/** DP-SGD's noise, made in a worker of this worker's own on the other core */
const noise = parallelNoise();
let active: BackendName | null = null;
let queue: Promise<void> = Promise.resolve();

function offscreenWebGL2(): boolean {
	try {
		return (
			typeof OffscreenCanvas !== 'undefined' && !!new OffscreenCanvas(1, 1).getContext('webgl2')
		);
	} catch {
		return false;
	}
}

/**
 * Starts `wanted`, or the next one down that starts (WebGL -> WASM -> WASM on one thread -> CPU,
 * as on the page, each given the page's start-up time limit), and says which runs.
 */
async function ensureBackend(wanted: BackendName): Promise<BackendName> {
	if (active === wanted && tf.getBackend() === wanted) return wanted;
	const failures: string[] = [];
	for (const { name, threads } of attemptsFrom(wanted)) {
		if (name === 'webgl' && !offscreenWebGL2()) continue;
		if (active === name && tf.getBackend() === name) return name;
		try {
			// what the tasks kept was made on the old backend
			dropKept();
			await withTimeout(
				activateBrowserBackend(name, { wasmThreads: threads }),
				START_TIMEOUT_MS,
				`${name}${threads ? '' : ' (one thread)'} did not start within ${START_TIMEOUT_MS / 1000} s`
			);
			active = name;
			return name;
		} catch (err) {
			failures.push(err instanceof Error ? err.message : String(err));
			active = null;
			resetBackend(name);
		}
	}
	throw new Error(`no backend could start in the worker: ${failures.join('; ')}`);
}

async function run(message: Extract<ToWorker, { type: 'run' }>) {
	const { id } = message;
	const controller = controllers.get(id);
	if (!controller) return;
	try {
		controller.signal.throwIfAborted();
		const backend = await ensureBackend(message.backend);
		const ctx: TaskContext = {
			signal: controller.signal,
			progress: (fraction) => post({ type: 'progress', id, fraction }),
			event: (payload) => post({ type: 'event', id, payload }),
			noise
		};
		const task = TASKS[message.task] as (args: unknown, ctx: TaskContext) => Promise<unknown>;
		const result = await task(message.args, ctx);
		post({ type: 'done', id, result, backend, numTensors: tf.memory().numTensors });
	} catch (err) {
		const e = err instanceof Error ? err : new Error(String(err));
		post({
			type: 'failed',
			id,
			name: e.name,
			message: e.message,
			numTensors: active ? tf.memory().numTensors : 0
		});
	} finally {
		controllers.delete(id);
	}
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
	const message = event.data;
	if (message.type === 'run') {
		controllers.set(message.id, new AbortController());
		queue = queue.then(() => run(message));
	} else if (message.type === 'cancel') {
		controllers.get(message.id)?.abort();
	} else if (message.type === 'memory') {
		// after the tasks before it, so a test reads the count once they have cleaned up
		queue = queue.then(async () =>
			post({
				type: 'memory',
				id: message.id,
				numTensors: active ? tf.memory().numTensors : 0,
				backend: active,
				wasm: active === 'wasm' ? await wasmFeatures() : null
			})
		);
	}
};
