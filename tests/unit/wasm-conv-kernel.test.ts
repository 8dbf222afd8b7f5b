import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../scripts/lib/node-tf';
import { expectNoLeaks } from '../helpers/leaks';
import { createRng } from '../../src/lib/base/rng';
import { conv2dBackpropInput } from '../../src/lib/ml/kernels/wasm-conv2d-backprop-input';

// The lab's Conv2DBackpropFilter for WASM must agree with the CPU backend's reference kernel.
function randomTensor(shape: number[], seed: number) {
	const rng = createRng(seed);
	const size = shape.reduce((a, b) => a * b, 1);
	return Float32Array.from({ length: size }, () => rng() * 2 - 1);
}

async function filterGradient(
	backend: 'cpu' | 'wasm',
	xShape: [number, number, number, number],
	filterShape: [number, number, number, number],
	stride: number,
	pad: 'same' | 'valid'
) {
	await initNodeBackend(backend);
	const xData = randomTensor(xShape, 1);
	const wData = randomTensor(filterShape, 2);
	// numTensors misses the kernel's scratch buffer, so count the backend's data ids too.
	const idsBefore = tf.engine().backend.numDataIds();
	const values = await expectNoLeaks(async () => {
		const grads = tf.tidy(() => {
			const x = tf.tensor4d(xData, xShape);
			const w = tf.tensor4d(wData, filterShape);
			const f = (filter: tf.Tensor) =>
				tf.sum(tf.square(tf.conv2d(x, filter as tf.Tensor4D, stride, pad)));
			return tf.grad(f)(w);
		});
		const values = await grads.data();
		grads.dispose();
		return values;
	});
	expect(tf.engine().backend.numDataIds()).toBe(idsBefore);
	return values;
}

describe('Conv2DBackpropFilter on WASM (im2col and BatchMatMul)', () => {
	beforeAll(async () => {
		await initNodeBackend('wasm');
	});

	for (const [stride, pad] of [
		[1, 'same'],
		[2, 'same'],
		[1, 'valid'],
		[2, 'valid']
	] as const) {
		it(`matches the CPU backend for stride ${stride}, ${pad} padding`, async () => {
			const xShape: [number, number, number, number] = [3, 11, 9, 4];
			const filterShape: [number, number, number, number] = [5, 3, 4, 6];
			const reference = await filterGradient('cpu', xShape, filterShape, stride, pad);
			const wasm = await filterGradient('wasm', xShape, filterShape, stride, pad);
			expect(wasm.length).toBe(reference.length);
			let worst = 0;
			for (let i = 0; i < wasm.length; i++) {
				worst = Math.max(worst, Math.abs(wasm[i] - reference[i]) / (1 + Math.abs(reference[i])));
			}
			expect(worst).toBeLessThan(1e-4);
		});
	}
});

async function inputGradient(
	backend: 'cpu' | 'wasm',
	xShape: [number, number, number, number],
	filterShape: [number, number, number, number],
	stride: number,
	pad: 'same' | 'valid'
) {
	await initNodeBackend(backend);
	const xData = randomTensor(xShape, 3);
	const wData = randomTensor(filterShape, 4);
	const idsBefore = tf.engine().backend.numDataIds();
	const values = await expectNoLeaks(async () => {
		const grads = tf.tidy(() => {
			const x = tf.tensor4d(xData, xShape);
			const w = tf.tensor4d(wData, filterShape);
			const f = (input: tf.Tensor) =>
				tf.sum(tf.square(tf.conv2d(input as tf.Tensor4D, w, stride, pad)));
			return tf.grad(f)(x);
		});
		const values = await grads.data();
		grads.dispose();
		return values;
	});
	expect(tf.engine().backend.numDataIds()).toBe(idsBefore);
	return values;
}

describe('Conv2DBackpropInput on WASM (BatchMatMul and col2im)', () => {
	it("replaces tfjs's own kernel once the WASM backend starts", async () => {
		await initNodeBackend('wasm');
		expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(conv2dBackpropInput);
	});

	const shapes: [[number, number, number, number], [number, number, number, number]][] = [
		[
			[3, 11, 9, 4],
			[5, 3, 4, 6]
		],
		// the shipped CNNs: 5x5 stride 2 on 28x28x1, 3x3 stride 2 on 14x14x16
		[
			[2, 28, 28, 1],
			[5, 5, 1, 16]
		],
		[
			[2, 14, 14, 16],
			[3, 3, 16, 32]
		]
	];
	for (const [xShape, filterShape] of shapes)
		for (const [stride, pad] of [
			[1, 'same'],
			[2, 'same'],
			[1, 'valid'],
			[2, 'valid']
		] as const) {
			it(`matches the CPU backend: x ${xShape.join('x')}, filter ${filterShape.join('x')}, stride ${stride}, ${pad}`, async () => {
				const reference = await inputGradient('cpu', xShape, filterShape, stride, pad);
				const wasm = await inputGradient('wasm', xShape, filterShape, stride, pad);
				expect(wasm.length).toBe(reference.length);
				let worst = 0;
				for (let i = 0; i < wasm.length; i++)
					worst = Math.max(worst, Math.abs(wasm[i] - reference[i]) / (1 + Math.abs(reference[i])));
				expect(worst).toBeLessThan(1e-4);
			});
		}
});
