import { describe, expect, it } from 'vitest';
import { createRng, normal } from '../../src/lib/base/rng';
import { generateTransactions, standardize } from '../../src/lib/data/fraud';
import {
	BudgetExceededError,
	logisticGradient,
	logisticVictim,
	PredictionApi,
	RateLimitedError,
	type OutputMode
} from '../../src/lib/ml/extraction/victim-api';
import { explanationAttack, maxRelativeError } from '../../src/lib/ml/extraction/explanations';
import {
	agreement,
	equationSolvingAttack,
	maxParamError,
	solveLinearSystem
} from '../../src/lib/ml/extraction/equation-solving';

function randomLogistic(dims: number, seed: number, std = 1) {
	const rng = createRng(seed);
	const weights = new Float64Array(dims);
	for (let j = 0; j < dims; j++) weights[j] = normal(rng, 0, std);
	return { weights, bias: normal(rng, 0, std) };
}

function uniformInputs(count: number, dims: number, low: number, high: number, seed: number) {
	const rng = createRng(seed);
	return Float64Array.from({ length: count * dims }, () => low + (high - low) * rng());
}

const D = 10;

describe('equation solving (Tramer et al. 2016, section 4.1)', () => {
	it('recovers a 10-feature logistic regression to 1e-6 from exactly d + 1 confidence queries', () => {
		const truth = randomLogistic(D, 11);
		const api = new PredictionApi(logisticVictim(truth.weights, truth.bias), D);
		const stolen = equationSolvingAttack(api, D, { rng: createRng(5), low: -1, high: 1 });
		expect(api.queries).toBe(D + 1);
		expect(stolen.queries).toBe(D + 1);
		expect(maxParamError(truth, stolen)).toBeLessThan(1e-6);
	});

	it('rounding confidences to fewer decimals makes the stolen parameters worse, yet k = 4 still agrees', () => {
		// Small weights over a small box keep every probability inside about [0.05, 0.95], so the
		// rounding error is not swamped by logits near 0 or 1.
		const truth = randomLogistic(D, 23, 0.5);
		const victim = logisticVictim(truth.weights, truth.bias);
		const errors: number[] = [];
		let agreementAt4 = 0;
		for (const decimals of [6, 4, 2]) {
			const api = new PredictionApi(victim, D, { outputMode: { kind: 'round', decimals } });
			const stolen = equationSolvingAttack(api, D, { rng: createRng(9), low: -1, high: 1 });
			errors.push(maxParamError(truth, stolen));
			if (decimals === 4) {
				const surrogate = logisticVictim(stolen.weights, stolen.bias);
				agreementAt4 = agreement(victim, surrogate, uniformInputs(5000, D, -1, 1, 3), D);
			}
		}
		console.log(`max parameter error for k = 6, 4, 2: ${errors.map((e) => e.toExponential(2))}`);
		expect(errors[0]).toBeLessThan(errors[1]);
		expect(errors[1]).toBeLessThan(errors[2]);
		expect(agreementAt4).toBeGreaterThan(0.99);
	});

	it('rounding to k decimals: the error shrinks about tenfold per extra decimal and stays within the first-order bound', () => {
		// Rounding moves each answered probability by at most h = 0.5 * 10^-k, so each equation's
		// logit log(p1) - log(p0) moves by at most h / p0 + h / p1 = h / (p0 p1) to first order, and
		// the solution by at most ||A^-1||_inf times the largest such move.
		const truth = randomLogistic(D, 23, 0.5);
		const victim = logisticVictim(truth.weights, truth.bias);
		const ks = [3, 4, 5, 6, 7, 8];
		const logErrors: number[] = [];
		for (const k of ks) {
			const api = new PredictionApi(victim, D, { outputMode: { kind: 'round', decimals: k } });
			const stolen = equationSolvingAttack(api, D, { rng: createRng(9), low: -1, high: 1 });
			const error = maxParamError(truth, stolen);
			const n = D + 1;
			const a = new Float64Array(n * n);
			let worstShift = 0;
			api.log.forEach(({ input }, i) => {
				input.forEach((v, j) => (a[i * n + j] = v));
				a[i * n + D] = 1;
				const [p0, p1] = victim(Float64Array.from(input), D);
				worstShift = Math.max(worstShift, (0.5 * 10 ** -k) / (p0 * p1));
			});
			// ||A^-1||_inf: the largest absolute row sum of the inverse, built column by column.
			const rowSums = new Float64Array(n);
			for (let c = 0; c < n; c++) {
				const unit = new Float64Array(n);
				unit[c] = 1;
				solveLinearSystem(a, unit, n).forEach((v, r) => (rowSums[r] += Math.abs(v)));
			}
			const bound = Math.max(...rowSums) * worstShift;
			expect(error).toBeGreaterThan(0);
			expect(error).toBeLessThanOrEqual(1.01 * bound);
			logErrors.push(Math.log10(error));
		}
		// Least-squares slope of log10(error) against k: -1 means ten times smaller per decimal.
		const mk = ks.reduce((s, k) => s + k, 0) / ks.length;
		const me = logErrors.reduce((s, e) => s + e, 0) / ks.length;
		let num = 0;
		let den = 0;
		ks.forEach((k, i) => {
			num += (k - mk) * (logErrors[i] - me);
			den += (k - mk) ** 2;
		});
		console.log(`log10 max parameter error for k = ${ks}: ${logErrors.map((e) => e.toFixed(2))}`);
		expect(num / den).toBeGreaterThan(-1.3);
		expect(num / den).toBeLessThan(-0.7);
	});

	it('refuses a label-only API with a message that says confidences are needed, spending nothing', () => {
		const truth = randomLogistic(D, 11);
		const api = new PredictionApi(logisticVictim(truth.weights, truth.bias), D, {
			outputMode: { kind: 'label' }
		});
		expect(() => equationSolvingAttack(api, D, { rng: createRng(5), low: -1, high: 1 })).toThrow(
			/equation solving needs confidence scores/
		);
		expect(api.queries).toBe(0);
	});

	it('steals a victim over the fraud features: agreement 1.0 on 2,000 standardized transactions', () => {
		const data = generateTransactions({ count: 2000, seed: 42 });
		const inputs = standardize(data.features, data.dims).apply(data.features);
		const truth = randomLogistic(data.dims, 77);
		const victim = logisticVictim(truth.weights, truth.bias);
		const api = new PredictionApi(victim, data.dims);
		const stolen = equationSolvingAttack(api, data.dims, { rng: createRng(1), low: -3, high: 3 });
		expect(api.queries).toBe(data.dims + 1);
		const surrogate = logisticVictim(stolen.weights, stolen.bias);
		expect(agreement(victim, surrogate, inputs, data.dims)).toBe(1);
	});

	it('the solver finds x in a pivoting-needing system and rejects a singular one', () => {
		// The zero in the top-left corner fails without a row swap.
		const a = Float64Array.from([0, 2, 1, 1, 1, 1, 2, 1, 3]);
		const x = solveLinearSystem(a, Float64Array.from([4, 4, 9]), 3);
		[1, 1, 2].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 12));
		const singular = Float64Array.from([1, 2, 2, 4]);
		expect(() => solveLinearSystem(singular, Float64Array.from([1, 2]), 2)).toThrow(
			/not linearly independent/
		);
	});
});

describe('PredictionApi', () => {
	const truth = randomLogistic(3, 4);
	const victim = logisticVictim(truth.weights, truth.bias);
	const rows = (n: number) => Array.from({ length: n }, (_, i) => [i, -i, 0.5 * i]);

	it('counts every query across batches of different sizes, bills cost = queries * costPerQuery and logs inputs', () => {
		const api = new PredictionApi(victim, 3, { costPerQuery: 0.1 });
		api.query(rows(1));
		api.query(rows(7));
		api.query([]);
		api.query(rows(3));
		expect(api.queries).toBe(11);
		expect(api.cost).toBe(api.queries * 0.1);
		expect(api.log).toHaveLength(11);
		expect(api.log[1].input).toEqual([0, -0, 0]);
		expect(api.log[7].input).toEqual([6, -6, 3]);
	});

	it('answers full, rounded or label-only predictions', () => {
		const x = [[0.3, -0.2, 0.9]];
		const full = new PredictionApi(victim, 3).query(x)[0];
		expect(full.probs![0] + full.probs![1]).toBeCloseTo(1, 12);
		const round = (mode: OutputMode) =>
			new PredictionApi(victim, 3, { outputMode: mode }).query(x)[0];
		const rounded = round({ kind: 'round', decimals: 2 });
		expect(rounded.probs![1]).toBe(Math.round(full.probs![1] * 100) / 100);
		const label = round({ kind: 'label' });
		expect(label.probs).toBeUndefined();
		expect(label.label).toBe(full.probs![1] > full.probs![0] ? 1 : 0);
	});

	it('a batch that would cross the budget throws, and is neither answered nor counted', () => {
		const api = new PredictionApi(victim, 3, { budget: 10, costPerQuery: 2 });
		api.query(rows(6));
		expect(() => api.query(rows(5))).toThrow(BudgetExceededError);
		expect(() => api.query(rows(5))).toThrow(/budget is 10 \(4 left\)/);
		expect(api.queries).toBe(6);
		expect(api.cost).toBe(12);
		expect(api.log).toHaveLength(6);
		expect(api.query(rows(4))).toHaveLength(4);
		expect(api.queries).toBe(10);
		expect(() => api.query(rows(1))).toThrow(BudgetExceededError);
	});

	it('enforces the per-second rate limit on a fake clock and says how long to wait', () => {
		let now = 0;
		const api = new PredictionApi(victim, 3, { rateLimit: { perSecond: 5 }, clock: () => now });
		api.query(rows(3));
		now = 100;
		api.query(rows(2));
		now = 200;
		let error: unknown;
		try {
			api.query(rows(1));
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(RateLimitedError);
		expect((error as RateLimitedError).retryAfterMs).toBe(800);
		expect((error as Error).message).toMatch(/retry in 800 ms/);
		expect(api.queries).toBe(5);
		now = 1000;
		// The batch of 3 from t = 0 has left the window; the 2 from t = 100 have not.
		api.query(rows(3));
		expect(api.queries).toBe(8);
		now = 1050;
		expect(() => api.query(rows(1))).toThrow(RateLimitedError);
		now = 1100;
		api.query(rows(1));
		expect(api.queries).toBe(9);
	});
});

describe('explanations (Milli, Schmidt, Dragan, Hardt 2019)', () => {
	const explaining = (truth: { weights: Float64Array; bias: number }, mode?: OutputMode) =>
		new PredictionApi(
			{
				predict: logisticVictim(truth.weights, truth.bias),
				gradient: logisticGradient(truth.weights, truth.bias)
			},
			D,
			{ explanations: true, outputMode: mode, costPerQuery: 0.5 }
		);

	it("one explanation query recovers a logistic regression's w and b to 1e-9 relative error", () => {
		for (const seed of [11, 12, 13]) {
			const truth = randomLogistic(D, seed);
			const api = explaining(truth);
			const stolen = explanationAttack(api, D, {
				rng: createRng(5),
				low: new Array(D).fill(-1),
				high: new Array(D).fill(1)
			});
			expect(stolen.queries).toBe(1);
			expect(api.queries).toBe(1);
			expect(api.cost).toBe(0.5);
			expect(api.log).toHaveLength(1);
			expect(maxRelativeError(truth, stolen)).toBeLessThan(1e-9);
			expect(Math.abs(stolen.bias - truth.bias) / Math.abs(truth.bias)).toBeLessThan(1e-9);
		}
		// equation solving needs d + 1 = 11 queries for the same model
		const truth = randomLogistic(D, 11);
		const plain = new PredictionApi(logisticVictim(truth.weights, truth.bias), D);
		equationSolvingAttack(plain, D, { rng: createRng(5), low: -1, high: 1 });
		expect(plain.queries).toBe(D + 1);
	});

	it('an explained answer carries the exact, unrounded gradient in every output mode and costs one query', () => {
		const truth = randomLogistic(D, 31);
		const x = Array.from({ length: D }, (_, j) => 0.1 * j - 0.4);
		const exact = Array.from(logisticGradient(truth.weights, truth.bias)(Float64Array.from(x), D));
		for (const mode of [
			{ kind: 'probs' },
			{ kind: 'round', decimals: 1 },
			{ kind: 'label' }
		] as OutputMode[]) {
			const api = explaining(truth, mode);
			const [answer] = api.query([x]);
			expect(answer.gradient).toEqual(exact);
			expect(answer.probs === undefined).toBe(mode.kind === 'label');
			expect(api.queries).toBe(1);
		}
		// without the option the answer has no gradient
		const plain = new PredictionApi(
			{
				predict: logisticVictim(truth.weights, truth.bias),
				gradient: logisticGradient(truth.weights, truth.bias)
			},
			D
		);
		expect(plain.query([x])[0]).not.toHaveProperty('gradient');
	});

	it('the logistic gradient is dP(class 1)/dx: central finite differences agree to 1e-8', () => {
		const truth = randomLogistic(D, 41);
		const predict = logisticVictim(truth.weights, truth.bias);
		const gradient = logisticGradient(truth.weights, truth.bias);
		const x = uniformInputs(20, D, -2, 2, 8);
		const g = gradient(x, D);
		const h = 1e-6;
		for (let i = 0; i < 20; i++)
			for (let j = 0; j < D; j++) {
				const up = Float64Array.from(x.subarray(i * D, (i + 1) * D));
				const down = Float64Array.from(up);
				up[j] += h;
				down[j] -= h;
				const fd = (predict(up, D)[1] - predict(down, D)[1]) / (2 * h);
				expect(Math.abs(fd - g[i * D + j])).toBeLessThan(1e-8);
			}
	});

	it('saturated answers: the attack asks elsewhere, each try billed, and says so when all are saturated', () => {
		// One feature, w = 1, b = 0, queries from [-60, 60]: rounded to 3 decimals, p is 0 or 1
		// for |x| > 7.6, so most draws tell nothing of w's size.
		const one = { weights: Float64Array.of(1), bias: 0 };
		const api = new PredictionApi(
			{ predict: logisticVictim(one.weights, 0), gradient: logisticGradient(one.weights, 0) },
			1,
			{ explanations: true, outputMode: { kind: 'round', decimals: 3 } }
		);
		const stolen = explanationAttack(api, 1, {
			rng: createRng(2),
			low: [-60],
			high: [60],
			maxQueries: 100
		});
		expect(stolen.queries).toBeGreaterThan(1);
		expect(api.queries).toBe(stolen.queries);
		expect(Math.abs(stolen.point[0])).toBeLessThan(7.7);
		expect(Math.abs(stolen.weights[0] - 1)).toBeLessThan(0.1);

		const far = new PredictionApi(
			{ predict: logisticVictim(one.weights, 0), gradient: logisticGradient(one.weights, 0) },
			1,
			{ explanations: true, outputMode: { kind: 'round', decimals: 2 } }
		);
		expect(() =>
			explanationAttack(far, 1, { rng: createRng(2), low: [50], high: [60], maxQueries: 3 })
		).toThrow(
			'explanation attack: all 3 answers were saturated (p = 0 or 1 after rounding to 2 decimals), where p (1 - p) = 0 hides the size of w; query nearer the decision boundary or keep more decimals'
		);
		expect(far.queries).toBe(3);
		// full probabilities keep p0 = sigmoid(-55) ~ 1e-24 exact: the same far query works
		const full = new PredictionApi(
			{ predict: logisticVictim(one.weights, 0), gradient: logisticGradient(one.weights, 0) },
			1,
			{ explanations: true }
		);
		const exact = explanationAttack(full, 1, { rng: createRng(2), low: [50], high: [60] });
		expect(exact.queries).toBe(1);
		expect(Math.abs(exact.weights[0] - 1)).toBeLessThan(1e-12);
	});

	it('refuses labels only (no p beside the gradient) and APIs without explanations, spending nothing', () => {
		const truth = randomLogistic(D, 11);
		const box = { rng: createRng(5), low: new Array(D).fill(-1), high: new Array(D).fill(1) };
		const labels = explaining(truth, { kind: 'label' });
		expect(() => explanationAttack(labels, D, box)).toThrow(/answers with labels only/);
		expect(labels.queries).toBe(0);
		const plain = new PredictionApi(logisticVictim(truth.weights, truth.bias), D);
		expect(() => explanationAttack(plain, D, box)).toThrow(/does not explain its answers/);
		expect(plain.queries).toBe(0);
	});

	it('an API cannot explain a victim that provides no gradients, and says so', () => {
		const truth = randomLogistic(D, 11);
		expect(
			() => new PredictionApi(logisticVictim(truth.weights, truth.bias), D, { explanations: true })
		).toThrow(
			'PredictionApi: explanations need a victim that provides input gradients, and this one does not (the fraud logistic regression and the fraud MLP do); turn explanations off'
		);
	});
});
