import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../scripts/lib/node-tf';
import { expectNoLeaks } from '../helpers/leaks';
import { createRng } from '../../src/lib/base/rng';

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
