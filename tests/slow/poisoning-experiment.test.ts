import { beforeAll, describe, expect, it } from 'vitest';
import { generateTransactions } from '../../src/lib/data/fraud';
import {
	knnMaxRows,
	METRIC_KEYS,
	poisonDataFromRows,
	KNN_K,
	neighboursOf,
	poisonPair,
	poisonSweep,
	preparePoisonData
} from '../../src/lib/ml/poisoning/experiment';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('wasm');
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

	it('a second pair on the same data, model and seed reuses the clean fit, which equals a fresh one', async () => {
		const opts = { seed: 1, model: 'logreg', defence: 'none' } as const;
		const first = await poisonPair(data, { ...opts, attack: 'targeted', rate: 0.1 });
		const second = await expectNoLeaks(() =>
			poisonPair(data, { ...opts, attack: 'boundary', rate: 0.3 })
		);
		expect(second.clean.testScores).toBe(first.clean.testScores);
		expect(second.poisoned.metrics).not.toEqual(first.poisoned.metrics);
		const fresh = await poisonPair(
			{ ...data, cleanFits: undefined },
			{ ...opts, attack: 'boundary', rate: 0.3 }
		);
		expect(fresh.clean.testScores).not.toBe(second.clean.testScores);
		expect(Array.from(fresh.clean.testScores)).toEqual(Array.from(second.clean.testScores));
		expect(fresh.flippedRows).toEqual(second.flippedRows);
	}, 60_000);

	it('the kNN neighbour search runs once: a second caller waits for it, a cancelled wait stops only itself', async () => {
		const fresh = { ...data, neighbours: undefined, neighboursPending: undefined };
		const stop = new AbortController();
		const waits = [neighboursOf(fresh), neighboursOf(fresh, stop.signal)];
		stop.abort();
		const [first, cancelled] = await Promise.allSettled(waits);
		expect(cancelled.status).toBe('rejected');
		expect((cancelled as PromiseRejectedResult).reason.name).toBe('AbortError');
		expect(first.status).toBe('fulfilled');
		const nb = (first as PromiseFulfilledResult<Int32Array>).value;
		expect(nb.length).toBe(KNN_K * data.train.count);
		expect(await neighboursOf(fresh)).toBe(nb);
	});

	it('uploaded rows split 80/20 with the label share kept on both sides', () => {
		const d = poisonDataFromRows('rows', [...train.featureKeys], train.features, train.labels, 3);
		const fraud = train.labels.reduce((a, b) => a + b, 0);
		expect(d.train.count + d.test.count).toBe(train.count);
		expect(d.test.labels.reduce((a, b) => a + b, 0)).toBe(Math.round(fraud * 0.2));
		expect(d.test.count).toBe(Math.round(fraud * 0.2) + Math.round((train.count - fraud) * 0.2));
	});
});
