/**
 * Conv2DBackpropInput (the gradient of a convolution with respect to its input) for the WASM
 * backend, through the backend's fast matrix multiply. tfjs 4.22's own WASM kernel is a plain
 * nested loop with no matrix library and no threads, and it took most of the time of every PGD
 * step. Here the transposed convolution is a matrix product followed by col2im:
 *
 *   cols[(b, i, j), (kh, kw, ci)] = sum_co dy[b, i, j, co] * w[kh, kw, ci, co]   (DY . W^T)
 *   dx[b, i*sh + kh - top, j*sw + kw - left, ci] += cols[(b, i, j), (kh, kw, ci)]
 *
 * The product runs in XNNPACK (BatchMatMul, threaded where the page is cross-origin isolated);
 * the scatter-add is one pass in JS over the columns. Exact against the CPU backend's kernel for
 * every stride and padding (tests/unit/wasm-conv-kernel.test.ts).
 */
import {
	backend_util,
	getKernel,
	registerKernel,
	unregisterKernel,
	type KernelFunc,
	type TensorInfo
} from '@tensorflow/tfjs-core';

const NAME = 'Conv2DBackpropInput';

interface WasmBackendLike {
	makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
	typedArrayFromHeap(info: TensorInfo): Float32Array;
	disposeData(dataId: object): boolean;
}

export const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
	const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
	const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as {
		strides: number | [number, number];
		pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
		dataFormat: 'NHWC' | 'NCHW';
		dimRoundingMode?: 'floor' | 'round' | 'ceil';
		inputShape: [number, number, number, number];
	};
	if (dataFormat !== 'NHWC')
		throw new Error(`${NAME} on WASM supports NHWC only, got ${dataFormat}`);
	const wasm = backend as unknown as WasmBackendLike;
	const info = backend_util.computeConv2DInfo(
		inputShape,
		filter.shape as [number, number, number, number],
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

	const matMul = getKernel('BatchMatMul', 'wasm');
	if (!matMul) throw new Error('the WASM backend has no BatchMatMul kernel to build on');
	// W^T [CO, K], transposed here: the backend's product with transposeB is several times slower
	// than a plain one, and the filter is small (K x CO values).
	const wt = wasm.makeOutput([1, CO, K], 'float32');
	{
		const w = wasm.typedArrayFromHeap(filter);
		const t = wasm.typedArrayFromHeap(wt);
		for (let k = 0; k < K; k++) for (let co = 0; co < CO; co++) t[co * K + k] = w[k * CO + co];
	}
	let cols: TensorInfo;
	try {
		cols = matMul.kernelFunc({
			inputs: { a: { dataId: dy.dataId, dtype: dy.dtype, shape: [1, N, CO] }, b: wt },
			backend,
			attrs: { transposeA: false, transposeB: false }
		}) as TensorInfo;
	} finally {
		wasm.disposeData(wt.dataId);
	}
	try {
		const dx = wasm.makeOutput([B, H, W, CI], 'float32');
		// Views are taken after the allocation: growing the WASM heap detaches older views.
		const out = wasm.typedArrayFromHeap(dx);
		const cs = wasm.typedArrayFromHeap(cols);
		out.fill(0);
		col2im(cs, out, { B, H, W, CI, OH, OW, KH, KW, sh, sw, top, left });
		return dx;
	} finally {
		wasm.disposeData(cols.dataId);
	}
};

interface Col2ImShape {
	B: number;
	H: number;
	W: number;
	CI: number;
	OH: number;
	OW: number;
	KH: number;
	KW: number;
	sh: number;
	sw: number;
	top: number;
	left: number;
}

/**
 * dx += the columns scattered back to their pixels. The valid output columns j of each filter
 * column kw are worked out once, so the inner loops have no bounds tests; one input channel (the
 * digit CNN's first layer) gets its own loop without the channel axis.
 */
function col2im(cs: Float32Array, out: Float32Array, s: Col2ImShape) {
	const { B, H, W, CI, OH, OW, KH, KW, sh, sw, top, left } = s;
	const K = KH * KW * CI;
	const jFrom = new Int32Array(KW);
	const jTo = new Int32Array(KW);
	for (let kw = 0; kw < KW; kw++) {
		// c = j * sw + kw - left must lie in [0, W)
		jFrom[kw] = Math.max(0, Math.ceil((left - kw) / sw));
		jTo[kw] = Math.min(OW, Math.floor((W - 1 + left - kw) / sw) + 1);
	}
	const rowStride = sw * CI;
	for (let b = 0; b < B; b++) {
		for (let i = 0; i < OH; i++) {
			const srcRow = (b * OH + i) * OW * K;
			for (let kh = 0; kh < KH; kh++) {
				const r = i * sh + kh - top;
				if (r < 0 || r >= H) continue;
				const dstRow = (b * H + r) * W * CI;
				for (let kw = 0; kw < KW; kw++) {
					const j0 = jFrom[kw];
					const j1 = jTo[kw];
					let src = srcRow + j0 * K + (kh * KW + kw) * CI;
					let dst = dstRow + (j0 * sw + kw - left) * CI;
					if (CI === 1) {
						for (let j = j0; j < j1; j++, src += K, dst += sw) out[dst] += cs[src];
					} else {
						for (let j = j0; j < j1; j++, src += K, dst += rowStride)
							for (let ci = 0; ci < CI; ci++) out[dst + ci] += cs[src + ci];
					}
				}
			}
		}
	}
}

/** Replaces tfjs's own WASM kernel; idempotent. Call after the WASM backend is registered. */
export function registerWasmConv2dBackpropInput() {
	if (getKernel(NAME, 'wasm')?.kernelFunc === conv2dBackpropInput) return;
	if (getKernel(NAME, 'wasm')) unregisterKernel(NAME, 'wasm');
	registerKernel({ kernelName: NAME, backendName: 'wasm', kernelFunc: conv2dBackpropInput });
}
