/**
 * Browser side of the backend manager: probing the GPU, loading backend code on demand, and
 * watching for a lost WebGL context. Nothing runs at import.
 */
import * as tf from '@tensorflow/tfjs-core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
	activateBackend,
	isSoftwareRenderer,
	type BackendName,
	type GpuProbe
} from '../ml/backend';

/** Reads the WebGL 2 renderer string from a throwaway canvas, then releases the context. */
export function probeWebGL(): GpuProbe {
	try {
		const canvas = document.createElement('canvas');
		const gl = canvas.getContext('webgl2');
		if (!gl) return { webgl2: false, renderer: null, software: false };
		const info = gl.getExtension('WEBGL_debug_renderer_info');
		const renderer = String(
			gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? 'unknown'
		);
		gl.getExtension('WEBGL_lose_context')?.loseContext();
		return { webgl2: true, renderer, software: isSoftwareRenderer(renderer) };
	} catch {
		return { webgl2: false, renderer: null, software: false };
	}
}

export function wasmSupported(): boolean {
	return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
}

/**
 * How the active WASM backend runs: SIMD or not, and on how many threads (threads need
 * cross-origin isolation, i.e. the COOP/COEP headers).
 */
export async function wasmFeatures(): Promise<{
	simd: boolean;
	threaded: boolean;
	threads: number;
}> {
	const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
	const threaded = simd && Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
	const wasm = await import('@tensorflow/tfjs-backend-wasm');
	return { simd, threaded, threads: threaded ? wasm.getThreadsCount() : 1 };
}

let webglFactoryRemoved = false;

/**
 * tfjs-backend-wasm starts its threads by handing each worker the Emscripten factory's source,
 * taken with Function.prototype.toString(). After an app bundler minifies that function, its
 * text refers to names that exist only in the bundle, and every worker dies with "e is not
 * defined" (tensorflow/tfjs#4107). The fix: have toString() return the factory's original,
 * unbundled source, loaded as text only when the WASM backend is used.
 */
async function repairThreadedWorkerSource() {
	const [factoryModule, source] = await Promise.all([
		import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'),
		import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw')
	]);
	const factory = ((factoryModule as { default?: unknown }).default ?? factoryModule) as {
		toString(): string;
	};
	const original = source.default;
	factory.toString = () =>
		`(function () {\n${original}\nreturn WasmBackendModuleThreadedSimd;\n})()`;
}

async function loadBackendCode(name: BackendName, wasmThreads: boolean) {
	if (name === 'webgl') {
		const webgl = await import('@tensorflow/tfjs-backend-webgl');
		// After a lost context the old backend was removed; register a fresh one.
		if (webglFactoryRemoved) {
			tf.registerBackend('webgl', () => new webgl.MathBackendWebGL(), 2);
			webglFactoryRemoved = false;
		}
	} else if (name === 'wasm') {
		await repairThreadedWorkerSource();
		const wasm = await import('@tensorflow/tfjs-backend-wasm');
		// the flag exists once the backend's module has registered it (setting it before throws)
		if (!wasmThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
		// tfjs defaults to half the logical cores; XNNPACK runs work on the calling thread too, so
		// ask for one thread per core. (tfjs 4.22 may still report a pool of 1: tensorflow/tfjs#6081.)
		if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) {
			wasm.setThreadsCount(Math.min(navigator.hardwareConcurrency, 8));
		}
		wasm.setWasmPaths({
			'tfjs-backend-wasm.wasm': wasmPlain,
			'tfjs-backend-wasm-simd.wasm': wasmSimd,
			'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
		});
	} else {
		await import('@tensorflow/tfjs-backend-cpu');
	}
}

/**
 * Starts a backend. `wasmThreads: false` makes the WASM backend load its single-threaded build
 * even on a cross-origin-isolated page (the fallback when its worker threads cannot start).
 */
export async function activateBrowserBackend(
	name: BackendName,
	{ wasmThreads = true }: { wasmThreads?: boolean } = {}
): Promise<void> {
	tf.env().set('PROD', true);
	await activateBackend(name, () => loadBackendCode(name, wasmThreads));
}

/**
 * Forgets a backend whose start-up never finished (e.g. WASM workers a policy blocked), so that
 * the next attempt starts afresh: the same factory, registered again.
 */
export function resetBackend(name: BackendName) {
	const factory = tf.findBackendFactory(name);
	if (!factory) return;
	try {
		tf.removeBackend(name);
	} catch {
		// not registered any more
	}
	tf.registerBackend(name, factory, name === 'webgl' ? 2 : 1);
}

/** Whether the WASM backend would start worker threads here (cross-origin isolated). */
export function wasmWouldUseThreads(): boolean {
	return typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
}

/** The canvas behind the active WebGL backend, if that is the active one. */
export function webglCanvas(): HTMLCanvasElement | OffscreenCanvas | null {
	if (tf.getBackend() !== 'webgl') return null;
	const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
	return backend.gpgpu?.gl?.canvas ?? null;
}

/**
 * Calls onLost once if the browser takes the WebGL context away. The broken backend is removed
 * so that a later switch back to WebGL starts on a new context.
 */
export function watchWebGLContext(onLost: () => void): () => void {
	const canvas = webglCanvas();
	if (!canvas) return () => {};
	const handler = (event: Event) => {
		event.preventDefault();
		canvas.removeEventListener('webglcontextlost', handler);
		onLost();
	};
	canvas.addEventListener('webglcontextlost', handler);
	return () => canvas.removeEventListener('webglcontextlost', handler);
}

/** Drops the WebGL backend after its context was lost (its tensors are gone with it). */
export function discardWebGLBackend() {
	try {
		tf.removeBackend('webgl');
	} catch {
		// already gone
	}
	webglFactoryRemoved = true;
}

/** Forces a context loss on the active WebGL backend, as a driver reset would (for tests). */
export function loseWebGLContext(): boolean {
	const canvas = webglCanvas();
	const gl = canvas?.getContext('webgl2') as WebGL2RenderingContext | null | undefined;
	const ext = gl?.getExtension('WEBGL_lose_context');
	if (!ext) return false;
	ext.loseContext();
	return true;
}

/** One way to start a backend: WASM may also be tried without its worker threads. */
export interface Attempt {
	name: BackendName;
	threads: boolean;
}

/** Fallback order when a backend cannot start: WebGL -> WASM -> WASM on one thread -> CPU. */
export function attemptsFrom(target: BackendName): Attempt[] {
	const all: Attempt[] = [
		{ name: 'webgl', threads: true },
		{ name: 'wasm', threads: true },
		...(wasmWouldUseThreads() ? [{ name: 'wasm' as const, threads: false }] : []),
		{ name: 'cpu', threads: true }
	];
	return all.slice(all.findIndex((a) => a.name === target));
}

/**
 * A backend that has not started in this long is given up for the next one: a start-up that hangs
 * (worker threads a Content-Security-Policy blocks never report) must not leave the page at
 * "starting" for good. Normal start-ups take well under a second.
 */
export const START_TIMEOUT_MS = 10_000;

export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(message)), ms);
		work.then(
			(v) => {
				clearTimeout(timer);
				resolve(v);
			},
			(e) => {
				clearTimeout(timer);
				reject(e);
			}
		);
	});
}
