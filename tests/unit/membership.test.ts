import { beforeAll, describe, expect, it } from 'vitest';
import { createMlp, disposeMlp, mlpPredict } from '../../src/lib/ml/mlp';
import { createRng } from '../../src/lib/base/rng';
import { trainSgd } from '../../src/lib/ml/privacy/dp-sgd';
import {
	epsilonOf,
	fraudPrivacyData,
	measureEpochTimes,
	runPrivacyExperiment,
	SHUFFLE_ACCOUNTING_NOTE
} from '../../src/lib/ml/privacy/experiment';
import {
	advantageBound,
	chanceAdvantage,
	lossThresholdAttack,
	mlpAccuracy,
	perExampleLosses,
	yeomAdvantageBound
} from '../../src/lib/ml/privacy/membership';
import { epsilonFor } from '../../src/lib/ml/privacy/rdp';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

beforeAll(() => useBackend('wasm'));

describe('the loss-threshold attack (Yeom et al. 2018)', () => {
	it('scores AUC and the best TPR - FPR on losses worked out by hand', () => {
		// members 0.1, 0.2, 0.95; non-members 0.3, 0.05, 0.9
		const r = lossThresholdAttack([0.1, 0.2, 0.95], [0.3, 0.05, 0.9]);
		// pairs where the member's loss is lower: 0.1<0.3, 0.1<0.9, 0.2<0.3, 0.2<0.9 = 4 of 9
		expect(r.auc).toBeCloseTo(4 / 9, 12);
		// threshold 0.2: TPR 2/3, FPR 1/3
		expect(r.advantage).toBeCloseTo(1 / 3, 12);
		expect(r.threshold).toBe(0.2);
		expect([r.tpr, r.fpr]).toEqual([2 / 3, 1 / 3]);
	});

	it('finds nothing when members and non-members look alike, everything when they do not', () => {
		expect(lossThresholdAttack([1, 1], [1, 1])).toMatchObject({ auc: 0.5, advantage: 0 });
		expect(lossThresholdAttack([0, 0.1], [2, 3])).toMatchObject({ auc: 1, advantage: 1 });
		expect(() => lossThresholdAttack([], [1])).toThrow(/needs members and non-members/);
	});

	it('gives AUC near 0.5 against a model that never saw the "members"', async () => {
		const a = fraudPrivacyData(500, 21);
		const b = fraudPrivacyData(500, 22);
		const mlp = createMlp([10, 32, 16, 1], 1);
		// trained, and overfitted, on a third set: neither side of the attack was seen
		const c = fraudPrivacyData(300, 23);
		await trainSgd(mlp, c.members.rows, c.members.labels, {
			batchSize: 30,
			epochs: 40,
			learningRate: 0.5,
			seed: 1
		});
		const r = lossThresholdAttack(
			await perExampleLosses(mlp, a.members.rows, a.members.labels),
			await perExampleLosses(mlp, b.nonMembers.rows, b.nonMembers.labels)
		);
		expect(Math.abs(r.auc - 0.5)).toBeLessThan(0.05);
		expect(r.advantage).toBeLessThan(0.1);
		// while on its own training rows the same attack does find members
		const own = lossThresholdAttack(
			await perExampleLosses(mlp, c.members.rows, c.members.labels),
			await perExampleLosses(mlp, c.nonMembers.rows, c.nonMembers.labels)
		);
		expect(own.auc).toBeGreaterThan(0.55);
		disposeMlp(mlp);
	});
});

describe('what chance gives the attacker', () => {
	it('is the one-sided KS critical value: about 0.077 for 500 against 500 at 5 %', () => {
		expect(chanceAdvantage(500, 500)).toBeCloseTo(
			Math.sqrt(Math.log(20) / 2) * Math.sqrt(2 / 500),
			12
		);
		expect(chanceAdvantage(500, 500)).toBeCloseTo(0.0774, 3);
	});

	it('holds empirically: random losses for two equal groups beat it about 5 % of the time', () => {
		const rand = createRng(7);
		const limit = chanceAdvantage(200, 200);
		let above = 0;
		const trials = 400;
		for (let t = 0; t < trials; t++) {
			const a = Array.from({ length: 200 }, rand);
			const b = Array.from({ length: 200 }, rand);
			if (lossThresholdAttack(a, b).advantage > limit) above++;
		}
		expect(above / trials).toBeGreaterThan(0.01);
		expect(above / trials).toBeLessThan(0.1);
	});
});

describe('what DP allows the attacker', () => {
	it("Yeom et al.'s Theorem 1: e^eps - 1, capped at 1", () => {
		expect(yeomAdvantageBound(0)).toBe(0);
		expect(yeomAdvantageBound(0.5)).toBeCloseTo(Math.E ** 0.5 - 1, 12);
		expect(yeomAdvantageBound(2)).toBe(1);
	});

	it('the (eps, delta) bound is (e^eps - 1 + 2 delta) / (e^eps + 1): tanh(eps / 2) at delta 0', () => {
		expect(advantageBound(1, 0)).toBeCloseTo(Math.tanh(0.5), 12);
		expect(advantageBound(0, 1e-5)).toBeCloseTo(1e-5, 12);
		expect(advantageBound(Infinity, 1e-5)).toBe(1);
		expect(advantageBound(1000, 1e-5)).toBe(1);
		// never looser than Yeom's where Yeom's applies
		for (const eps of [0.1, 0.5, 1, 2])
			expect(advantageBound(eps, 0)).toBeLessThanOrEqual(yeomAdvantageBound(eps));
	});
});

describe('one privacy experiment', () => {
	it('counts the privacy spent as the accountant does, before training', () => {
		const p = epsilonOf(500, { sigma: 1, batchSize: 50, epochs: 30, delta: 1e-5 });
		expect(p.q).toBe(0.1);
		expect(p.steps).toBe(300);
		expect(p.epsilon).toBe(epsilonFor({ q: 0.1, sigma: 1, steps: 300, delta: 1e-5 }).epsilon);
		expect(epsilonOf(500, { sigma: null, batchSize: 50, epochs: 30, delta: 1e-5 }).epsilon).toBe(
			Infinity
		);
	});

	it('trains, evaluates, attacks and accounts, with one history point per epoch and no leaks', async () => {
		const data = fraudPrivacyData(200, 3);
		const seen: number[] = [];
		const result = await expectNoLeaks(() =>
			runPrivacyExperiment(
				data,
				{
					sigma: 1,
					clip: 1,
					batchSize: 20,
					epochs: 3,
					delta: 1e-5,
					learningRate: 0.5,
					momentum: 0,
					sampling: 'poisson',
					seed: 2
				},
				{ onEpoch: (p) => seen.push(p.epoch) }
			)
		);
		expect(seen).toEqual([1, 2, 3]);
		expect(result.history).toHaveLength(3);
		expect(result.steps).toBe(30);
		expect(result.epsilon).toBeCloseTo(
			epsilonFor({ q: 0.1, sigma: 1, steps: 30, delta: 1e-5 }).epsilon,
			12
		);
		expect(result.accuracy).toBeGreaterThan(0.6);
		// With n members against m non-members and no leak, the AUC (a Mann-Whitney statistic) has
		// standard error sqrt((n + m + 1) / (12 n m)): 0.029 for 200 against 200. A 3-epoch run at
		// this epsilon leaks little, so the AUC must sit within 4 standard errors of 0.5.
		const [n, m] = [data.members.labels.length, data.nonMembers.labels.length];
		expect([n, m]).toEqual([200, 200]);
		const se = Math.sqrt((n + m + 1) / (12 * n * m));
		expect(Math.abs(result.miaAuc - 0.5)).toBeLessThan(4 * se);
		expect(result.private).toBe(true);
		expect(result.accountingNote).toBeNull();
		expect(result.advantageBound).toBeCloseTo(advantageBound(result.epsilon, 1e-5), 12);
		expect(result.pureDpAdvantageBound).toBe(yeomAdvantageBound(result.epsilon));
	});

	it('counts accuracy as the share of rows whose predicted class is the label, leaving nothing behind', async () => {
		const data = fraudPrivacyData(200, 3);
		const { rows, labels } = data.nonMembers;
		const mlp = createMlp([10, 4, 1], 1);
		const accuracy = await expectNoLeaks(async () => {
			const acc = await mlpAccuracy(mlp, rows, labels);
			await perExampleLosses(mlp, rows, labels);
			return acc;
		});
		const p = await mlpPredict(mlp, rows);
		const byHand = labels.filter((y, i) => (p[i] > 0.5 ? 1 : 0) === y).length / labels.length;
		expect(accuracy).toBe(byHand);
		// an untrained network is no oracle: the check above is not comparing all-right with all-right
		expect(accuracy).toBeGreaterThan(0);
		expect(accuracy).toBeLessThan(1);
		// ten classes take the argmax
		const ten = createMlp([10, 6, 10], 2);
		const probs = await mlpPredict(ten, rows);
		const argmax = (i: number) => {
			let best = 0;
			for (let c = 1; c < 10; c++) if (probs[i * 10 + c] > probs[i * 10 + best]) best = c;
			return best;
		};
		const digits = Int32Array.from(labels, (_, i) => i % 10);
		expect(await mlpAccuracy(ten, rows, digits)).toBe(
			digits.filter((y, i) => argmax(i) === y).length / digits.length
		);
		disposeMlp(mlp);
		disposeMlp(ten);
	});

	it('marks sigma 0 and the baseline as not private, and notes the approximation for shuffled lots', async () => {
		const data = fraudPrivacyData(60, 3);
		const cfg = {
			sigma: 0,
			clip: 1,
			batchSize: 20,
			epochs: 1,
			delta: 1e-5,
			learningRate: 0.5,
			momentum: 0,
			sampling: 'poisson' as const,
			seed: 2
		};
		const zero = await runPrivacyExperiment(data, cfg);
		expect(zero).toMatchObject({ private: false, epsilon: Infinity, accountingNote: null });
		const base = await runPrivacyExperiment(data, { ...cfg, sigma: null, sampling: 'shuffle' });
		expect(base).toMatchObject({ private: false, accountingNote: null });
		const shuffled = await runPrivacyExperiment(data, { ...cfg, sigma: 1, sampling: 'shuffle' });
		expect(shuffled.private).toBe(true);
		expect(shuffled.accountingNote).toBe(SHUFFLE_ACCOUNTING_NOTE);
	});

	it('times DP-SGD against plain SGD epochs on the same model and data, leaving nothing behind', async () => {
		const data = fraudPrivacyData(100, 4);
		const t = await expectNoLeaks(() =>
			measureEpochTimes(data, { sigma: 1, clip: 1, batchSize: 20, learningRate: 0.5, seed: 1 }, 2)
		);
		expect(t).toMatchObject({ epochs: 2, rounds: 3, plainRowsPerStep: 20 });
		expect(t.dpEpochMs).toBeGreaterThan(0);
		expect(t.dpExactEpochMs).toBeGreaterThan(0);
		expect(t.plainEpochMs).toBeGreaterThan(0);
		// Poisson lots of about 20, computed on their own rows off WebGL (reported, not hidden)
		expect(t.dpRowsPerStep).toBeGreaterThan(14);
		expect(t.dpRowsPerStep).toBeLessThan(26);
		await expect(
			measureEpochTimes(data, { sigma: 1, clip: 1, batchSize: 20, learningRate: 0.5, seed: 1 }, 0)
		).rejects.toThrow(/epochs and rounds must be whole numbers >= 1/);
	});

	it('refuses rows that do not fit the model, saying so', async () => {
		const mlp = createMlp([10, 1], 1);
		await expect(perExampleLosses(mlp, new Float32Array(25), [0, 1])).rejects.toThrow(
			/25 feature values do not make 2 rows of 10/
		);
		disposeMlp(mlp);
	});
});
