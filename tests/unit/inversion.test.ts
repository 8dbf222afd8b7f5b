import { beforeAll, describe, expect, it } from 'vitest';
import { ssim } from '../../src/lib/base/ssim';
import { MNIST_PIXELS } from '../../src/lib/data/mnist';
import { PredictionApi, type PredictFn } from '../../src/lib/ml/extraction/victim-api';
import { createMlp, disposeMlp } from '../../src/lib/ml/mlp';
import {
	blackBoxInversion,
	estimateGradient,
	queriesPerStep
} from '../../src/lib/ml/inversion/black-box';
import { measureInversions } from '../../src/lib/ml/inversion/measure';
import { miFace, StoppingRules } from '../../src/lib/ml/inversion/mi-face';
import { predictFn, targetFromMlp, targetProbs } from '../../src/lib/ml/inversion/target';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';
import { gaussianNoise } from '../../src/lib/base/gaussian';

beforeAll(async () => {
	await useBackend('wasm');
});

const D = MNIST_PIXELS;
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
	let ab = 0;
	let aa = 0;
	let bb = 0;
	for (let i = 0; i < a.length; i++) {
		ab += a[i] * b[i];
		aa += a[i] * a[i];
		bb += b[i] * b[i];
	}
	return ab / Math.sqrt(aa * bb);
};

/** A "linear model" behind the API: P(class 3) = 0.5 + w . (x - 0.5) / 784, the rest shared. */
function linearVictim(seed: number) {
	const w = gaussianNoise(D, 1, seed);
	const predict: PredictFn = (inputs, dims) => {
		const n = inputs.length / dims;
		const out = new Float64Array(n * 10);
		for (let r = 0; r < n; r++) {
			let z = 0;
			for (let j = 0; j < dims; j++) z += w[j] * (inputs[r * dims + j] - 0.5);
			const p = 0.5 + z / (4 * D);
			for (let c = 0; c < 10; c++) out[r * 10 + c] = c === 3 ? p : (1 - p) / 9;
		}
		return out;
	};
	// the gradient of the cost 1 - P(class 3)
	const trueGradient = Float32Array.from(w, (v) => -v / (4 * D));
	return { predict, trueGradient };
}

describe('MI-Face (white box)', () => {
	it('a gradient step raises the target class confidence, and pixels stay in [0, 1]', async () => {
		const mlp = createMlp([D, 10], 3);
		try {
			const target = targetFromMlp(mlp);
			const start = await targetProbs(target, new Float32Array(D));
			const r = await expectNoLeaks(() =>
				miFace(target, { targets: [7], steps: 1, stepSize: 0.5, patience: 0, goal: 0 })
			);
			expect(r.steps[0]).toBe(1);
			expect(r.confidence[0]).toBeGreaterThan(start[7]);
			const big = await miFace(target, {
				targets: [0, 1, 2],
				steps: 5,
				stepSize: 1,
				gradient: 'plain',
				patience: 0,
				goal: 0,
				prior: { tv: 1, l2: 1, blur: 0.5 }
			});
			expect(big.pixels.every((p) => p >= 0 && p <= 1)).toBe(true);
			expect(big.pixels.some((p) => p > 0)).toBe(true);
		} finally {
			disposeMlp(mlp);
		}
	});

	it('stops on the cost goal and on patience, and a cancel leaks nothing', async () => {
		const mlp = createMlp([D, 10], 4);
		try {
			const target = targetFromMlp(mlp);
			const goal = await miFace(target, {
				targets: [2],
				steps: 500,
				stepSize: 0.2,
				patience: 0,
				goal: 0.5
			});
			expect(goal.stopped[0]).toBe('goal');
			expect(goal.cost[0]).toBeLessThanOrEqual(0.5);
			expect(goal.steps[0]).toBeLessThan(500);
			const stop = new AbortController();
			await expectNoLeaks(async () => {
				await expect(
					miFace(target, {
						targets: [0, 1],
						steps: 200,
						stepSize: 0.01,
						patience: 0,
						goal: 0,
						signal: stop.signal,
						onProgress: (f) => {
							if (f > 0.1) stop.abort();
						}
					})
				).rejects.toThrow(/cancelled/);
			});
		} finally {
			disposeMlp(mlp);
		}
	});

	it('names a bad setting', async () => {
		const mlp = createMlp([D, 10], 5);
		try {
			const target = targetFromMlp(mlp);
			const base = { targets: [1], steps: 10, stepSize: 0.1, patience: 0, goal: 0 };
			await expect(miFace(target, { ...base, targets: [10] })).rejects.toThrow(/0-9, got 10/);
			await expect(miFace(target, { ...base, steps: 0 })).rejects.toThrow(/steps/);
			await expect(miFace(target, { ...base, stepSize: -1 })).rejects.toThrow(/step size/);
			await expect(miFace(target, { ...base, prior: { tv: 0, l2: 0, blur: 2 } })).rejects.toThrow(
				/blur/
			);
		} finally {
			disposeMlp(mlp);
		}
	});
});

describe('StoppingRules (Fredrikson et al. 2015, Algorithm 1)', () => {
	it('stops a row whose cost is no lower than every one of the last beta costs', () => {
		const rules = new StoppingRules(2, 3, 0);
		for (const c of [
			[0.9, 0.9],
			[0.8, 0.7],
			[0.85, 0.6],
			[0.86, 0.5]
		])
			rules.observe(c);
		expect(rules.stopped).toEqual([null, null]);
		// row 0: 0.9 >= max(0.8, 0.85, 0.86); row 1 keeps improving
		const improved = rules.observe([0.9, 0.4]);
		expect(Array.from(improved)).toEqual([0, 1]);
		expect(rules.stopped).toEqual(['patience', null]);
		expect(rules.best[0]).toBeCloseTo(0.8);
	});

	it('goal 0 never stops a row, even at cost 0 (a label-only API answers 1 at the blank image)', () => {
		const never = new StoppingRules(1, 0, 0);
		never.observe([0]);
		expect(never.stopped).toEqual([null]);
		const goal = new StoppingRules(1, 0, 0.1);
		goal.observe([0.1]);
		expect(goal.stopped).toEqual(['goal']);
	});
});

describe('black-box gradient estimates through the PredictionApi', () => {
	it('finite differences recover a linear model’s gradient and spend exactly 2 x 784 + 1 queries', () => {
		const { predict, trueGradient } = linearVictim(11);
		const api = new PredictionApi(predict, D, { keepLog: false });
		const x = new Float32Array(D).fill(0.5);
		const est = estimateGradient(api, x, 3, 'fd', 0, 0.05, () => new Float32Array(0));
		expect(api.queries).toBe(queriesPerStep('fd', 0));
		expect(api.queries).toBe(2 * D + 1);
		expect(cosine(est.gradient, trueGradient)).toBeGreaterThan(0.999);
	});

	it('NES points the same way (cosine > 0.9 averaged over 8,000 directions) and counts 2n + 1 per estimate', () => {
		const { predict, trueGradient } = linearVictim(12);
		const api = new PredictionApi(predict, D, { keepLog: false, costPerQuery: 0.01 });
		const x = new Float32Array(D).fill(0.5);
		const sum = new Float64Array(D);
		let seed = 100;
		for (let i = 0; i < 40; i++) {
			const est = estimateGradient(api, x, 3, 'nes', 200, 0.05, (n) => gaussianNoise(n, 1, seed++));
			for (let j = 0; j < D; j++) sum[j] += est.gradient[j];
		}
		expect(api.queries).toBe(40 * queriesPerStep('nes', 200));
		expect(api.cost).toBeCloseTo(40 * 401 * 0.01, 6);
		expect(cosine(sum, trueGradient)).toBeGreaterThan(0.9);
	});

	it('a black-box run stops when the budget cannot pay for another step, and leaks nothing', async () => {
		const mlp = createMlp([D, 10], 6);
		try {
			const target = targetFromMlp(mlp);
			const api = new PredictionApi(predictFn(target), D, { budget: 1000, keepLog: false });
			const r = await expectNoLeaks(() =>
				blackBoxInversion(api, {
					targets: [4],
					steps: 100,
					stepSize: 0.05,
					patience: 0,
					goal: 0,
					prior: { tv: 0.1, l2: 0.1, blur: 0.2 },
					estimator: 'nes',
					samples: 50,
					probe: 0.05,
					seed: 1
				})
			);
			const perStep = queriesPerStep('nes', 50);
			expect(r.queries[0]).toBe(Math.floor(1000 / perStep) * perStep);
			expect(api.queries).toBe(r.queries[0]);
			expect(r.budgetStopped[0]).toBe(true);
			expect(r.pixels.every((p) => p >= 0 && p <= 1)).toBe(true);
		} finally {
			disposeMlp(mlp);
		}
	});

	it('a label-only API leaves the estimator (almost) nothing to read', () => {
		const mlp = createMlp([D, 10], 7);
		try {
			const target = targetFromMlp(mlp);
			const api = new PredictionApi(predictFn(target), D, {
				outputMode: { kind: 'label' },
				keepLog: false
			});
			// (not all zeros: there a fresh model's logits tie and any nudge changes the label)
			const x = new Float32Array(D).fill(0.5);
			const label = api.queryRows(x)[0].label;
			const other = (label + 1) % 10;
			const est = estimateGradient(api, x, other, 'fd', 0, 0.01, () => new Float32Array(0));
			// only a pixel whose nudge flips the answer to `other` says anything
			expect(est.gradient.filter((g) => g !== 0).length).toBeLessThan(D / 100);
			expect(api.queries).toBe(1 + 2 * D + 1);
			expect(est.confidence).toBe(0);
		} finally {
			disposeMlp(mlp);
		}
	});
});

describe('reconstruction measures', () => {
	it('SSIM is 1 for identical images and low for unrelated ones', () => {
		const a = Float32Array.from({ length: D }, (_, i) => ((i * 37) % 101) / 100);
		const b = Float32Array.from(a, (v) => 1 - v);
		expect(ssim(a, a, 28, 28)).toBeCloseTo(1, 10);
		expect(ssim(a, b, 28, 28)).toBeLessThan(0);
		expect(() => ssim(a, b.subarray(1), 28, 28)).toThrow(/28 x 28/);
	});

	it('finds the nearest training and held-out digit of the class, and whether a training photo is nearest', () => {
		const img = (v: number) => new Float32Array(D).fill(v);
		const pool = (values: number[], labels: number[]) => ({
			k: 1,
			pixels: Float32Array.from(values.flatMap((v) => Array.from(img(v)))),
			labels: Int32Array.from(labels),
			indices: Int32Array.from(labels.map((_, i) => i))
		});
		const train = pool([0.5, 0.9], [0, 1]);
		const heldOut = pool([0.2, 0.45], [0, 1]);
		const pixels = Float32Array.from([...img(0.55), ...img(0.4)]);
		// evaluator says class 0 for both rows
		const probs = Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		const m = measureInversions([0, 1], pixels, probs, { train, heldOut });
		expect(m.attackAccuracy).toBe(0.5);
		expect(m.rows[0].nearestTrain!.distance).toBeCloseTo(0.05 * 28, 4);
		expect(m.rows[0].nearestHeldOut!.distance).toBeCloseTo(0.35 * 28, 4);
		expect(m.rows[0].recoveredTraining).toBe(true);
		// row 1 (class 1 at 0.4): its held-out 0.45 is nearer than its training 0.9
		expect(m.rows[1].recoveredTraining).toBe(false);
		expect(m.recoveredRate).toBe(0.5);
	});
});
