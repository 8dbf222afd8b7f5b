import { describe, expect, it } from 'vitest';
import { createRng, normal } from '../../src/lib/base/rng';
import { pca2 } from '../../src/lib/ml/poisoning/pca';

describe('pca2', () => {
	it('finds the direction of largest spread, and lift undoes project on the plane', () => {
		const rng = createRng(7);
		const n = 500;
		const rows = new Float32Array(n * 3);
		for (let i = 0; i < n; i++) {
			const t = normal(rng, 0, 5);
			const u = normal(rng, 0, 1);
			// Spread 5 along (1, 1, 0)/sqrt 2, 1 along z, 0.1 along (1, -1, 0)/sqrt 2.
			const e = normal(rng, 0, 0.1);
			rows.set([(t + e) / Math.SQRT2 + 3, (t - e) / Math.SQRT2, u - 2], i * 3);
		}
		const p = pca2(rows, 3);
		expect(Math.abs(p.components[0])).toBeCloseTo(Math.SQRT1_2, 2);
		expect(Math.abs(p.components[1])).toBeCloseTo(Math.SQRT1_2, 2);
		expect(Math.abs(p.components[5])).toBeCloseTo(1, 2);
		expect(p.explained[0]).toBeGreaterThan(0.9);
		const pts = Float32Array.from([1.5, -0.5]);
		const back = p.project(p.lift(pts));
		expect(back[0]).toBeCloseTo(1.5, 4);
		expect(back[1]).toBeCloseTo(-0.5, 4);
	});
});
