/**
 * Which tfjs backend runs the models, and why. Framework-free and import-safe: nothing here
 * touches tfjs until a caller asks for a backend.
 *
 * - webgl: the GPU. Fast for big batches on real hardware; on a software renderer (SwiftShader,
 *   llvmpipe) it is slower than WASM, so `auto` skips it there.
 * - wasm: XNNPACK kernels with SIMD, and threads when the page is cross-origin isolated.
 *   tfjs 4.22 lacks Conv2DBackpropFilter on WASM; we register one built on its native
 *   im2col and the backend's matrix multiply (kernels/wasm-conv2d-backprop-filter.ts), so CNNs
 *   train there too. Its Sign kernel returns 0 for |x| < ~1.2e-7, so attacks take gradient signs
 *   from comparisons instead (attacks/fgsm.ts).
 * - cpu: plain JavaScript. Everything works, slowly; the last resort.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers the gradients of the core ops when imported (both its Node bundle and its
// ESM build do); attacks and training differentiate through them. A table update, no tensor work.
// (Importing tfjs-core/dist/register_all_gradients directly breaks Node's ESM resolver.)
import '@tensorflow/tfjs-layers';
import { registerWasmConv2dBackpropFilter } from './kernels/wasm-conv2d-backprop-filter';
import { registerWasmConv2dBackpropInput } from './kernels/wasm-conv2d-backprop-input';
import { registerWasmPlainMatMul } from './kernels/wasm-batch-matmul';

export const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = BackendName | 'auto';

export interface BackendNote {
	label: string;
	runsOn: string;
	limits: string[];
}

/** What each backend can and cannot do, shown on the models page and in the README. */
export const BACKEND_NOTES: Record<BackendName, BackendNote> = {
	webgl: {
		label: 'WebGL',
		runsOn: 'the GPU, through WebGL 2 shaders',
		limits: [
			'Only as fast as the GPU: on a software renderer (SwiftShader, llvmpipe) it is several times slower than WASM, so "auto" avoids it there.',
			'Each call pays a GPU round trip to read results back; tiny one-digit calls gain little.',
			'float32 only where the GPU supports it; on float16-only GPUs results differ in the last digits.',
			'The browser can take the GPU context away (driver reset, too many tabs); the lab then moves to WASM and keeps its state.'
		]
	},
	wasm: {
		label: 'WASM',
		runsOn:
			'the CPU, through WebAssembly with SIMD, multi-threaded when the page is cross-origin isolated',
		limits: [
			"tfjs 4.22 ships no Conv2DBackpropFilter (CNN weight gradients) for WASM; the lab registers its own (im2col and the backend's matrix multiply), so CNN training works.",
			"tfjs 4.22's WASM Conv2DBackpropInput (input gradients, every PGD step) is a plain loop; the lab replaces it with col2im around the matrix multiply, about 5x faster.",
			'Its Sign kernel returns 0 for values below about 1.2e-7, which would silently weaken FGSM; the lab takes gradient signs from comparisons instead.',
			'Threads need the COOP/COEP headers (cross-origin isolation); without them it runs single-threaded.',
			'Some rarely used ops fall back with an error instead of running; none of the labs use them.'
		]
	},
	cpu: {
		label: 'CPU',
		runsOn: 'the CPU, in plain JavaScript',
		limits: [
			'Every op works, but convolutions are 5-20x slower than WASM: robustness curves and CNN training take minutes, not seconds.'
		]
	}
};

export function isBackendName(value: string): value is BackendName {
	return (BACKENDS as readonly string[]).includes(value);
}

/** Parses ?backend=...; anything unknown is an error naming the accepted values. */
export function parseBackendChoice(value: string | null | undefined): BackendChoice {
	if (value === null || value === undefined || value === '' || value === 'auto') return 'auto';
	if (isBackendName(value)) return value;
	throw new Error(`backend "${value}" is not one of auto, ${BACKENDS.join(', ')}`);
}

/** Renderer strings of software rasterisers, where WebGL runs on the CPU. */
const SOFTWARE_RENDERER =
	/swiftshader|llvmpipe|softpipe|software|basic render driver|mesa offscreen|lavapipe/i;

export function isSoftwareRenderer(renderer: string): boolean {
	return SOFTWARE_RENDERER.test(renderer);
}

export interface GpuProbe {
	webgl2: boolean;
	renderer: string | null;
	software: boolean;
}

/** auto: WebGL on a real GPU, WASM when WebGL is missing or software-rendered, CPU last. */
export function resolveAuto(probe: GpuProbe | null, wasmAvailable: boolean): BackendName {
	if (probe?.webgl2 && !probe.software) return 'webgl';
	return wasmAvailable ? 'wasm' : 'cpu';
}

/** Registers a backend's code with tfjs (dynamic imports, so pages only load what they use). */
export type BackendLoader = () => Promise<void>;

/**
 * Makes `name` the active tfjs backend, loading and initialising it if needed.
 * Throws with the reason when the backend cannot start here.
 */
export async function activateBackend(name: BackendName, load: BackendLoader): Promise<void> {
	if (tf.getBackend() === name) return;
	await load();
	if (name === 'wasm') {
		registerWasmConv2dBackpropFilter();
		registerWasmConv2dBackpropInput();
		registerWasmPlainMatMul();
	}
	let ok: boolean;
	try {
		ok = await tf.setBackend(name);
	} catch (err) {
		throw new Error(
			`the ${BACKEND_NOTES[name].label} backend failed to start: ${(err as Error).message}`,
			{ cause: err }
		);
	}
	if (!ok)
		throw new Error(
			`the ${BACKEND_NOTES[name].label} backend is not available in this environment`
		);
	await tf.ready();
}
