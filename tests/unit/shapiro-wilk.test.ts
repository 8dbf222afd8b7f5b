import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../src/lib/base/normal';
import { shapiroWilk, shapiroWilkCoefficients } from '../../src/lib/ml/extraction/shapiro-wilk';

// R's datasets::ToothGrowth$len; shapiro.test gives W = 0.96743, p-value = 0.1091.
const TOOTH_GROWTH = [
	4.2, 11.5, 7.3, 5.8, 6.4, 10, 11.2, 11.2, 5.2, 7, 16.5, 16.5, 15.2, 17.3, 22.5, 17.3, 13.6, 14.5,
	18.8, 15.5, 23.6, 18.5, 33.9, 25.5, 26.4, 32.5, 26.7, 21.5, 23.3, 29.5, 15.2, 21.5, 17.6, 9.7,
	14.5, 10, 8.2, 9.4, 16.5, 9.7, 19.7, 23.3, 23.6, 26.4, 20, 25.2, 25.8, 21.2, 14.5, 27.3, 25.5,
	26.4, 22.4, 24.5, 24.8, 30.9, 26.4, 27.3, 29.4, 23
];

describe('Shapiro-Wilk (Royston 1992 coefficients, Royston 1995 p-values)', () => {
	it('ToothGrowth lengths: W = 0.96743, p = 0.1091, as R shapiro.test reports', () => {
		const { w, p } = shapiroWilk(TOOTH_GROWTH);
		expect(w).toBeCloseTo(0.96743, 5);
		expect(p).toBeCloseTo(0.1091, 4);
	});

	// Reference values from the same algorithm (AS R94) in scipy.stats.shapiro 1.17.
	it.each([
		[[1, 2, 4], 0.9642857142857142, 0.6368868450289689],
		[[2.1, 3.5, 3.9, 7.2], 0.9119714740632421, 0.49290968089040554],
		[
			[148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236],
			0.7888146948631716,
			0.006703814061898823
		],
		[Array.from({ length: 20 }, (_, i) => i + 1), 0.9603751832429884, 0.5513717457916771],
		[Array.from({ length: 30 }, (_, i) => (i + 1) ** 2), 0.9014205350356363, 0.009099787582647786]
	])('%j: W and p match the reference', (data, w, p) => {
		const result = shapiroWilk(data);
		expect(result.w).toBeCloseTo(w, 6);
		expect(result.p).toBeCloseTo(p, 5);
	});

	it('is blind to order and to shifting and scaling the data', () => {
		const base = shapiroWilk(TOOTH_GROWTH).w;
		const moved = shapiroWilk(TOOTH_GROWTH.map((v) => 3 * v - 7).reverse()).w;
		expect(moved).toBeCloseTo(base, 12);
	});

	it('coefficients are antisymmetric with unit sum of squares', () => {
		for (const n of [3, 4, 5, 6, 11, 12, 50, 999]) {
			const a = shapiroWilkCoefficients(n);
			let sq = 0;
			for (let i = 0; i < n; i++) {
				expect(a[i]).toBeCloseTo(-a[n - 1 - i], 14);
				sq += a[i] * a[i];
			}
			expect(sq).toBeCloseTo(1, 10);
		}
	});

	it('normal quantile and CDF invert each other at known points', () => {
		expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
		expect(normalQuantile(0.5)).toBe(0);
		expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
		expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
		expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
	});

	it('refuses fewer than 3 values and gives W = 1 for values without spread', () => {
		expect(() => shapiroWilk([1, 2])).toThrow(/3 to 5000 values, got 2/);
		expect(shapiroWilk([4, 4, 4, 4])).toEqual({ w: 1, p: 1 });
	});
});
