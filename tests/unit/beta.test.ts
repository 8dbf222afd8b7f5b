import { describe, expect, it } from 'vitest';
import { betaCdf, betaQuantile, clopperPearson } from '../../src/lib/base/beta';

describe('the incomplete beta function and Clopper-Pearson bounds', () => {
	it('I_x(a, b) matches closed forms', () => {
		// I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b; I_x(2, 2) = 3x^2 - 2x^3
		for (const x of [0.01, 0.2, 0.5, 0.77, 0.999]) {
			expect(betaCdf(x, 1, 1)).toBeCloseTo(x, 13);
			expect(betaCdf(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 13);
			expect(betaCdf(x, 1, 7)).toBeCloseTo(1 - (1 - x) ** 7, 13);
			expect(betaCdf(x, 2, 2)).toBeCloseTo(3 * x * x - 2 * x ** 3, 13);
		}
		// the binomial tail: P(X >= k | n, p) = I_p(k, n - k + 1), summed directly
		const n = 40;
		const p = 0.3;
		let tail = 0;
		for (let j = 12; j <= n; j++) {
			let c = 1;
			for (let i = 0; i < j; i++) c = (c * (n - i)) / (i + 1);
			tail += c * p ** j * (1 - p) ** (n - j);
		}
		expect(betaCdf(p, 12, n - 12 + 1)).toBeCloseTo(tail, 12);
	});

	it('the quantile inverts the CDF', () => {
		for (const [a, b] of [
			[0.5, 0.5],
			[3, 9],
			[990, 11]
		])
			for (const q of [0.001, 0.05, 0.5, 0.95])
				expect(betaCdf(betaQuantile(q, a, b), a, b)).toBeCloseTo(q, 10);
	});

	it('Clopper-Pearson: the textbook values, and the edge counts', () => {
		// two-sided 95 % for 7 of 20: [0.1539, 0.5922] (statsmodels proportion_confint, method beta)
		const { lower, upper } = clopperPearson(7, 20, 0.025);
		expect(lower).toBeCloseTo(0.153909, 5);
		expect(upper).toBeCloseTo(0.592189, 5);
		// all successes: the lower bound is alpha^(1/n) (Cohen et al.'s pA bound with nA = n)
		expect(clopperPearson(100, 100, 0.001).lower).toBeCloseTo(0.001 ** (1 / 100), 12);
		const none = clopperPearson(0, 50, 0.05);
		expect(none.lower).toBe(0);
		expect(none.upper).toBeCloseTo(1 - 0.05 ** (1 / 50), 12);
		expect(() => clopperPearson(5, 4, 0.05)).toThrow(
			'successes must be a whole number from 0 to 4, got 5'
		);
	});
});
