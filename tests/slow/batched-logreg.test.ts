import { beforeAll, describe, expect, it } from 'vitest';
import { generateTransactions, standardize } from '../../src/lib/data/fraud';
import { flipLabels } from '../../src/lib/ml/poisoning/label-flips';
import { classificationMetrics } from '../../src/lib/base/metrics';
import {
	NEWTON_MAX_VALUES,
	newtonMaxRows,
	newtonValues,
	trainLogRegBatch
} from '../../src/lib/ml/poisoning/batched-logreg';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('wasm');
});

describe('trainLogRegBatch', () => {
	const train = generateTransactions({ count: 20000, seed: 11 });
	const test = generateTransactions({ count: 10000, seed: 12 });
	const scaler = standardize(train.features, train.dims);
	const xTrain = scaler.apply(train.features);
	const xTest = scaler.apply(test.features);

	it('trains identical labels to identical weights, and 30 % targeted flips cost fraud recall', async () => {
		const poisoned = flipLabels(train.labels, 0.3, 'targeted', { seed: 1 }).labels;
		const fit = await expectNoLeaks(() =>
			trainLogRegBatch(xTrain, train.dims, [train.labels, train.labels, train.labels, poisoned])
		);
		const d = train.dims;
		const row = (m: number) => Array.from(fit.weights.subarray(m * d, (m + 1) * d));
		for (const m of [1, 2]) {
			row(m).forEach((w, c) => expect(w).toBeCloseTo(row(0)[c], 5));
			expect(fit.biases[m]).toBeCloseTo(fit.biases[0], 5);
		}
		const scores = fit.scores(xTest);
		const n = test.count;
		const clean = classificationMetrics(test.labels, scores.subarray(0, n));
		const flipped = classificationMetrics(test.labels, scores.subarray(3 * n, 4 * n));
		console.log(
			`fraud recall on held-out data: clean ${clean.recall.toFixed(3)}, 30 % targeted flips ${flipped.recall.toFixed(3)}` +
				` (AUC ${clean.auc.toFixed(3)} -> ${flipped.auc.toFixed(3)})`
		);
		// Unweighted at threshold 0.5 the clean model flags few of the 3 % fraud; the flips halve that.
		expect(clean.recall).toBeGreaterThan(0.1);
		expect(flipped.recall).toBeLessThan(0.75 * clean.recall);
	}, 60_000);

	it('with balanced class weights, uniformly chosen targeted flips barely move recall', async () => {
		// Flipping fraud chosen at random only lowers the fraud share; reweighting each model by its
		// own (poisoned) label counts undoes that shift, so the lab needs balancing off to show harm.
		const poisoned = flipLabels(train.labels, 0.3, 'targeted', { seed: 1 }).labels;
		const fit = await expectNoLeaks(() =>
			trainLogRegBatch(xTrain, train.dims, [train.labels, poisoned], { classWeight: 'balanced' })
		);
		const scores = fit.scores(xTest);
		const n = test.count;
		const clean = classificationMetrics(test.labels, scores.subarray(0, n));
		const flipped = classificationMetrics(test.labels, scores.subarray(n, 2 * n));
		expect(clean.recall).toBeGreaterThan(0.6);
		expect(Math.abs(flipped.recall - clean.recall)).toBeLessThan(0.05);
	}, 60_000);

	it('is leak-free with balanced classes, L2 and plain gradient descent', async () => {
		const labels = train.labels.subarray(0, 2000);
		const fit = await expectNoLeaks(() =>
			trainLogRegBatch(xTrain.subarray(0, 2000 * train.dims), train.dims, [labels, labels], {
				epochs: 30,
				optimizer: 'sgd',
				l2: 1e-3,
				classWeight: 'balanced'
			})
		);
		expect(fit.weights.length).toBe(2 * train.dims);
		expect(fit.weights.every(Number.isFinite)).toBe(true);
	});

	it('fits the whole sweep, 11 rates x 5 seeds = 55 models on 20,000 rows, in one batch', async () => {
		const rates = Array.from({ length: 11 }, (_, i) => i * 0.05);
		const labelSets = rates.flatMap((rate) =>
			[1, 2, 3, 4, 5].map((seed) => flipLabels(train.labels, rate, 'targeted', { seed }).labels)
		);
		const start = performance.now();
		const fit = await expectNoLeaks(() => trainLogRegBatch(xTrain, train.dims, labelSets));
		const ms = performance.now() - start;
		const scores = fit.scores(xTest);
		const n = test.count;
		const recallByRate = rates.map((_, r) => {
			let sum = 0;
			for (let s = 0; s < 5; s++) {
				const m = r * 5 + s;
				sum += classificationMetrics(test.labels, scores.subarray(m * n, (m + 1) * n), 0.1).recall;
			}
			return sum / 5;
		});
		console.log(
			`55-model batched Newton fit on ${train.count} rows x ${train.dims}, ${fit.steps} steps: ${ms.toFixed(0)} ms`
		);
		console.log(
			`mean fraud recall at P >= 0.1 by targeted flip rate: ${recallByRate.map((x, r) => `${Math.round(rates[r] * 100)}%: ${x.toFixed(3)}`).join(', ')}`
		);
		expect(fit.models).toBe(55);
		expect(fit.gradientMax).toBeLessThan(1e-3);
		// More targeted flips, less fraud caught: every 5-point step lowers mean recall (up to
		// 0.01 of noise), and half the fraud relabelled costs well over half the clean recall.
		for (let r = 1; r < rates.length; r++)
			expect(recallByRate[r]).toBeLessThan(recallByRate[r - 1] + 0.01);
		expect(recallByRate[10]).toBeLessThan(0.5 * recallByRate[0]);
		// Batching changes nothing: a few of the models fitted on their own give the same weights.
		for (const m of [0, 27, 54]) {
			const single = await trainLogRegBatch(xTrain, train.dims, [labelSets[m]]);
			for (let c = 0; c < train.dims; c++)
				expect(Math.abs(single.weights[c] - fit.weights[m * train.dims + c])).toBeLessThan(1e-4);
			expect(Math.abs(single.biases[0] - fit.biases[m])).toBeLessThan(1e-4);
		}
	}, 120_000);

	it('Newton lands where a long Adam run ends, in a handful of steps', async () => {
		const n = 5000;
		const x = xTrain.subarray(0, n * train.dims);
		const clean = train.labels.subarray(0, n);
		const poisoned = flipLabels(clean, 0.2, 'random', { seed: 3 }).labels;
		const newton = await expectNoLeaks(() => trainLogRegBatch(x, train.dims, [clean, poisoned]));
		const adam = await expectNoLeaks(() =>
			trainLogRegBatch(x, train.dims, [clean, poisoned], { optimizer: 'adam', epochs: 3000 })
		);
		expect(newton.steps).toBeLessThan(15);
		for (let i = 0; i < newton.weights.length; i++)
			expect(Math.abs(newton.weights[i] - adam.weights[i])).toBeLessThan(0.01);
		for (const m of [0, 1]) expect(Math.abs(newton.biases[m] - adam.biases[m])).toBeLessThan(0.01);
	}, 60_000);

	it('a row weight of 0 is the same as leaving the row out', async () => {
		const n = 3000;
		const d = train.dims;
		const labels = train.labels.subarray(0, n);
		const keep = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1));
		const rows = [...Array(n).keys()].filter((i) => keep[i] === 1);
		const xKept = new Float32Array(rows.length * d);
		rows.forEach((i, j) => xKept.set(xTrain.subarray(i * d, (i + 1) * d), j * d));
		const weighted = await expectNoLeaks(() =>
			trainLogRegBatch(xTrain.subarray(0, n * d), d, [labels], { rowWeights: [keep] })
		);
		const subset = await expectNoLeaks(() =>
			trainLogRegBatch(xKept, d, [Uint8Array.from(rows, (i) => labels[i])])
		);
		for (let c = 0; c < d; c++) expect(weighted.weights[c]).toBeCloseTo(subset.weights[c], 3);
		expect(weighted.biases[0]).toBeCloseTo(subset.biases[0], 3);
		await expect(
			trainLogRegBatch(xTrain.subarray(0, n * d), d, [labels], {
				rowWeights: [new Float32Array(n)]
			})
		).rejects.toThrow(/leaves no rows/);
	}, 60_000);

	it('stops on abort between steps and frees every tensor (Newton and Adam)', async () => {
		const labels = train.labels.subarray(0, 3000);
		const x = xTrain.subarray(0, 3000 * train.dims);
		for (const optimizer of ['newton', 'adam'] as const) {
			const controller = new AbortController();
			await expectNoLeaks(async () => {
				await expect(
					trainLogRegBatch(x, train.dims, [labels, labels], {
						optimizer,
						yieldEvery: 5,
						signal: controller.signal,
						onProgress: () => controller.abort()
					})
				).rejects.toThrow(/cancelled/);
			});
			expect(controller.signal.aborted).toBe(true);
		}
	});

	it('refuses a Newton fit too big to hold, with the rows that would fit', async () => {
		const d = 50;
		const rows = newtonMaxRows(d) + 1;
		await expect(
			trainLogRegBatch(new Float32Array(rows * d), d, [new Uint8Array(rows)])
		).rejects.toThrow(
			new RegExp(
				`over its 128 MB limit; with 50 features use at most ${(rows - 1).toLocaleString('en')} rows, or optimizer 'adam'`
			)
		);
		expect(newtonValues(rows - 1, d)).toBeLessThanOrEqual(NEWTON_MAX_VALUES);
	});
});
