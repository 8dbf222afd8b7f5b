import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/base/rng';
import { clopperPearson } from '../../src/lib/base/beta';
import { empiricalEpsilon } from '../../src/lib/ml/privacy/membership';

describe('the epsilon a membership attack proves (Jagielski et al. 2020)', () => {
	it('is the Clopper-Pearson form of ln((TPR - delta) / FPR) at the best threshold', () => {
		// 900 of 1000 members below the threshold, 100 of 1000 non-members
		const members = [...Array(900).fill(0.1), ...Array(100).fill(2)];
		const nonMembers = [...Array(100).fill(0.1), ...Array(900).fill(2)];
		const r = empiricalEpsilon(members, nonMembers, 1e-5, 0.05);
		const t = clopperPearson(900, 1000, 0.025).lower;
		const f = clopperPearson(100, 1000, 0.025).upper;
		expect(r.epsilon).toBeCloseTo(Math.log((t - 1e-5) / f), 12);
		expect(r.threshold).toBe(0.1);
		expect(r.epsilon).toBeLessThan(Math.log(9)); // the bounds cost something against 0.9 / 0.1
		expect(r.epsilon).toBeGreaterThan(1.9);
	});

	it('proves nothing when members and non-members look alike', () => {
		const rng = createRng(7);
		const draw = () => Array.from({ length: 1000 }, () => rng());
		expect(empiricalEpsilon(draw(), draw(), 1e-5).epsilon).toBeLessThan(0.2);
		expect(() => empiricalEpsilon([], [1], 1e-5)).toThrow('needs members and non-members');
	});
});
