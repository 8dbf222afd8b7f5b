import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { readStaticAsset } from '../../scripts/lib/paths';
import { disposeMlp, type Mlp } from '../../src/lib/ml/mlp';
import { runInversion } from '../../src/lib/ml/inversion/experiment';
import { pickPerClass, trainEvaluator, trainFewShot } from '../../src/lib/ml/inversion/few-shot';
import { ALL_CLASSES } from '../../src/lib/ml/inversion/mi-face';
import { targetFromMlp } from '../../src/lib/ml/inversion/target';
import { invertPrivacyModel } from '../../src/lib/ml/inversion/privacy-model';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

let train: DigitSet;
let test: DigitSet;
let evaluator: Mlp;
const PRIOR = { tv: 0.3, l2: 0.1, blur: 0.3 };

beforeAll(async () => {
	await useBackend('wasm');
	train = await loadMnist('train', readStaticAsset);
	test = await loadMnist('test', readStaticAsset);
	evaluator = await trainEvaluator(test);
}, 60_000);

afterAll(() => disposeMlp(evaluator));

describe('inverting the few-photos model', () => {
	it('with one photo per class the inversion is nearest that photo; with 20 it has drifted towards the class', async () => {
		const rates: number[] = [];
		const gaps: number[] = [];
		for (const k of [1, 20]) {
			const set = pickPerClass(train, k, 1);
			const model = await trainFewShot(set, 1);
			try {
				const run = await expectNoLeaks(() =>
					runInversion(targetFromMlp(model.mlp), targetFromMlp(evaluator), test, {
						targets: ALL_CLASSES,
						steps: 150,
						stepSize: 0.05,
						patience: 100,
						goal: 0,
						prior: PRIOR,
						seed: 1,
						fewShot: set
					})
				);
				expect(run.measures.rows).toHaveLength(10);
				expect(run.measures.attackAccuracy).toBeGreaterThanOrEqual(0.5);
				rates.push(run.measures.recoveredRate!);
				gaps.push(run.measures.meanDistanceGap!);
			} finally {
				disposeMlp(model.mlp);
			}
		}
		expect(rates[0]).toBeGreaterThan(rates[1]);
		expect(gaps[0]).toBeGreaterThan(gaps[1]);
		expect(gaps[0]).toBeGreaterThan(0);
	}, 120_000);

	it('answers rounded to 1 decimal take the black-box attack’s accuracy down', async () => {
		const set = pickPerClass(train, 5, 1);
		const model = await trainFewShot(set, 1);
		try {
			const accuracy: number[] = [];
			for (const output of [{ kind: 'probs' }, { kind: 'round', decimals: 1 }] as const) {
				const run = await runInversion(targetFromMlp(model.mlp), targetFromMlp(evaluator), test, {
					targets: ALL_CLASSES,
					steps: 25,
					stepSize: 0.05,
					patience: 0,
					goal: 0,
					prior: PRIOR,
					seed: 1,
					blackBox: { output, estimator: 'fd', samples: 1, budget: 26 * 1569 }
				});
				expect(run.totalQueries).toBe(10 * 26 * 1569);
				accuracy.push(run.measures.attackAccuracy);
			}
			expect(accuracy[0]).toBeGreaterThanOrEqual(0.7);
			expect(accuracy[1]).toBeLessThan(accuracy[0]);
		} finally {
			disposeMlp(model.mlp);
		}
	}, 120_000);

	it('the privacy lab’s digit model: its class templates fade with DP noise; no leaked tensors', async () => {
		const req = {
			targets: ALL_CLASSES,
			steps: 100,
			stepSize: 0.05,
			patience: 0,
			goal: 0,
			prior: PRIOR,
			seed: 1
		};
		const plain = await expectNoLeaks(() =>
			invertPrivacyModel(train, test, targetFromMlp(evaluator), null, 1, req)
		);
		const noisy = await invertPrivacyModel(train, test, targetFromMlp(evaluator), 8, 1, req);
		expect(plain.privacy.private).toBe(false);
		expect(noisy.privacy.epsilon).toBeLessThan(1);
		expect(plain.run.measures.attackAccuracy).toBeGreaterThanOrEqual(0.8);
		expect(noisy.run.measures.attackAccuracy).toBeLessThan(plain.run.measures.attackAccuracy);
		// pools of equal size per class: the model's own training digits and held-out ones
		expect(plain.run.heldOut!.labels.length).toBe(10 * plain.run.heldOut!.k);
	}, 120_000);
});
