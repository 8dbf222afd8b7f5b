import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';
import { FRAUD_FEATURES } from '../../src/lib/data/fraud';
import {
	auditExplanations,
	compareGradientLearning,
	compareRecovery,
	comparisonCheckpoints,
	headlineSaving,
	queriesToReach
} from '../../src/lib/ml/extraction/explanations';
import {
	createSurrogate,
	disposeSurrogate,
	surrogateGradient,
	trainSurrogate
} from '../../src/lib/ml/extraction/surrogate';
import { trainFraudVictim, type Victim } from '../../src/lib/ml/extraction/victims';

let logreg: Victim;
let mlp: Victim;
const NAMES = FRAUD_FEATURES.map((f) => f.label);
const D = FRAUD_FEATURES.length;

beforeAll(async () => {
	await useBackend();
	logreg = await trainFraudVictim('fraud-logreg', { seed: 1 });
	mlp = await trainFraudVictim('fraud-mlp', { seed: 1 });
});

describe("the fraud victims' explanations", () => {
	it('are the exact input gradient of P(fraud) in raw units: central finite differences agree', () => {
		for (const victim of [logreg, mlp]) {
			const rows = victim.heldOut.inputs.subarray(0, 40 * D);
			const g = victim.gradient!(rows, D);
			const scale = victim.monitorScale.scale;
			let worst = 0;
			let largest = 0;
			for (let i = 0; i < 40; i++)
				for (let j = 0; j < D; j++) {
					// a step of 1e-6 standard deviations of the feature, in its own raw units
					const h = 1e-6 * scale[j];
					const up = Float64Array.from(rows.subarray(i * D, (i + 1) * D));
					const down = Float64Array.from(up);
					up[j] += h;
					down[j] -= h;
					const fd = (victim.predict(up, D)[1] - victim.predict(down, D)[1]) / (2 * h);
					// compared per standard deviation, so that amounts and yes/no features weigh alike
					worst = Math.max(worst, Math.abs(fd - g[i * D + j]) * scale[j]);
					largest = Math.max(largest, Math.abs(g[i * D + j]) * scale[j]);
				}
			console.log(`${victim.id}: gradient vs finite differences, worst ${worst.toExponential(2)}`);
			expect(largest).toBeGreaterThan(0.01);
			expect(worst).toBeLessThan(1e-7);
		}
	});

	it("one explanation query recovers the trained logistic regression's raw-unit w and b, where equation solving spends 11", () => {
		const r = compareRecovery(logreg, { outputMode: { kind: 'probs' } }, 1);
		expect(r.explanations.queries).toBe(1);
		expect(r.explanations.maxRelativeError).toBeLessThan(1e-9);
		expect(
			Math.abs(r.explanations.recovered.bias - logreg.truth!.bias) / Math.abs(logreg.truth!.bias)
		).toBeLessThan(1e-9);
		expect(r.explanations.agreement).toBe(1);
		expect(r.equationProblem).toBeNull();
		expect(r.equation!.queries).toBe(11);
		expect(r.equation!.agreement).toBe(1);
	});

	it('a budget of 5 still buys the one-query attack; equation solving says it needs 11', () => {
		const r = compareRecovery(logreg, { budget: 5 }, 1);
		expect(r.explanations.queries).toBe(1);
		expect(r.explanations.maxRelativeError).toBeLessThan(1e-9);
		expect(r.equation).toBeNull();
		expect(r.equationProblem).toBe('equation solving needs 11 queries (d + 1) but the budget is 5');
	});

	it('rounded answers hurt the one-query attack far less than equation solving (the gradient is not rounded)', () => {
		const r = compareRecovery(logreg, { outputMode: { kind: 'round', decimals: 2 } }, 1);
		const equation = r.equation!;
		console.log(
			`round:2: explanations ${r.explanations.maxParamError.toExponential(2)} in ${r.explanations.queries}, equation ${equation.maxParamError.toExponential(2)} in ${equation.queries}`
		);
		expect(r.explanations.queries).toBe(1);
		expect(r.explanations.maxParamError).toBeLessThan(0.02);
		expect(equation.maxParamError).toBeGreaterThan(0.1);
		expect(r.explanations.maxParamError * 10).toBeLessThan(equation.maxParamError);
	});
});

describe('learning from explanations (gradient matching)', () => {
	it("with gradients the copy of the fraud MLP reaches the plain attack's 2,000-query agreement with half the queries", async () => {
		const checkpoints = comparisonCheckpoints(2000);
		expect(checkpoints).toEqual([10, 20, 50, 100, 200, 500, 1000, 2000]);
		const c = await expectNoLeaks(() =>
			compareGradientLearning(mlp, { outputMode: { kind: 'probs' } }, 'natural', {
				checkpoints,
				seed: 1
			})
		);
		const at = (run: 'with' | 'without', q: number) =>
			c[run].find((p) => p.queries === q)!.agreement;
		console.log(
			`agreement with: ${c.with.map((p) => p.agreement.toFixed(3))}; without: ${c.without.map((p) => p.agreement.toFixed(3))}`
		);
		expect(c.with.map((p) => p.queries)).toEqual(checkpoints);
		expect(c.without.map((p) => p.queries)).toEqual(checkpoints);
		const saving = headlineSaving(c);
		// measured: 97.3 % without gradients at 2,000 queries, first reached with them at 1,000
		expect(saving.level).toBeGreaterThan(0.97);
		expect(saving.without).toBe(2000);
		expect(saving.with).not.toBeNull();
		expect(saving.with!).toBeLessThanOrEqual(1000);
		// and the copy with gradients is ahead from 100 queries on (96.7 against 96.4 % at 500)
		for (const q of [100, 200, 500, 1000, 2000])
			expect(at('with', q)).toBeGreaterThan(at('without', q));
		expect(queriesToReach(c.with, 0.97)).toBe(1000);
		expect(queriesToReach(c.without, 0.97)).toBe(2000);
	});

	it('training on explained gradients allocates nothing that outlives it, and refuses a bad lambda', async () => {
		const rows = mlp.naturalPool(50, 3);
		const probs = mlp.predict(rows, D);
		const targets = Float32Array.from({ length: 50 }, (_, i) => probs[2 * i + 1]);
		const gradients = mlp.gradient!(rows, D);
		const s = createSurrogate({ dims: D, classes: 2, tabular: true }, rows, 1);
		try {
			await expectNoLeaks(async () => {
				await trainSurrogate(s, rows, targets, {
					epochs: 2,
					seed: 1,
					gradients,
					gradientWeight: 0.3
				});
				const own = await surrogateGradient(s, rows);
				expect(own).toHaveLength(50 * D);
				expect(own.some((v) => v !== 0)).toBe(true);
			});
			await expect(
				trainSurrogate(s, rows, targets, { epochs: 1, seed: 1, gradients, gradientWeight: -1 })
			).rejects.toThrow('trainSurrogate: gradientWeight must be a finite number >= 0, got -1');
			await expect(
				trainSurrogate(s, rows, targets, { epochs: 1, seed: 1, gradients: gradients.subarray(1) })
			).rejects.toThrow('trainSurrogate: 499 gradient values do not make 50 rows of 10');
		} finally {
			disposeSurrogate(s);
		}
	});

	it('cancelling the comparison throws AbortError and leaves no tensors', async () => {
		const controller = new AbortController();
		await expectNoLeaks(() =>
			expect(
				compareGradientLearning(mlp, {}, 'natural', {
					checkpoints: [50, 100],
					seed: 1,
					signal: controller.signal,
					onPoint: () => controller.abort()
				})
			).rejects.toMatchObject({ name: 'AbortError' })
		);
	});

	it('refuses a victim without explanations, saying which ones have them', async () => {
		await expect(
			compareGradientLearning({ ...mlp, id: 'mnist-cnn' }, {}, 'natural', {
				checkpoints: [10],
				seed: 1
			})
		).rejects.toThrow(/mnist-cnn has none here \(use fraud-logreg or fraud-mlp\)/);
	});
});

describe("the auditor's view of the same explanations", () => {
	it("ranks the logistic regression's features by |w_j| times their spread in the sample", () => {
		const rows = logreg.benign(200, 1);
		const audit = auditExplanations(logreg.api({ explanations: true }), rows, NAMES);
		expect(audit.queries).toBe(200);
		expect(audit.sample).toBe(200);
		const w = logreg.truth!.weights;
		const spread = (j: number) => {
			let m = 0;
			for (let i = 0; i < 200; i++) m += rows[i * D + j] / 200;
			let v = 0;
			for (let i = 0; i < 200; i++) v += (rows[i * D + j] - m) ** 2 / 199;
			return Math.sqrt(v);
		};
		const expected = NAMES.map((name, j) => ({ name, score: Math.abs(w[j]) * spread(j) }))
			.sort((a, b) => b.score - a.score)
			.map((f) => f.name);
		expect(audit.features.map((f) => f.feature)).toEqual(expected);
		// direction: the sign of the weight
		for (const f of audit.features) expect(Math.sign(f.direction)).toBe(Math.sign(w[f.index]));
		console.log(`logreg audit: ${audit.features.map((f) => f.feature).join(', ')}`);
	});

	it('reads the MLP too, and says what is wrong with a bad sample', () => {
		const api = mlp.api({ explanations: true });
		const audit = auditExplanations(api, mlp.benign(100, 2), NAMES);
		expect(audit.features).toHaveLength(D);
		for (let k = 1; k < D; k++)
			expect(audit.features[k - 1].sensitivity).toBeGreaterThanOrEqual(
				audit.features[k].sensitivity
			);
		expect(audit.features[0].sensitivity).toBeGreaterThan(0);
		expect(() => auditExplanations(api, new Float64Array(D), NAMES)).toThrow(
			'audit: needs at least 2 transactions of 10 features, got 10 values'
		);
		expect(() => auditExplanations(mlp.api(), mlp.benign(10, 2), NAMES)).toThrow(
			'audit: this API does not explain its answers; turn explanations on'
		);
	});
});
