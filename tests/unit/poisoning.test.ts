import { beforeAll, describe, expect, it } from 'vitest';
import { generateTransactions, standardize } from '../../src/lib/data/fraud';
import { createRng, randomNormal } from '../../src/lib/ml/rng';
import { flipBudget, flipLabels } from '../../src/lib/ml/poisoning/label-flips';
import { classificationMetrics, confusion } from '../../src/lib/ml/poisoning/metrics';
import {
	knnNeighbours,
	knnNeighboursAsync,
	knnSanitize,
	sanitizeWithNeighbours
} from '../../src/lib/ml/poisoning/knn-sanitize';
import { lossFilter, rowLoss } from '../../src/lib/ml/poisoning/loss-filter';
import { pca2 } from '../../src/lib/ml/poisoning/pca';
import {
	knnMaxRows,
	METRIC_KEYS,
	poisonDataFromRows,
	poisonPair,
	poisonSweep,
	preparePoisonData
} from '../../src/lib/ml/poisoning/experiment';
import {
	NEWTON_MAX_VALUES,
	newtonMaxRows,
	newtonValues,
	trainLogRegBatch
} from '../../src/lib/ml/poisoning/batched-logreg';
import { expectNoLeaks } from './helpers/leaks';
import { useBackend } from './helpers/setup';

beforeAll(async () => {
	await useBackend('wasm');
});

const count = (labels: Uint8Array, value: number) => labels.filter((l) => l === value).length;

describe('flipLabels', () => {
	const { labels } = generateTransactions({ count: 4000, seed: 1 });
	const fraud = count(labels, 1);

	it('random: flips exactly round(rate * n) distinct rows of both classes, reproducibly', () => {
		const { labels: out, flipped } = flipLabels(labels, 0.2, 'random', { seed: 5 });
		expect(flipped.length).toBe(Math.round(0.2 * labels.length));
		expect(new Set(flipped).size).toBe(flipped.length);
		const changed = [...labels.keys()].filter((i) => out[i] !== labels[i]);
		expect(changed).toEqual(Array.from(flipped));
		expect(flipped.some((i) => labels[i] === 1)).toBe(true);
		expect(flipped.some((i) => labels[i] === 0)).toBe(true);
		expect(count(labels, 1)).toBe(fraud); // the input is untouched
		expect(flipLabels(labels, 0.2, 'random', { seed: 5 }).flipped).toEqual(flipped);
		expect(flipLabels(labels, 0.2, 'random', { seed: 6 }).flipped).not.toEqual(flipped);
	});

	it('targeted: turns 30 % of the fraud into legitimate and never touches legitimate rows', () => {
		const { labels: out, flipped } = flipLabels(labels, 0.3, 'targeted', { seed: 2 });
		expect(flipped.length).toBe(Math.round(0.3 * fraud));
		expect(flipBudget(labels, 0.3, 'targeted')).toBe(flipped.length);
		for (const i of flipped) {
			expect(labels[i]).toBe(1);
			expect(out[i]).toBe(0);
		}
		expect(count(out, 1)).toBe(fraud - flipped.length);
		expect(count(out, 0)).toBe(labels.length - fraud + flipped.length);
	});

	it('boundary: flips the rows whose clean score is nearest 0.5', () => {
		const rng = createRng(9);
		const scores = Float32Array.from(labels, () => rng());
		const { labels: out, flipped } = flipLabels(labels, 0.1, 'boundary', { seed: 1, scores });
		const k = Math.round(0.1 * labels.length);
		expect(flipped.length).toBe(k);
		const margin = (i: number) => Math.abs(scores[i] - 0.5);
		const byMargin = [...labels.keys()].sort((a, b) => margin(a) - margin(b));
		expect(Array.from(flipped)).toEqual(byMargin.slice(0, k).sort((a, b) => a - b));
		const widestFlipped = Math.max(...Array.from(flipped, margin));
		const rest = byMargin.slice(k).map(margin);
		expect(Math.min(...rest)).toBeGreaterThanOrEqual(widestFlipped);
		for (const i of flipped) expect(out[i]).toBe(1 - labels[i]);
	});

	it('boundary with the lab threshold 0.1: flips the rows whose clean score is nearest 0.1', () => {
		const rng = createRng(10);
		// Scores like a fraud model's: most near 0, a tail towards 1.
		const scores = Float32Array.from(labels, () => rng() ** 3);
		const { labels: out, flipped } = flipLabels(labels, 0.1, 'boundary', {
			seed: 1,
			scores,
			threshold: 0.1
		});
		const k = Math.round(0.1 * labels.length);
		expect(flipped.length).toBe(k);
		const margin = (i: number) => Math.abs(scores[i] - 0.1);
		const byMargin = [...labels.keys()].sort((a, b) => margin(a) - margin(b));
		expect(Array.from(flipped)).toEqual(byMargin.slice(0, k).sort((a, b) => a - b));
		// Different from ranking by distance to 0.5: the threshold is used.
		const at05 = flipLabels(labels, 0.1, 'boundary', { seed: 1, scores }).flipped;
		expect(Array.from(at05)).not.toEqual(Array.from(flipped));
		for (const i of flipped) {
			expect(out[i]).toBe(1 - labels[i]);
			expect(Math.abs(scores[i] - 0.1)).toBeLessThanOrEqual(margin(byMargin[k]));
		}
		// Deterministic: the seed only orders exact ties, and these scores have none.
		expect(
			flipLabels(labels, 0.1, 'boundary', { seed: 7, scores, threshold: 0.1 }).flipped
		).toEqual(flipped);
	});

	it('rate 0 flips nothing; rates above a half and missing scores are refused', () => {
		expect(flipLabels(labels, 0, 'random', { seed: 1 }).flipped.length).toBe(0);
		expect(() => flipLabels(labels, 0.6, 'random', { seed: 1 })).toThrow(/between 0 and 0.5/);
		expect(() => flipLabels(labels, -0.1, 'targeted', { seed: 1 })).toThrow(/rate/);
		expect(() => flipLabels(labels, 0.1, 'boundary', { seed: 1 })).toThrow(/opts.scores/);
	});
});

describe('knnSanitize', () => {
	// Two well-separated 2-D clusters of 60 points: class 0 around (0, 0), class 1 around (6, 6).
	function clusters() {
		const rng = createRng(3);
		const n = 120;
		const features = new Float32Array(n * 2);
		const labels = new Uint8Array(n);
		for (let i = 0; i < n; i++) {
			const cls = i < 60 ? 0 : 1;
			features[2 * i] = cls * 6 + randomNormal(rng);
			features[2 * i + 1] = cls * 6 + randomNormal(rng);
			labels[i] = cls;
		}
		return { features, labels };
	}

	it('gives a flipped point deep inside the other class its label back', () => {
		const { features, labels } = clusters();
		// The class-0 point nearest the centre of its cluster, flipped to 1.
		let deep = 0;
		for (let i = 0; i < 60; i++) {
			if (
				Math.hypot(features[2 * i], features[2 * i + 1]) <
				Math.hypot(features[2 * deep], features[2 * deep + 1])
			)
				deep = i;
		}
		const poisoned = labels.slice();
		poisoned[deep] = 1;
		const result = knnSanitize(features, 2, poisoned);
		expect(Array.from(result.changed)).toEqual([deep]);
		expect(Array.from(result.labels)).toEqual(Array.from(labels));
		expect(poisoned[deep]).toBe(1); // the input is untouched
	});

	it('leaves clean, separated data alone and agrees with brute force on fraud data', () => {
		const { features, labels } = clusters();
		expect(knnSanitize(features, 2, labels).changed.length).toBe(0);

		const data = generateTransactions({ count: 600, seed: 4 });
		const x = standardize(data.features, data.dims).apply(data.features);
		const fast = knnSanitize(x, data.dims, data.labels, { k: 5, eta: 0.6, standardize: false });
		const d = data.dims;
		const expected = data.labels.slice();
		for (let i = 0; i < data.count; i++) {
			const dist = (j: number) => {
				let s = 0;
				for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
				return s;
			};
			const nearest = [...data.labels.keys()]
				.filter((j) => j !== i)
				.sort((a, b) => dist(a) - dist(b) || a - b)
				.slice(0, 5);
			const ones = nearest.reduce((a, j) => a + data.labels[j], 0);
			if (ones / 5 >= 0.6) expected[i] = 1;
			else if ((5 - ones) / 5 >= 0.6) expected[i] = 0;
		}
		expect(Array.from(fast.labels)).toEqual(Array.from(expected));
	});

	it('sanitizes 20,000 transactions in a few seconds', () => {
		const data = generateTransactions({ count: 20000, seed: 1 });
		const start = performance.now();
		const { changed, labels: out } = knnSanitize(data.features, data.dims, data.labels);
		const ms = performance.now() - start;
		const fraud = count(data.labels, 1);
		const fraudLost = Array.from(changed).filter((i) => data.labels[i] === 1).length;
		console.log(
			`knnSanitize 20,000 x ${data.dims}: ${ms.toFixed(0)} ms, ${changed.length} labels changed, ${fraudLost} of ${fraud} frauds relabelled legitimate`
		);
		// At 3 % prevalence the rare class loses most of its votes: most real fraud is relabelled
		// legitimate (465 of 613 when measured), and those relabellings make up most of the changes.
		expect(fraud).toBe(613);
		expect(fraudLost).toBeGreaterThan(0.6 * fraud);
		expect(fraudLost).toBeLessThan(0.9 * fraud);
		expect(fraudLost).toBeGreaterThan(0.8 * changed.length);
		expect(changed.length).toBeLessThan(0.05 * data.count);
		expect(count(out, 1)).toBe(fraud - fraudLost + (changed.length - fraudLost));
	}, 30_000);
});

describe('metrics', () => {
	it('matches a confusion matrix worked out by hand', () => {
		const yTrue = [1, 1, 1, 0, 0, 0, 0, 1];
		const scores = [0.9, 0.6, 0.2, 0.7, 0.1, 0.4, 0.5, 0.8];
		// Flagged at >= 0.5: rows 0, 1, 3, 6, 7. Fraud caught: 0, 1, 7; missed: 2; false alarms: 3, 6.
		expect(confusion(yTrue, [1, 1, 0, 1, 0, 0, 1, 1])).toEqual({ tp: 3, fp: 2, tn: 2, fn: 1 });
		const m = classificationMetrics(yTrue, scores);
		expect(m.accuracy).toBeCloseTo(5 / 8, 12);
		expect(m.precision).toBeCloseTo(3 / 5, 12);
		expect(m.recall).toBeCloseTo(3 / 4, 12);
		expect(m.f1).toBeCloseTo((2 * 0.6 * 0.75) / 1.35, 12);
		// Fraud outranks legitimate in 4 + 3 + 1 + 4 of the 16 pairs.
		expect(m.auc).toBeCloseTo(12 / 16, 12);
	});

	it('reports 0/0 as 0 when nothing is flagged, and counts tied scores half in the AUC', () => {
		const yTrue = [0, 1, 0, 0];
		expect(confusion(yTrue, [0, 0, 0, 0])).toEqual({ tp: 0, fp: 0, tn: 3, fn: 1 });
		const m = classificationMetrics(yTrue, [0.1, 0.3, 0.3, 0.2]);
		expect(m).toEqual({ accuracy: 0.75, precision: 0, recall: 0, f1: 0, auc: (1 + 0.5 + 1) / 3 });
		expect(() => confusion([0, 1], [1])).toThrow(/2 true labels but 1 predictions/);
		expect(() => confusion([0, 2], [1, 0])).toThrow(/yTrue\[1\] is 2/);
	});
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

describe('sanitizeWithNeighbours', () => {
	// A line of 12 points: rows 0-5 near 0, rows 6-11 near 10; each row's 3 nearest are its own group.
	const features = Float32Array.from([
		0, 0.1, 0.2, 0.3, 0.4, 0.5, 10, 10.1, 10.2, 10.3, 10.4, 10.5
	]);
	it('per-class shares: a lone 1 among 0s is relabelled only when eta for class 0 allows', () => {
		const nb = knnNeighbours(features, 1, 12, 3, false);
		expect(new Set(nb.subarray(0, 3))).toEqual(new Set([1, 2, 3]));
		const labels = Uint8Array.from([0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
		// Row 2's neighbours 1, 3 and 0 or 4: all 0, a share of 1.
		expect(Array.from(sanitizeWithNeighbours(nb, 3, labels).changed)).toEqual([2]);
		const strict = sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [1, 0.5] });
		expect(Array.from(strict.changed)).toEqual([2]);
		const never = sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [1, 0.5], eta: 0 });
		expect(Array.from(never.labels)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
		expect(() => sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [2, 0.5] })).toThrow(/eta/);
		expect(() => sanitizeWithNeighbours(nb, 2, labels)).toThrow(/neighbour indices/);
	});

	it('with eta 1 for the majority, a point with 2 of 3 neighbours disagreeing keeps its label', () => {
		const nb = knnNeighbours(features, 1, 12, 3, false);
		const labels = Uint8Array.from([0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
		// Row 0's neighbours are rows 1, 2, 3: two 1s, a share of 2/3.
		expect(sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [0.5, 1] }).labels[0]).toBe(0);
		expect(sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [0.5, 0.6] }).labels[0]).toBe(1);
	});
});

describe('knnNeighboursAsync', () => {
	it('finds the same neighbours as the synchronous search, in chunks, and stops on abort', async () => {
		const data = generateTransactions({ count: 1500, seed: 8 });
		const sync = knnNeighbours(data.features, data.dims, data.count, 10);
		const chunked = await knnNeighboursAsync(data.features, data.dims, data.count, 10, {
			chunk: 400
		});
		expect(Array.from(chunked)).toEqual(Array.from(sync));
		const controller = new AbortController();
		controller.abort();
		await expect(
			knnNeighboursAsync(data.features, data.dims, data.count, 10, { signal: controller.signal })
		).rejects.toThrow(/cancelled/);
	});
});

describe('lossFilter', () => {
	it('drops exactly the highest-loss share of each class', () => {
		const labels = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		// Fraud rows fit worst when scored low; legitimate rows when scored high.
		const scores = [0.9, 0.05, 0.6, 0.3, 0.01, 0.02, 0.99, 0.03, 0.5, 0.04, 0.05, 0.06, 0.07, 0.08];
		const { keep, dropped } = lossFilter(scores, labels, 0.25);
		// round(0.25 * 4) = 1 fraud row (row 1, score 0.05); round(0.25 * 10) = 3 legit rows (6, 8, 13).
		expect(Array.from(dropped)).toEqual([1, 6, 8, 13]);
		expect(keep.reduce((a, b) => a + b, 0)).toBe(10);
		expect(rowLoss(0.05, 1)).toBeCloseTo(-Math.log(0.05), 12);
		expect(rowLoss(0.99, 0)).toBeCloseTo(-Math.log(0.01), 9);
		expect(lossFilter(scores, labels, 0).dropped.length).toBe(0);
		expect(() => lossFilter(scores, labels, 1)).toThrow(/below 1/);
		expect(() => lossFilter([0.5], labels, 0.1)).toThrow(/1 scores for 14 labels/);
	});
});

describe('pca2', () => {
	it('finds the direction of largest spread, and lift undoes project on the plane', () => {
		const rng = createRng(7);
		const n = 500;
		const rows = new Float32Array(n * 3);
		for (let i = 0; i < n; i++) {
			const t = randomNormal(rng, 0, 5);
			const u = randomNormal(rng, 0, 1);
			// Spread 5 along (1, 1, 0)/sqrt 2, 1 along z, 0.1 along (1, -1, 0)/sqrt 2.
			const e = randomNormal(rng, 0, 0.1);
			rows.set([(t + e) / Math.SQRT2 + 3, (t - e) / Math.SQRT2, u - 2], i * 3);
		}
		const p = pca2(rows, 3);
		expect(Math.abs(p.components[0])).toBeCloseTo(Math.SQRT1_2, 2);
		expect(Math.abs(p.components[1])).toBeCloseTo(Math.SQRT1_2, 2);
		expect(Math.abs(p.components[5])).toBeCloseTo(1, 2);
		expect(p.explained[0]).toBeGreaterThan(0.9);
		const pts = Float32Array.from([1.5, -0.5]);
		const back = p.project(p.lift(pts));
		expect(back[0]).toBeCloseTo(1.5, 4);
		expect(back[1]).toBeCloseTo(-0.5, 4);
	});
});

describe('poisonSweep and poisonPair', () => {
	const train = generateTransactions({ count: 4000, seed: 21 });
	const test = generateTransactions({ count: 2000, seed: 22 });
	const data = preparePoisonData(
		'small',
		[...train.featureKeys],
		{ features: train.features, labels: train.labels },
		{ features: test.features, labels: test.labels }
	);

	it('targeted flips: accuracy holds or rises while fraud recall falls; every rate has mean and spread', async () => {
		const result = await expectNoLeaks(() =>
			poisonSweep(data, {
				attack: 'targeted',
				rates: [0, 0.5],
				seeds: 3,
				model: 'logreg',
				defence: 'none'
			})
		);
		expect(result.models).toBe(6);
		expect(result.seeds).toEqual([1, 2, 3]);
		const [clean, half] = result.points;
		for (const key of METRIC_KEYS) {
			expect(clean[`${key}Std`]).toBeCloseTo(0, 12); // rate 0: every seed trains the same labels
		}
		// Different seeds flip different fraud rows, so the spread is real.
		expect(half.recallStd).toBeGreaterThan(0);
		expect(half.aucStd).toBeGreaterThan(0);
		expect(half.recall).toBeLessThan(0.75 * clean.recall);
		expect(half.accuracy).toBeGreaterThanOrEqual(clean.accuracy - 0.005);
	}, 60_000);

	it('spread over seeds: random flips vary with the seed; the boundary attack is deterministic (0)', async () => {
		const random = await expectNoLeaks(() =>
			poisonSweep(data, {
				attack: 'random',
				rates: [0.1],
				seeds: 3,
				model: 'logreg',
				defence: 'none'
			})
		);
		expect(random.points[0].accuracyStd).toBeGreaterThan(0);
		expect(random.points[0].aucStd).toBeGreaterThan(0);
		const boundary = await expectNoLeaks(() =>
			poisonSweep(data, {
				attack: 'boundary',
				rates: [0, 0.1],
				seeds: 3,
				model: 'logreg',
				defence: 'none'
			})
		);
		const [before, after] = boundary.points;
		console.log(
			`boundary 10 %: accuracy ${before.accuracy.toFixed(3)} -> ${after.accuracy.toFixed(3)}, recall at 1 % FPR ${before.recallAt1Fpr.toFixed(3)} -> ${after.recallAt1Fpr.toFixed(3)}; random 10 % accuracy std ${random.points[0].accuracyStd.toFixed(4)}`
		);
		// The same rows (nearest P = 0.1 under the clean model) flip whatever the seed, so the
		// three models are the same model: no spread beyond float rounding in the mean.
		for (const key of METRIC_KEYS) expect(after[`${key}Std`]).toBeCloseTo(0, 12);
		// ...and the attack does damage: legitimate rows near 0.1 become fraud, alarms multiply.
		expect(after.accuracy).toBeLessThan(before.accuracy - 0.05);
		expect(after.recall).toBeGreaterThan(before.recall);
		expect(before.recallAt1Fpr).toBeGreaterThan(0.1);
	}, 60_000);

	it('refuses the kNN defence on more rows than it can compare, saying how many it takes', async () => {
		const wide = { ...data, train: { ...data.train, count: knnMaxRows(data.dims) + 1 } };
		await expect(
			poisonSweep(wide, {
				attack: 'random',
				rates: [0.1],
				seeds: 1,
				model: 'logreg',
				defence: 'knn'
			})
		).rejects.toThrow(
			`at ${data.dims} features it takes at most ${knnMaxRows(data.dims).toLocaleString('en')}`
		);
	});

	it('both defences and the MLP run without leaking tensors', async () => {
		for (const defence of ['knn', 'loss'] as const) {
			const r = await expectNoLeaks(() =>
				poisonSweep(data, { attack: 'boundary', rates: [0.1], seeds: 1, model: 'logreg', defence })
			);
			expect(r.points[0].auc).toBeGreaterThan(0.6);
		}
		const pair = await expectNoLeaks(() =>
			poisonPair(data, {
				attack: 'targeted',
				rate: 0.3,
				seed: 1,
				model: 'mlp',
				defence: 'loss',
				extra: data.test.features.subarray(0, 10 * data.dims)
			})
		);
		expect(pair.flipped).toBe(Math.round(0.3 * train.labels.reduce((a, b) => a + b, 0)));
		expect(pair.touched).toBeGreaterThan(0);
		expect(pair.clean.extraScores.length).toBe(10);
		const c = pair.poisoned.confusion;
		expect(c.tp + c.fp + c.tn + c.fn).toBe(test.count);
		expect(pair.clean.metrics.auc).toBeGreaterThan(0.8);
		const knnPair = await expectNoLeaks(() =>
			poisonPair(data, { attack: 'random', rate: 0.2, seed: 1, model: 'logreg', defence: 'knn' })
		);
		expect(knnPair.flipped).toBe(Math.round(0.2 * train.count));
		// kNN relabels most random flips back: the poisoned model ends far above the 20 % flip damage.
		expect(knnPair.touched).toBeGreaterThan(0.5 * knnPair.flipped);
		expect(knnPair.poisoned.metrics.accuracy).toBeGreaterThan(0.8);
	}, 120_000);

	it('uploaded rows split 80/20 with the label share kept on both sides', () => {
		const d = poisonDataFromRows('rows', [...train.featureKeys], train.features, train.labels, 3);
		const fraud = train.labels.reduce((a, b) => a + b, 0);
		expect(d.train.count + d.test.count).toBe(train.count);
		expect(d.test.labels.reduce((a, b) => a + b, 0)).toBe(Math.round(fraud * 0.2));
		expect(d.test.count).toBe(Math.round(fraud * 0.2) + Math.round((train.count - fraud) * 0.2));
	});
});
