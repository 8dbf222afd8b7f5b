import { describe, expect, it } from 'vitest';
import {
	computeRdp,
	epsilonFor,
	OPACUS_DEFAULT_ORDERS,
	rdpSampledGaussian,
	rdpToEpsilon,
	stepsFor,
	TF_PRIVACY_CLI_ORDERS
} from '../../src/lib/ml/privacy/rdp';

const INTEGER_ORDERS_2_TO_32 = Array.from({ length: 31 }, (_, i) => i + 2);

/** |actual - expected| <= tol * |expected| */
function expectRelative(actual: number, expected: number, tol = 1e-6) {
	expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
		tol * Math.abs(expected)
	);
}

describe('order lists', () => {
	it('Opacus defaults are 1.1..10.9 by tenths, then 12..63', () => {
		expect(OPACUS_DEFAULT_ORDERS).toHaveLength(99 + 52);
		expect(OPACUS_DEFAULT_ORDERS.slice(0, 3)).toEqual([1.1, 1.2, 1.3]);
		expect(OPACUS_DEFAULT_ORDERS[98]).toBeCloseTo(10.9, 12);
		expect(OPACUS_DEFAULT_ORDERS.slice(99, 101)).toEqual([12, 13]);
		expect(OPACUS_DEFAULT_ORDERS.at(-1)).toBe(63);
	});

	it('the TF Privacy CLI list has its quarter steps, 5..63 and 128, 256, 512', () => {
		expect(TF_PRIVACY_CLI_ORDERS).toHaveLength(10 + 59 + 3);
		expect(TF_PRIVACY_CLI_ORDERS.slice(0, 11)).toEqual([
			1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, 5
		]);
		expect(TF_PRIVACY_CLI_ORDERS.slice(-4)).toEqual([63, 128, 256, 512]);
	});
});

describe('published accountant vectors (TF Privacy and Opacus test files)', () => {
	it('q 150/60000, sigma 1.3, 6000 steps, delta 1e-5, TF Privacy orders, current: eps 0.7242234026109595 at order 19', () => {
		const { epsilon, order } = epsilonFor({
			q: 150 / 60000,
			sigma: 1.3,
			steps: 6000,
			delta: 1e-5,
			orders: TF_PRIVACY_CLI_ORDERS,
			conversion: 'current'
		});
		expectRelative(epsilon, 0.7242234026109595);
		expect(order).toBe(19);
	});

	it('q 0.01, sigma 4, 10000 steps, delta 1e-5, orders 2..32, older: eps 1.258575 at order 20', () => {
		const { epsilon, order } = epsilonFor({
			q: 0.01,
			sigma: 4,
			steps: 10000,
			delta: 1e-5,
			orders: INTEGER_ORDERS_2_TO_32,
			conversion: 'older'
		});
		expectRelative(epsilon, 1.258575);
		expect(order).toBe(20);
	});

	it('batch 256 of 60000, sigma 1.1, 60 epochs, Opacus orders: eps 3.008 older, 2.597 current', () => {
		const { q, steps } = stepsFor(60000, 256, 60);
		expect(steps).toBe(Math.ceil((60 * 60000) / 256));
		const older = epsilonFor({ q, sigma: 1.1, steps, delta: 1e-5, conversion: 'older' });
		expect(older.epsilon).toBeCloseTo(3.008, 3);
		const current = epsilonFor({ q, sigma: 1.1, steps, delta: 1e-5 });
		expect(current.epsilon).toBeCloseTo(2.597, 3);
		// the current conversion is never looser than the older one
		expect(current.epsilon).toBeLessThan(older.epsilon);
	});
});

describe('published DP-SGD tables (older conversion, delta 1e-5, MNIST N = 60000)', () => {
	it.each([
		[1.3, 15, 1.19],
		[1.1, 60, 3.01],
		[0.7, 45, 7.1]
	])(
		'TF Privacy tutorial, batch 256: sigma %f for %i epochs gives eps %f',
		(sigma, epochs, printed) => {
			const { q, steps } = stepsFor(60000, 256, epochs);
			const { epsilon } = epsilonFor({ q, sigma, steps, delta: 1e-5, conversion: 'older' });
			expect(Math.abs(epsilon - printed)).toBeLessThanOrEqual(0.005);
		}
	);

	it.each([
		[0.7, 45, 6.86],
		[1.1, 60, 2.91],
		[1.3, 15, 1.16]
	])(
		'Opacus MNIST README, batch 240: sigma %f for %i epochs gives eps %f',
		(sigma, epochs, printed) => {
			const { q, steps } = stepsFor(60000, 240, epochs);
			expect(q).toBeCloseTo(0.004, 15);
			const { epsilon } = epsilonFor({ q, sigma, steps, delta: 1e-5, conversion: 'older' });
			expect(Math.abs(epsilon - printed)).toBeLessThanOrEqual(0.005);
		}
	);

	it("Abadi et al. 2016's moments-accountant example: q 0.01, sigma 4, 10000 steps gives eps 1.26", () => {
		const { epsilon } = epsilonFor({
			q: 0.01,
			sigma: 4,
			steps: 10000,
			delta: 1e-5,
			orders: INTEGER_ORDERS_2_TO_32,
			conversion: 'older'
		});
		expect(epsilon.toFixed(2)).toBe('1.26');
	});
});

describe('properties of the accountant', () => {
	it('q = 1 is the plain Gaussian mechanism: order / (2 sigma^2) at any order', () => {
		for (const sigma of [0.5, 1, 3.7])
			for (const order of [1.5, 2, 7.3, 32])
				expectRelative(rdpSampledGaussian(1, sigma, order), order / (2 * sigma * sigma), 1e-15);
	});

	it('edge cases: q = 0 spends nothing, sigma = 0 spends everything, zero steps spend nothing', () => {
		expect(rdpSampledGaussian(0, 1, 2)).toBe(0);
		expect(rdpSampledGaussian(0, 0, 2)).toBe(0);
		expect(rdpSampledGaussian(0.1, 0, 2.5)).toBe(Infinity);
		expect(computeRdp(0.1, 0, 0, [2, 3])).toEqual([0, 0]);
		expect(rdpToEpsilon([2, 3], [Infinity, Infinity], 1e-5, 'current').epsilon).toBe(Infinity);
		expect(epsilonFor({ q: 0.01, sigma: 1, steps: 0, delta: 1e-5 }).epsilon).toBe(0);
	});

	it('composes linearly in the number of steps', () => {
		const one = computeRdp(0.02, 1.2, 1, [2, 4.5]);
		const many = computeRdp(0.02, 1.2, 250, [2, 4.5]);
		one.forEach((r, i) => expectRelative(many[i], 250 * r, 1e-12));
	});

	it.each(['current', 'older'] as const)(
		'more noise never costs more privacy (%s conversion)',
		(conversion) => {
			let previous = Infinity;
			for (const sigma of [0.6, 0.8, 1, 1.3, 2, 4, 8]) {
				const { epsilon } = epsilonFor({ q: 0.01, sigma, steps: 5000, delta: 1e-5, conversion });
				expect(epsilon, `sigma ${sigma}`).toBeGreaterThan(0);
				expect(epsilon, `sigma ${sigma}`).toBeLessThan(previous);
				previous = epsilon;
			}
		}
	);

	it('fractional orders fall between their integer neighbours (RDP grows with the order)', () => {
		for (const [q, sigma] of [
			[0.01, 1.1],
			[0.004, 0.7],
			[0.1, 2],
			[0.5, 1]
		]) {
			for (let a = 2; a < 12; a++) {
				const lo = rdpSampledGaussian(q, sigma, a);
				const hi = rdpSampledGaussian(q, sigma, a + 1);
				let last = lo;
				for (const frac of [0.1, 0.25, 0.5, 0.75, 0.9]) {
					const mid = rdpSampledGaussian(q, sigma, a + frac);
					expect(mid, `q ${q} sigma ${sigma} order ${a + frac}`).toBeGreaterThanOrEqual(last);
					expect(mid).toBeLessThanOrEqual(hi);
					last = mid;
				}
			}
		}
	});

	it('the fractional series meets the integer sum as the order approaches an integer', () => {
		for (const a of [2, 5, 20]) {
			const exact = rdpSampledGaussian(0.01, 1.3, a);
			expectRelative(rdpSampledGaussian(0.01, 1.3, a + 1e-7), exact, 1e-5);
			expectRelative(rdpSampledGaussian(0.01, 1.3, a - 1e-7), exact, 1e-5);
		}
	});

	it('the current conversion is tighter than the older one on the same RDP', () => {
		const rdp = computeRdp(0.01, 1, 3000, OPACUS_DEFAULT_ORDERS);
		const current = rdpToEpsilon(OPACUS_DEFAULT_ORDERS, rdp, 1e-5, 'current');
		const older = rdpToEpsilon(OPACUS_DEFAULT_ORDERS, rdp, 1e-5, 'older');
		expect(current.epsilon).toBeLessThan(older.epsilon);
		expect(OPACUS_DEFAULT_ORDERS).toContain(current.order);
	});
});

describe('bad inputs name the parameter', () => {
	it.each([
		[
			'q below 0',
			() => rdpSampledGaussian(-0.1, 1, 2),
			/^q \(sampling rate\) must be .*\[0, 1\], got -0.1$/
		],
		['q above 1', () => rdpSampledGaussian(1.5, 1, 2), /^q \(sampling rate\)/],
		[
			'negative sigma',
			() => rdpSampledGaussian(0.1, -1, 2),
			/^sigma \(noise multiplier\) must be .*>= 0, got -1$/
		],
		['sigma NaN', () => rdpSampledGaussian(0.1, NaN, 2), /^sigma/],
		['order 1', () => rdpSampledGaussian(0.1, 1, 1), /^order must be a finite number > 1, got 1$/],
		['order 0.5', () => rdpSampledGaussian(0.1, 1, 0.5), /^order/],
		[
			'fractional steps',
			() => computeRdp(0.1, 1, 2.5, [2]),
			/^steps must be a whole number >= 0, got 2.5$/
		],
		['negative steps', () => computeRdp(0.1, 1, -1, [2]), /^steps/],
		[
			'an order of 1 in the list',
			() => computeRdp(0.1, 1, 10, [2, 1]),
			/^orders\[1\] must be a finite number > 1, got 1$/
		],
		['no orders', () => computeRdp(0.1, 1, 10, []), /^orders must be a non-empty list/],
		[
			'delta 0',
			() => rdpToEpsilon([2], [1], 0, 'current'),
			/^delta must be a number in \(0, 1\), got 0$/
		],
		['delta 1', () => rdpToEpsilon([2], [1], 1, 'older'), /^delta/],
		[
			'rdp and orders of different lengths',
			() => rdpToEpsilon([2, 3], [1], 1e-5, 'older'),
			/^rdp must have one value per order/
		],
		['negative rdp', () => rdpToEpsilon([2], [-1], 1e-5, 'older'), /^rdp\[0\] must be >= 0/],
		[
			'epsilonFor with delta 2',
			() => epsilonFor({ q: 0.1, sigma: 1, steps: 10, delta: 2 }),
			/^delta/
		],
		['n 0', () => stepsFor(0, 1, 1), /^n \(training set size\)/],
		[
			'batch larger than n',
			() => stepsFor(100, 200, 1),
			/^batch must be a whole number from 1 to n \(100\), got 200$/
		],
		['negative epochs', () => stepsFor(100, 10, -1), /^epochs must be a number >= 0, got -1$/]
	])('%s', (_label, call, message) => {
		expect(call).toThrow(RangeError);
		expect(call).toThrow(message);
	});
});

describe('noise too small to measure', () => {
	it('never throws: sigma down to 5e-324 gives an infinite or astronomic epsilon, falling as sigma grows', () => {
		const sigmas = [5e-324, 1e-300, 1e-200, 1e-154, 1e-150, 1e-10, 0.01, 0.3, 1];
		const eps = sigmas.map(
			(sigma) => epsilonFor({ q: 0.1, sigma, steps: 300, delta: 1e-5 }).epsilon
		);
		for (let i = 1; i < eps.length; i++) expect(eps[i]).toBeLessThanOrEqual(eps[i - 1]);
		expect(eps.slice(0, 4)).toEqual([Infinity, Infinity, Infinity, Infinity]);
		expect(eps[4]).toBeGreaterThan(1e300);
		// where the series does not converge, the plain Gaussian's order / (2 sigma^2) bounds it
		expect(rdpSampledGaussian(0.5, 1e-150, 1.5)).toBeLessThanOrEqual(1.5 / (2 * 1e-300));
	});
});
