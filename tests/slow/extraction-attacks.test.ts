import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';
import { loadMnist } from '../../src/lib/data/mnist';
import { classifierFromModel } from '../../src/lib/ml/classifier';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import {
	evenCheckpoints,
	fidelityCurve,
	majorityAgreement,
	parseOutputMode
} from '../../src/lib/ml/extraction/learning';
import {
	PradaMonitor,
	pradaFalseAlarmRate,
	withoutOutliers
} from '../../src/lib/ml/extraction/prada';
import { createRng, randomInt, normal } from '../../src/lib/base/rng';
import { PRADA_DELTA, pradaOptions, runEquation } from '../../src/lib/ml/extraction/run';
import {
	createSurrogate,
	disposeSurrogate,
	surrogateLossSign,
	surrogatePredict,
	trainSurrogate
} from '../../src/lib/ml/extraction/surrogate';
import { transferCurve } from '../../src/lib/ml/extraction/transfer';
import { BudgetExceededError } from '../../src/lib/ml/extraction/victim-api';
import {
	cnnVictim,
	trainFraudVictim,
	victimLabelsFor,
	type Victim
} from '../../src/lib/ml/extraction/victims';
import { readModelArtifacts } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';

let logreg: Victim;
let mlp: Victim;

beforeAll(async () => {
	await useBackend();
	// Training a victim allocates and frees its MLP: nothing may stay behind.
	logreg = await expectNoLeaks(() => trainFraudVictim('fraud-logreg', { seed: 1 }));
	mlp = await expectNoLeaks(() => trainFraudVictim('fraud-mlp', { seed: 1 }));
});

const curve = (victim: Victim, strategy: 'random' | 'natural' | 'jacobian', output: string) =>
	fidelityCurve(victim, victim.api({ outputMode: parseOutputMode(output) }), strategy, {
		checkpoints: evenCheckpoints(1000, 5),
		seed: 3
	});

describe('fraud victims behind the API', () => {
	it('are real classifiers: the MLP beats the always-legitimate answer, the logistic regression catches fraud', () => {
		expect(mlp.accuracy).toBeGreaterThan(0.93);
		const flagged = victimLabelsFor(logreg, logreg.heldOut.inputs).reduce((s, l) => s + l, 0);
		expect(flagged).toBeGreaterThan(0);
		expect(logreg.truth?.weights).toHaveLength(10);
	});

	it('equation solving recovers the trained logistic regression from 11 queries, and rounding costs precision', () => {
		const errors = ['probs', 'round:6', 'round:4', 'round:2'].map((output) => {
			const api = logreg.api({ outputMode: parseOutputMode(output) });
			const r = runEquation(logreg, api, 1);
			expect(api.queries).toBe(11);
			if (output === 'probs') {
				expect(r.maxParamError).toBeLessThan(1e-6);
				expect(r.agreement).toBe(1);
			}
			return r.maxParamError;
		});
		expect(errors[0]).toBeLessThan(errors[1]);
		expect(errors[1]).toBeLessThan(errors[2]);
		expect(errors[2]).toBeLessThan(errors[3]);
	});
});

describe('learning-based extraction (fidelity curves)', () => {
	it('natural queries steal the fraud MLP: agreement rises above the do-nothing copy, every query counted', async () => {
		const api = mlp.api({ outputMode: { kind: 'probs' }, costPerQuery: 0.01 });
		const result = await expectNoLeaks(async () => {
			const r = await fidelityCurve(mlp, api, 'natural', {
				checkpoints: [100, 400, 1000],
				seed: 3
			});
			disposeSurrogate(r.surrogate);
			return r;
		});
		expect(api.queries).toBe(1000);
		expect(api.cost).toBeCloseTo(10, 9);
		expect(api.log).toHaveLength(1000);
		expect(result.points.map((p) => p.queries)).toEqual([100, 400, 1000]);
		expect(result.queried).toHaveLength(1000 * 10);
		const last = result.points[2];
		console.log(`fraud-mlp natural probs: ${result.points.map((p) => p.agreement.toFixed(3))}`);
		expect(last.agreement).toBeGreaterThan(0.95);
		expect(last.agreement).toBeGreaterThan(majorityAgreement(mlp));
		expect(last.agreement).toBeGreaterThanOrEqual(result.points[0].agreement);
	});

	it('label-only answers leave the Jacobian attacker with a worse copy than full probabilities', async () => {
		// Jacobian augmentation takes the surrogate's gradient every substitute epoch: no leaks.
		const [probs, labels] = await expectNoLeaks(async () => {
			const both = [await curve(mlp, 'jacobian', 'probs'), await curve(mlp, 'jacobian', 'label')];
			for (const r of both) disposeSurrogate(r.surrogate);
			return both;
		});
		const mean = (r: typeof probs) =>
			r.points.reduce((s, p) => s + p.agreement, 0) / r.points.length;
		console.log(`jacobian mean agreement: probs ${mean(probs)}, label ${mean(labels)}`);
		expect(mean(labels)).toBeLessThan(mean(probs));
	});

	it('stops at the budget: the batch that would cross it is refused, nothing more is counted, no tensors stay', async () => {
		const api = logreg.api({ budget: 250 });
		const reported: number[] = [];
		await expectNoLeaks(() =>
			expect(
				fidelityCurve(logreg, api, 'jacobian', {
					checkpoints: [200, 400],
					seed: 1,
					onPoint: (p) => reported.push(p.queries)
				})
			).rejects.toBeInstanceOf(BudgetExceededError)
		);
		expect(api.queries).toBe(200);
		expect(reported).toEqual([200]);
	});

	it('cancelling mid-attack throws AbortError, keeps the finished points and frees the surrogate', async () => {
		const controller = new AbortController();
		const api = mlp.api();
		const reported: number[] = [];
		await expectNoLeaks(() =>
			expect(
				fidelityCurve(mlp, api, 'natural', {
					checkpoints: [100, 200, 300],
					seed: 1,
					signal: controller.signal,
					onPoint: (p) => {
						reported.push(p.queries);
						controller.abort();
					}
				})
			).rejects.toMatchObject({ name: 'AbortError' })
		);
		expect(reported).toEqual([100]);
		expect(api.queries).toBe(100);
	});

	it('rejects checkpoints that do not increase', async () => {
		await expect(
			fidelityCurve(logreg, logreg.api(), 'random', { checkpoints: [300, 200], seed: 1 })
		).rejects.toThrow(/checkpoints must be increasing/);
	});
});

describe('PRADA (Juuti et al. 2019)', () => {
	// 10-dimensional points: natural ones drawn around a mean, synthetic ones a short sign step
	// from one of 100 natural seeds, as one round of Jacobian augmentation makes them.
	const natural = (count: number, seed: number) => {
		const rng = createRng(seed);
		return Float64Array.from({ length: count * 10 }, () => normal(rng, 0, 1));
	};

	it('flags a client whose queries are short steps from a few natural seeds, not one sending natural inputs', () => {
		const rng = createRng(7);
		const synthetic = Array.from(natural(100, 5));
		for (let i = 100; i < 400; i++) {
			const parent = randomInt(rng, 100) * 10;
			const step = 0.3 * (1 + 0.2 * rng());
			for (let j = 0; j < 10; j++)
				synthetic.push(synthetic[parent + j] + (rng() < 0.5 ? -step : step));
		}
		const attacker = new PradaMonitor(10, { delta: 0.9 });
		attacker.observeAll(synthetic);
		const benign = new PradaMonitor(10, { delta: 0.9 });
		benign.observeAll(natural(400, 6));
		console.log(
			`PRADA synthetic: alarm at ${attacker.alarmAt}, final W ${attacker.wHistory.at(-1)}; benign final W ${benign.wHistory.at(-1)}`
		);
		// The test starts with the 100th distance, i.e. the 101st query of a single-class client.
		expect(attacker.wHistory.slice(0, 100).every((w) => w === null)).toBe(true);
		expect(attacker.alarmAt).not.toBeNull();
		expect(attacker.alarmAt!).toBeGreaterThan(100);
		expect(attacker.wHistory[attacker.alarmAt! - 1]!).toBeLessThan(0.9);
		expect(benign.alarmAt).toBeNull();
		expect(benign.wHistory.at(-1)!).toBeGreaterThan(0.95);
	});

	it('drops distances beyond 3 standard deviations before testing (Algorithm 1)', () => {
		const values = Array.from({ length: 200 }, (_, i) => 1 + Math.sin(i));
		expect(withoutOutliers([...values, 50])).toEqual(values);
		expect(withoutOutliers(values)).toHaveLength(200);
	});

	it('on the fraud API at the lab delta: no benign client of 20 flagged, Jacobian attackers flagged', async () => {
		const benign = await pradaFalseAlarmRate(10, mlp.benign, (rows) => victimLabelsFor(mlp, rows), {
			...pradaOptions(mlp),
			clients: 20,
			queries: 300
		});
		const alarms: (number | null)[] = [];
		for (const seed of [1, 3]) {
			const attack = await fidelityCurve(mlp, mlp.api(), 'jacobian', {
				checkpoints: evenCheckpoints(1000, 5),
				seed
			});
			disposeSurrogate(attack.surrogate);
			const monitor = new PradaMonitor(10, pradaOptions(mlp));
			monitor.observeAll(attack.queried, attack.answered);
			expect(monitor.count).toBe(1000);
			if (monitor.alarmAt !== null) {
				expect(monitor.wHistory[monitor.alarmAt - 1]!).toBeLessThan(PRADA_DELTA);
			}
			alarms.push(monitor.alarmAt);
		}
		console.log(
			`PRADA on fraud (delta ${PRADA_DELTA}): benign flagged ${benign.alarmed} of ${benign.clients}; Jacobian alarms at ${alarms}`
		);
		expect(benign.rate).toBe(0);
		expect(alarms.every((a) => a !== null)).toBe(true);
	});

	it('says what is wrong with a bad delta or query', () => {
		expect(() => new PradaMonitor(3, { delta: 1.5 })).toThrow(/delta must be between 0 and 1/);
		expect(() => new PradaMonitor(3).observe([1, 2])).toThrow(/2 values, not 3/);
	});
});

describe('transfer: FGSM on the stolen copy, replayed against the victim', () => {
	it('caught frauds slip past the fraud MLP more often as eps grows, starting from none at eps 0', async () => {
		const stolen = await curve(mlp, 'natural', 'probs');
		try {
			const result = await expectNoLeaks(() => transferCurve(mlp, stolen.surrogate));
			expect(result.attacked).toBeGreaterThan(10);
			const at = (eps: number) => result.points.find((p) => p.eps === eps)!.victimSuccess;
			console.log(
				`fraud transfer: ${result.points.map((p) => `${p.eps}:${p.victimSuccess.toFixed(2)}`)}`
			);
			expect(at(0)).toBe(0);
			expect(at(1)).toBeGreaterThan(0.5);
			expect(at(1)).toBeGreaterThan(at(0.1));
		} finally {
			disposeSurrogate(stolen.surrogate);
		}
	});
});

describe('surrogate pieces allocate nothing that outlives them', () => {
	it('train, predict and the loss-gradient sign', async () => {
		const shape = { dims: 4, classes: 3, tabular: true };
		const rows = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
		const targets = Float32Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 1 : 0));
		const s = createSurrogate(shape, rows, 1);
		try {
			await expectNoLeaks(async () => {
				await trainSurrogate(s, rows, targets, { epochs: 2, seed: 1 });
				const probs = await surrogatePredict(s, rows);
				expect(probs).toHaveLength(30);
				const signs = await surrogateLossSign(s, rows, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
				expect(new Set(signs).size).toBeGreaterThan(1);
				for (const v of signs) expect([-1, 0, 1]).toContain(v);
			});
		} finally {
			disposeSurrogate(s);
		}
	});
});

describe('mnist-cnn as a victim', () => {
	it('answers through the API without leaking, and a natural-digit surrogate beats chance', async () => {
		const [train, test] = await Promise.all([
			loadMnist('train', readStaticAsset),
			loadMnist('test', readStaticAsset)
		]);
		const classifier = classifierFromModel(
			await modelFromArtifacts(readModelArtifacts('mnist-cnn'))
		);
		try {
			const victim = cnnVictim(classifier, train, test, 300);
			expect(victim.accuracy).toBeGreaterThan(0.95);
			const api = victim.api({ outputMode: { kind: 'label' } });
			const before = tf.memory().numTensors;
			const result = await fidelityCurve(victim, api, 'natural', { checkpoints: [300], seed: 2 });
			expect(api.queries).toBe(300);
			expect(result.points[0].agreement).toBeGreaterThan(0.3);
			// FGSM through attacks/fgsm.ts on the digit copy, replayed on the CNN.
			const transfer = await expectNoLeaks(() =>
				transferCurve(victim, result.surrogate, { eps: [0, 0.3], limit: 40 })
			);
			disposeSurrogate(result.surrogate);
			expect(tf.memory().numTensors).toBe(before);
			expect(transfer.attacked).toBe(40);
			expect(transfer.points[0].victimSuccess).toBe(0);
			// Black-box transfer works: measured 75 % of the 40 digits misread at eps 0.3 (copy: 100 %).
			expect(transfer.points[1].victimSuccess).toBeGreaterThan(0.4);
			expect(transfer.points[1].surrogateSuccess).toBeGreaterThan(
				transfer.points[0].surrogateSuccess
			);
		} finally {
			classifier.dispose();
		}
	});
});
