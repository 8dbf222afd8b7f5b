import { describe, expect, it } from 'vitest';
import { epsilonFor, sigmaFor, stepsFor } from '../../src/lib/ml/privacy/rdp';

describe('the noise multiplier for a target epsilon (the accountant solved for sigma)', () => {
	const cases = [
		{ q: 256 / 60000, steps: 14063, delta: 1e-5, target: 1 },
		{ q: 0.01, steps: 1000, delta: 1e-5, target: 3 },
		{ q: 0.05, steps: 200, delta: 1e-3, target: 0.5 },
		{ q: 1, steps: 1, delta: 1e-5, target: 8 }
	];

	it.each(cases)(
		'q $q, $steps steps, delta $delta, target $target',
		({ q, steps, delta, target }) => {
			const r = sigmaFor({ targetEpsilon: target, q, steps, delta });
			// it meets the target, and any less noise misses it: the accountant inverted to 1e-6
			expect(r.epsilon).toBeLessThanOrEqual(target);
			expect(epsilonFor({ q, sigma: r.sigma, steps, delta }).epsilon).toBe(r.epsilon);
			expect(epsilonFor({ q, sigma: r.sigma * (1 - 1e-6), steps, delta }).epsilon).toBeGreaterThan(
				target
			);
			expect(Math.abs(r.epsilon - target)).toBeLessThan(1e-6 * target + 1e-6);
		}
	);

	it('agrees with the published MNIST setting: sigma 1.1 for 60 epochs gives epsilon ~3 (Abadi et al. 2016 via TF Privacy)', () => {
		const { q, steps } = stepsFor(60000, 256, 60);
		const eps = epsilonFor({ q, sigma: 1.1, steps, delta: 1e-5 }).epsilon;
		const r = sigmaFor({ targetEpsilon: eps, q, steps, delta: 1e-5 });
		expect(r.sigma).toBeCloseTo(1.1, 5);
	});

	it('needs no noise when nothing is sampled, and names what is out of range', () => {
		expect(sigmaFor({ targetEpsilon: 1, q: 0, steps: 100, delta: 1e-5 }).sigma).toBe(0);
		expect(sigmaFor({ targetEpsilon: 1, q: 0.1, steps: 0, delta: 1e-5 }).sigma).toBe(0);
		expect(() => sigmaFor({ targetEpsilon: 0, q: 0.1, steps: 10, delta: 1e-5 })).toThrow(
			'target epsilon must be a number > 0, got 0'
		);
		expect(() => sigmaFor({ targetEpsilon: 1, q: 0.1, steps: 10, delta: 2 })).toThrow(/delta/);
		expect(() => sigmaFor({ targetEpsilon: 1e-9, q: 1, steps: 1e6, delta: 1e-5 })).toThrow(
			/^no noise multiplier up to 10000 brings epsilon down to 1e-9/
		);
	});
});
