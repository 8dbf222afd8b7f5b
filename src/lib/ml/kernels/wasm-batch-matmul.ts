/**
 * BatchMatMul and _FusedMatMul for the WASM backend with transposed operands made plain first.
 *
 * tfjs 4.22's WASM matrix product runs in XNNPACK only when neither operand is transposed; with
 * transposeA or transposeB it falls back to a slow path, 7-16x slower on the lab's shapes (a
 * [784, 50] x [50, 128] weight gradient: 3.9 ms against 0.27 ms plain). Every dense layer's
 * backward pass asks for both (dW = x^T dy, dx = dy W^T), so training and the input gradients of
 * every attack paid it. Here a transposed operand is first copied transposed by the backend's own
 * Transpose kernel (native, one pass), then the product runs on the fast path. Same products,
 * same results up to float summation order (tests/unit/wasm-matmul-kernel.test.ts).
 */
import {
	getKernel,
	registerKernel,
	unregisterKernel,
	type KernelFunc,
	type NamedAttrMap,
	type TensorInfo
} from '@tensorflow/tfjs-core';

interface WasmBackendLike {
	disposeData(dataId: object): boolean;
}

const WRAPPED = ['BatchMatMul', '_FusedMatMul'] as const;
type Wrapped = (typeof WRAPPED)[number];

/** The wrappers registered, so that registering again is a no-op. */
const wrappers = new Map<Wrapped, KernelFunc>();

/** x with its last two axes swapped, as a new backend tensor the caller disposes. */
function transposedLastTwo(x: TensorInfo, backend: unknown): TensorInfo {
	const transpose = getKernel('Transpose', 'wasm');
	if (!transpose) throw new Error('the WASM backend has no Transpose kernel to build on');
	const rank = x.shape.length;
	const perm = Array.from({ length: rank }, (_, i) => i);
	[perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
	return transpose.kernelFunc({
		inputs: { x },
		backend: backend as never,
		attrs: { perm }
	}) as TensorInfo;
}

function wrap(original: KernelFunc): KernelFunc {
	return ({ inputs, backend, attrs }) => {
		const { transposeA, transposeB } = attrs as unknown as {
			transposeA: boolean;
			transposeB: boolean;
		};
		if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
		const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
		const scratch: TensorInfo[] = [];
		try {
			const plainA = transposeA ? transposedLastTwo(a, backend) : a;
			if (transposeA) scratch.push(plainA);
			const plainB = transposeB ? transposedLastTwo(b, backend) : b;
			if (transposeB) scratch.push(plainB);
			return original({
				inputs: { ...inputs, a: plainA, b: plainB },
				backend,
				attrs: { ...attrs, transposeA: false, transposeB: false } as unknown as NamedAttrMap
			});
		} finally {
			for (const t of scratch) (backend as unknown as WasmBackendLike).disposeData(t.dataId);
		}
	};
}

/**
 * Puts the wrappers in front of the WASM backend's BatchMatMul and _FusedMatMul; idempotent.
 * Call after the WASM backend is registered and before it initialises (the original kernels'
 * setup functions, which bind their WASM entry points, are kept).
 */
export function registerWasmPlainMatMul() {
	for (const name of WRAPPED) {
		const current = getKernel(name, 'wasm');
		if (!current) continue;
		if (current.kernelFunc === wrappers.get(name)) continue;
		const wrapper = wrap(current.kernelFunc);
		wrappers.set(name, wrapper);
		unregisterKernel(name, 'wasm');
		registerKernel({ ...current, kernelFunc: wrapper });
	}
}
