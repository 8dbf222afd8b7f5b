import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMlp, disposeMlp, mlpLogits, mlpVariables, type Mlp } from '../../src/lib/ml/mlp';
import { meanCrossEntropy } from '../../src/lib/ml/losses';
import { createRng, normal } from '../../src/lib/base/rng';
import {
	clippedGradientSum,
	perExampleGradientNorms,
	perExampleGradients,
	trainDpSgd,
	trainSgd
} from '../../src/lib/ml/privacy/dp-sgd';
import { fraudPrivacyData } from '../../src/lib/ml/privacy/experiment';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

beforeAll(() => useBackend('wasm'));

function batchOf(d: number, classes: number, b: number, seed: number) {
	const rng = createRng(seed);
	const rows = Float32Array.from({ length: b * d }, () => normal(rng));
	const labels = Int32Array.from({ length: b }, (_, i) => i % Math.max(2, classes));
	return { rows, labels };
}

/** Example i's gradient the slow, obvious way: tfjs autodiff on that example alone. */
async function oneAtATime(mlp: Mlp, rows: Float32Array, labels: Int32Array) {
	const d = mlp.sizes[0];
	const out: Float32Array[][] = [];
	for (let i = 0; i < labels.length; i++) {
		const grads = tf.tidy(() => {
			const x = tf.tensor2d(rows.subarray(i * d, (i + 1) * d), [1, d]);
			const y = tf.tensor1d([labels[i]], 'int32');
			const { grads } = tf.variableGrads(
				() => meanCrossEntropy(mlpLogits(mlp, x), y),
				mlpVariables(mlp)
			);
			return mlpVariables(mlp).map((v) => grads[v.name]);
		});
		out.push(await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array)));
		tf.dispose(grads);
	}
	return out;
}

const norm = (parts: Float32Array[]) =>
	Math.sqrt(parts.reduce((s, p) => s + p.reduce((t, v) => t + v * v, 0), 0));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4) {
	expect(actual.length).toBe(expected.length);
	let worst = 0;
	for (let i = 0; i < actual.length; i++)
		worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1e-3 + Math.abs(expected[i])));
	expect(worst).toBeLessThan(tol);
}

describe.each([
	{ what: 'binary (one sigmoid output)', sizes: [10, 8, 6, 1] },
	{ what: 'ten classes (softmax)', sizes: [12, 7, 10] }
])('per-example gradients, $what', ({ sizes }) => {
	const B = 6;

	it('equal the gradients computed one example at a time, and so do their norms', async () => {
		const mlp = createMlp(sizes, 3);
		const { rows, labels } = batchOf(sizes[0], sizes.at(-1)!, B, 11);
		const reference = await oneAtATime(mlp, rows, labels);
		const [perEx, norms] = tf.tidy(() => {
			const x = tf.tensor2d(rows, [B, sizes[0]]);
			const y = tf.tensor1d(labels, 'int32');
			return [perExampleGradients(mlp, x, y), perExampleGradientNorms(mlp, x, y)] as const;
		});
		const perExData = await Promise.all(perEx.map((t) => t.data()));
		const normData = await norms.data();
		tf.dispose([...perEx, norms]);
		for (let i = 0; i < B; i++) {
			reference[i].forEach((g, v) => {
				const size = g.length;
				expectClose(perExData[v].subarray(i * size, (i + 1) * size), g);
			});
			expect(normData[i]).toBeCloseTo(norm(reference[i]), 4);
		}
		disposeMlp(mlp);
	});

	it('clipped to C = 0.3 and summed, match the one-at-a-time gradients scaled by min(1, C / norm)', async () => {
		const C = 0.3;
		const mlp = createMlp(sizes, 4);
		const { rows, labels } = batchOf(sizes[0], sizes.at(-1)!, B, 12);
		const reference = await oneAtATime(mlp, rows, labels);
		const expected = reference[0].map((g) => new Float32Array(g.length));
		let clippedSome = false;
		for (const parts of reference) {
			const f = Math.min(1, C / norm(parts));
			if (f < 1) clippedSome = true;
			parts.forEach((g, v) => g.forEach((x, j) => (expected[v][j] += f * x)));
		}
		expect(clippedSome).toBe(true);
		const grads = tf.tidy(
			() =>
				clippedGradientSum(mlp, tf.tensor2d(rows, [B, sizes[0]]), tf.tensor1d(labels, 'int32'), C)
					.grads
		);
		const got = await Promise.all(grads.map((g) => g.data()));
		tf.dispose(grads);
		got.forEach((g, v) => expectClose(g, expected[v]));
		disposeMlp(mlp);
	});
});

describe('clipping', () => {
	it('no example contributes a gradient longer than C, whatever its raw norm', async () => {
		const sizes = [10, 16, 1];
		const mlp = createMlp(sizes, 5);
		const { rows, labels } = batchOf(10, 1, 20, 13);
		// scale some rows up so that their raw gradients are far longer than C
		for (let i = 0; i < rows.length; i += 3) rows[i] *= 50;
		for (const C of [0.01, 0.5, 2]) {
			let longest = 0;
			let rawLongest = 0;
			for (let i = 0; i < 20; i++) {
				const [grads, raw] = tf.tidy(() => {
					const x = tf.tensor2d(rows.subarray(i * 10, (i + 1) * 10), [1, 10]);
					const y = tf.tensor1d([labels[i]], 'int32');
					const { grads, norms } = clippedGradientSum(mlp, x, y, C);
					return [grads, norms] as const;
				});
				const parts = (await Promise.all(grads.map((g) => g.data()))) as Float32Array[];
				longest = Math.max(longest, norm(parts));
				rawLongest = Math.max(rawLongest, (await raw.data())[0]);
				tf.dispose([...grads, raw]);
			}
			expect(rawLongest).toBeGreaterThan(C);
			expect(longest).toBeLessThanOrEqual(C * (1 + 1e-5));
			expect(longest).toBeGreaterThan(C * 0.99);
		}
		disposeMlp(mlp);
	});

	it('refuses a clip norm that is not positive, naming it', () => {
		const mlp = createMlp([3, 1], 1);
		expect(() =>
			tf.tidy(() => {
				clippedGradientSum(mlp, tf.zeros([2, 3]), tf.tensor1d([0, 1], 'int32'), 0);
			})
		).toThrow(/clip norm C must be > 0/);
		disposeMlp(mlp);
	});
});

describe('DP-SGD training', () => {
	const data = fraudPrivacyData(120, 5);
	const { rows, labels } = data.members;
	const sizes = [10, 12, 1];

	async function weightsAfter(train: (mlp: Mlp) => Promise<unknown>) {
		const mlp = createMlp(sizes, 9);
		await train(mlp);
		const values = await Promise.all(mlpVariables(mlp).map((v) => v.data()));
		disposeMlp(mlp);
		return values.map((v) => Float32Array.from(v));
	}

	it.each([
		{ momentum: 0, batchSize: 30 },
		{ momentum: 0.9, batchSize: 32 } // 120 / 32 leaves a short last batch
	])(
		'with sigma = 0 and no clipping reproduces plain SGD step for step (momentum $momentum, batch $batchSize)',
		async ({ momentum, batchSize }) => {
			const common = { batchSize, epochs: 3, learningRate: 0.3, momentum, seed: 4 };
			const plain = await weightsAfter((mlp) => trainSgd(mlp, rows, labels, common));
			const dp = await weightsAfter((mlp) =>
				trainDpSgd(mlp, rows, labels, { ...common, sigma: 0, clip: Infinity, sampling: 'shuffle' })
			);
			plain.forEach((w, v) => expectClose(dp[v], w, 1e-3));
			const untrained = await weightsAfter(async () => {});
			expect(Math.abs(plain[0][0] - untrained[0][0])).toBeGreaterThan(1e-4);
		}
	);

	it('adds Gaussian noise of standard deviation sigma * C to the clipped sum', async () => {
		// One step on the whole set (shuffle, batch = n) with lr 1: the update is -(sum + noise) / n.
		const n = labels.length;
		const big = [10, 64, 1];
		const mlp = createMlp(big, 2);
		const before = await Promise.all(mlpVariables(mlp).map((v) => v.data()));
		const clipped = tf.tidy(
			() =>
				clippedGradientSum(mlp, tf.tensor2d(rows, [n, 10]), tf.tensor1d(labels, 'int32'), 0.5).grads
		);
		const sums = await Promise.all(clipped.map((g) => g.data()));
		tf.dispose(clipped);
		await trainDpSgd(mlp, rows, labels, {
			sigma: 2,
			clip: 0.5,
			batchSize: n,
			epochs: 1,
			learningRate: 1,
			seed: 8,
			sampling: 'shuffle'
		});
		const after = await Promise.all(mlpVariables(mlp).map((v) => v.data()));
		const noise: number[] = [];
		after.forEach((w, v) => w.forEach((x, j) => noise.push((before[v][j] - x) * n - sums[v][j])));
		const mean = noise.reduce((s, x) => s + x, 0) / noise.length;
		const std = Math.sqrt(noise.reduce((s, x) => s + (x - mean) ** 2, 0) / noise.length);
		expect(noise.length).toBeGreaterThan(700);
		expect(Math.abs(mean)).toBeLessThan(0.1);
		expect(std).toBeGreaterThan(0.9);
		expect(std).toBeLessThan(1.1);
		disposeMlp(mlp);
	});

	it('is reproducible from its seed, and another seed draws other lots and noise', async () => {
		const opts = { sigma: 1, clip: 1, batchSize: 20, epochs: 2, learningRate: 0.2, seed: 3 };
		const a = await weightsAfter((mlp) => trainDpSgd(mlp, rows, labels, opts));
		const b = await weightsAfter((mlp) => trainDpSgd(mlp, rows, labels, opts));
		const c = await weightsAfter((mlp) => trainDpSgd(mlp, rows, labels, { ...opts, seed: 4 }));
		expect(a).toEqual(b);
		expect(a[0]).not.toEqual(c[0]);
	});

	it('stops at once when aborted, before or part-way through a run, leaving no tensors behind', async () => {
		const mlp = createMlp(sizes, 1);
		const opts = { batchSize: 20, epochs: 3, learningRate: 0.2, seed: 3, momentum: 0.5 };
		const trainers = {
			'DP-SGD': (o: typeof opts & { signal?: AbortSignal; onProgress?: (d: number) => void }) =>
				trainDpSgd(mlp, rows, labels, { ...o, sigma: 1, clip: 1 }),
			SGD: (o: typeof opts & { signal?: AbortSignal; onProgress?: (d: number) => void }) =>
				trainSgd(mlp, rows, labels, o)
		};
		for (const [name, train] of Object.entries(trainers)) {
			await expectNoLeaks(async () => {
				const before = new AbortController();
				before.abort();
				await expect(train({ ...opts, signal: before.signal }), name).rejects.toThrow(/cancelled/);
				// cancelled in the second epoch, with a running loss sum on the backend
				const midway = new AbortController();
				let stepsDone = 0;
				const onProgress = (done: number) => {
					stepsDone = done;
					if (done === 8) midway.abort();
				};
				await expect(train({ ...opts, signal: midway.signal, onProgress }), name).rejects.toThrow(
					/cancelled/
				);
				expect(stepsDone, name).toBe(8);
			});
		}
		disposeMlp(mlp);
	});

	it('refuses noise without a clip norm, and a batch larger than the set, naming them', async () => {
		const mlp = createMlp(sizes, 1);
		const opts = { sigma: 1, clip: 1, batchSize: 20, epochs: 2, learningRate: 0.2, seed: 3 };
		await expect(trainDpSgd(mlp, rows, labels, { ...opts, clip: Infinity })).rejects.toThrow(
			/noise needs a finite clip norm/
		);
		await expect(trainDpSgd(mlp, rows, labels, { ...opts, batchSize: 500 })).rejects.toThrow(
			/batch size must be a whole number from 1 to 120, got 500/
		);
		disposeMlp(mlp);
	});

	it('computes Poisson lots and shuffled batches on their own rows off WebGL, and counts both', async () => {
		const mlp = createMlp(sizes, 1);
		const opts = { sigma: 1, clip: 1, batchSize: 20, epochs: 2, learningRate: 0.2, seed: 3 };
		const poisson = await trainDpSgd(mlp, rows, labels, opts);
		const shuffle = await trainDpSgd(mlp, rows, labels, { ...opts, sampling: 'shuffle' });
		const plain = await trainSgd(mlp, rows, labels, opts);
		expect(poisson.steps).toBe(12);
		// padding to a multiple of 16 rows is WebGL's alone (fewer shader shapes)
		expect(tf.getBackend()).not.toBe('webgl');
		expect(poisson.rowsComputed).toBe(poisson.examplesSeen);
		expect(shuffle.rowsComputed).toBe(240);
		expect(shuffle.examplesSeen).toBe(240);
		expect(plain).toMatchObject({ rowsComputed: 240, examplesSeen: 240, steps: 12 });
		for (const r of [poisson, shuffle, plain]) {
			expect(r.epochMs).toHaveLength(2);
			r.epochMs.forEach((t) => expect(t).toBeGreaterThan(0));
		}
		disposeMlp(mlp);
	});

	it('leaks no tensors: per-example gradients, norms, clipped sums, both trainers', async () => {
		const mlp = createMlp(sizes, 1);
		await expectNoLeaks(async () => {
			tf.tidy(() => {
				const x = tf.tensor2d(rows.subarray(0, 40), [4, 10]);
				const y = tf.tensor1d(labels.subarray(0, 4), 'int32');
				perExampleGradients(mlp, x, y);
				perExampleGradientNorms(mlp, x, y);
				clippedGradientSum(mlp, x, y, 1, tf.tensor1d([1, 1, 0, 1]));
			});
			const opts = { batchSize: 20, epochs: 2, learningRate: 0.2, seed: 3, momentum: 0.5 };
			await trainDpSgd(mlp, rows, labels, { ...opts, sigma: 1, clip: 1 });
			await trainSgd(mlp, rows, labels, opts);
		});
		disposeMlp(mlp);
	});
});
