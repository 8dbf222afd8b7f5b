/**
 * The WASM backend of tfjs 4.22 has no Conv2DBackpropFilter kernel, so a CNN cannot compute its
 * weight gradients there (input gradients, Conv2DBackpropInput, exist). Its native
 * Conv3DBackpropFilterV2 would do for a depth-1 convolution, but it is wrong for strides above 1
 * (tests/unit/wasm-conv-kernel.test.ts caught it). So this kernel uses im2col and the backend's
 * fast matrix multiply:
 *
 *   dW[kh, kw, ci, co] = sum_{b, i, j} x[b, i*sh + kh - top, j*sw + kw - left, ci] * dy[b, i, j, co]
 *                      = (P^T . DY)[(kh, kw, ci), co]
 *
 * with P^T the [KH*KW*CI, B*OH*OW] matrix of input patches (built here in JS) and DY the
 * [B*OH*OW, CO] view of dy. The result's memory layout is already [KH, KW, CI, CO].
 */
import {
	backend_util,
	getKernel,
	registerKernel,
	type KernelFunc,
	type TensorInfo
} from '@tensorflow/tfjs-core';

const NAME = 'Conv2DBackpropFilter';

interface WasmBackendLike {
	makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
	typedArrayFromHeap(info: TensorInfo): Float32Array;
	disposeData(dataId: object): boolean;
}

const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
	const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
	const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
		strides: number | [number, number];
		pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
		dataFormat: 'NHWC' | 'NCHW';
		dimRoundingMode?: 'floor' | 'round' | 'ceil';
		filterShape: [number, number, number, number];
	};
	if (dataFormat !== 'NHWC')
		throw new Error(`${NAME} on WASM supports NHWC only, got ${dataFormat}`);
	const wasm = backend as unknown as WasmBackendLike;
	const info = backend_util.computeConv2DInfo(
		x.shape as [number, number, number, number],
		filterShape,
		strides,
		1,
		pad,
		dimRoundingMode,
		false,
		'channelsLast'
	);
	const { batchSize: B, inHeight: H, inWidth: W, inChannels: CI } = info;
	const { outHeight: OH, outWidth: OW, outChannels: CO, strideHeight: sh, strideWidth: sw } = info;
	const { filterHeight: KH, filterWidth: KW } = info;
	const { top, left } = info.padInfo;
	const K = KH * KW * CI;
	const N = B * OH * OW;

	const patches = wasm.makeOutput([1, K, N], 'float32');
	// Views are taken after the allocation: growing the WASM heap detaches older views.
	const xs = wasm.typedArrayFromHeap(x);
	const pt = wasm.typedArrayFromHeap(patches);
	for (let b = 0; b < B; b++) {
		for (let i = 0; i < OH; i++) {
			for (let j = 0; j < OW; j++) {
				const n = (b * OH + i) * OW + j;
				for (let kh = 0; kh < KH; kh++) {
					const r = i * sh + kh - top;
					const rowInside = r >= 0 && r < H;
					for (let kw = 0; kw < KW; kw++) {
						const c = j * sw + kw - left;
						const k0 = (kh * KW + kw) * CI;
						if (rowInside && c >= 0 && c < W) {
							const src = ((b * H + r) * W + c) * CI;
							for (let ci = 0; ci < CI; ci++) pt[(k0 + ci) * N + n] = xs[src + ci];
						} else {
							for (let ci = 0; ci < CI; ci++) pt[(k0 + ci) * N + n] = 0;
						}
					}
				}
			}
		}
	}
	const matMul = getKernel('BatchMatMul', 'wasm');
	if (!matMul) throw new Error('the WASM backend has no BatchMatMul kernel to build on');
	try {
		const dw = matMul.kernelFunc({
			inputs: { a: patches, b: { dataId: dy.dataId, dtype: dy.dtype, shape: [1, N, CO] } },
			backend,
			attrs: { transposeA: false, transposeB: false }
		}) as TensorInfo;
		return { dataId: dw.dataId, dtype: dw.dtype, shape: [KH, KW, CI, CO] };
	} finally {
		wasm.disposeData(patches.dataId);
	}
};

/** Idempotent: call after the WASM backend is registered. */
export function registerWasmConv2dBackpropFilter() {
	if (getKernel(NAME, 'wasm')) return;
	registerKernel({ kernelName: NAME, backendName: 'wasm', kernelFunc: conv2dBackpropFilter });
}
