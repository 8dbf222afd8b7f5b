import { describe, expect, it } from 'vitest';
import { certifiedRadius } from '../../src/lib/ml/adversarial/smoothing';
import { lab as labCli } from '../helpers/lab-cli';

const lab = (...args: string[]) => labCli('certify', ...args);

interface Digit {
	label: number;
	prediction: number | null;
	countTop: number;
	n: number;
	radius: number;
	abstained: boolean;
}

describe('npm run lab -- certify (randomized smoothing, Cohen et al. 2019)', () => {
	it('--json: each digit’s radius is sigma x Phi^-1(pA_lower) of its counts; certified accuracy falls with the radius', async () => {
		const run = await lab(
			'--sigma',
			'0.5',
			'--samples',
			'30',
			'--n0',
			'50',
			'--n',
			'500',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r).toMatchObject({ sigma: 0.5, model: 'mnist-cnn-noise-050', samples: 30, n: 500 });
		expect(r.digits).toHaveLength(30);
		for (const d of r.digits as Digit[]) {
			expect(d.n).toBe(500);
			expect(d.countTop).toBeLessThanOrEqual(500);
			const want = certifiedRadius(d.countTop, 500, r.alpha, 0.5);
			expect(d.abstained).toBe(want.abstained);
			expect(d.radius).toBeCloseTo(want.radius, 12);
			if (d.abstained) expect(d.prediction).toBeNull();
		}
		const points = r.points as { radius: number; certifiedAccuracy: number }[];
		expect(points[0].radius).toBe(0);
		for (let i = 1; i < points.length; i++)
			expect(points[i].certifiedAccuracy).toBeLessThanOrEqual(points[i - 1].certifiedAccuracy);
		// most digits are certified correct at radius 0 with the noise-trained CNN
		expect(points[0].certifiedAccuracy).toBeGreaterThan(0.8);
		// nothing is certified beyond what n = 500 samples allow: pA_lower <= alpha^(1/n)
		const most = 0.5 * certifiedRadius(500, 500, r.alpha, 1).radius;
		expect(Math.max(...(r.digits as Digit[]).map((d) => d.radius))).toBeLessThanOrEqual(
			most + 1e-12
		);
	});

	it('with too few samples to certify, it abstains on every digit', async () => {
		const run = await lab('--sigma', '1', '--samples', '5', '--n0', '5', '--n', '5', '--json');
		const r = JSON.parse(run.stdout);
		expect(r.abstainRate).toBe(1);
		expect(r.points.every((p: { certifiedAccuracy: number }) => p.certifiedAccuracy === 0)).toBe(
			true
		);
	});

	it('a bad argument is one line, exit 2', async () => {
		const none = await lab('--samples', '3');
		expect(none.code).toBe(2);
		expect(none.stderr.trim()).toBe('lab certify: --sigma is required (one of 0.25, 0.5, 1)');
		const bad = await lab('--sigma', '0.3');
		expect(bad.code).toBe(2);
		expect(bad.stderr.trim()).toMatch(/^lab certify: --sigma must be one of 0\.25, 0\.5, 1/);
		const alpha = await lab('--sigma', '1', '--alpha', '0');
		expect(alpha.code).toBe(2);
		expect(alpha.stderr.trim()).toBe('lab certify: --alpha must be in (0, 1), got 0');
	});
});
