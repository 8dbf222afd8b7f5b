import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../scripts/lib/node-tf';
import { expectNoLeaks } from '../helpers/leaks';
import { createRng } from '../../src/lib/base/rng';

// The WASM backend's BatchMatMul and _FusedMatMul with transposed operands (made plain first, see
// src/lib/ml/kernels/wasm-batch-matmul.ts) must agree with the CPU backend's reference kernels.
function randomValues(shape: number[], seed: number) {
	const rng = createRng(seed);
	const size = shape.reduce((a, b) => a * b, 1);
	return Float32Array.from({ length: size }, () => rng() * 2 - 1);
}

type Product = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

async function compute(
	backend: 'cpu' | 'wasm',
	aShape: number[],
	bShape: number[],
	biasShape: number[],
	product: Product
) {
	await initNodeBackend(backend);
	// numTensors misses a kernel's scratch buffers, so count the backend's data ids too.
	const idsBefore = tf.engine().backend.numDataIds();
	const values = await expectNoLeaks(async () => {
		const out = tf.tidy(() =>
			product(
				tf.tensor(randomValues(aShape, 1), aShape),
				tf.tensor(randomValues(bShape, 2), bShape),
				tf.tensor(randomValues(biasShape, 3), biasShape)
			)
		);
		const values = await out.data();
		out.dispose();
		return values;
	});
	expect(tf.engine().backend.numDataIds()).toBe(idsBefore);
	return values;
}

function worstRelativeError(a: ArrayLike<number>, ref: ArrayLike<number>) {
	expect(a.length).toBe(ref.length);
	let worst = 0;
	for (let i = 0; i < a.length; i++)
		worst = Math.max(worst, Math.abs(a[i] - ref[i]) / (1 + Math.abs(ref[i])));
	return worst;
}

// [M, K] x [K, N] with each operand stored transposed or not, as rank 2, as a batch of 3, and
// with a batch of 1 broadcast against 3.
const CASES: {
	name: string;
	a: (m: number, k: number) => number[];
	b: (k: number, n: number) => number[];
}[] = [
	{ name: 'rank 2', a: (m, k) => [m, k], b: (k, n) => [k, n] },
	{ name: 'batch 3', a: (m, k) => [3, m, k], b: (k, n) => [3, k, n] },
	{ name: 'batch 1 against 3', a: (m, k) => [1, m, k], b: (k, n) => [3, k, n] }
];

describe('BatchMatMul and _FusedMatMul on WASM with transposed operands', () => {
	const [M, K, N] = [7, 13, 5];
	for (const c of CASES)
		for (const [ta, tb] of [
			[false, false],
			[true, false],
			[false, true],
			[true, true]
		] as const) {
			const aShape = c.a(M, K);
			const bShape = c.b(K, N);
			// stored transposed: swap the last two axes of the stored shape
			const stored = (s: number[], t: boolean) =>
				t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s;
			it(`matMul ${c.name}, transposeA ${ta}, transposeB ${tb} matches the CPU backend`, async () => {
				const product: Product = (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb);
				const args: [number[], number[], number[]] = [stored(aShape, ta), stored(bShape, tb), [N]];
				const reference = await compute('cpu', ...args, product);
				const wasm = await compute('wasm', ...args, product);
				expect(worstRelativeError(wasm, reference)).toBeLessThan(1e-5);
			});
			// tfjs 4.22's own fused WASM kernel already disagrees with the CPU backend on batched
			// operands with no transpose at all; the lab's dense layers are rank 2.
			if (c.name === 'rank 2')
				it(`fused matMul + bias + relu ${c.name}, transposeA ${ta}, transposeB ${tb} matches the CPU backend`, async () => {
					const product: Product = (a, b, bias) =>
						tf.fused.matMul({
							a: a as tf.Tensor3D,
							b: b as tf.Tensor3D,
							transposeA: ta,
							transposeB: tb,
							bias,
							activation: 'relu'
						});
					const args: [number[], number[], number[]] = [
						stored(aShape, ta),
						stored(bShape, tb),
						[N]
					];
					const reference = await compute('cpu', ...args, product);
					const wasm = await compute('wasm', ...args, product);
					expect(worstRelativeError(wasm, reference)).toBeLessThan(1e-5);
				});
		}

	it('gradients through a dense layer (both transposes) match the CPU backend', async () => {
		const product: Product = (a, b) =>
			tf.tidy(() => {
				const f = (x: tf.Tensor, w: tf.Tensor) =>
					tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D)));
				const [gx, gw] = tf.grads(f)([a, b]);
				return tf.concat([tf.reshape(gx, [-1]), tf.reshape(gw, [-1])]);
			});
		const reference = await compute('cpu', [50, 784], [784, 64], [64], product);
		const wasm = await compute('wasm', [50, 784], [784, 64], [64], product);
		// sums of 784 and 50 float32 products, added in another order: a few ulps of ~1e2
		expect(worstRelativeError(wasm, reference)).toBeLessThan(1e-3);
	});
});
