import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { clopperPearson } from '../../src/lib/base/beta';
import { normalCdf, normalQuantile } from '../../src/lib/base/normal';
import { createRng } from '../../src/lib/base/rng';
import type { Classifier } from '../../src/lib/ml/classifier';
import {
	certifiedCurve,
	certifiedRadius,
	certify,
	type Certificate
} from '../../src/lib/ml/adversarial/smoothing';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('cpu');
});

/** A linear two-class model over the 784 pixels: class 1 when w.x + b > 0. */
function linear(w: Float32Array, b: number): Classifier & { free(): void } {
	const wt = tf.tensor2d(w, [784, 1]);
	return {
		logits: (x) =>
			tf.tidy(() => {
				const z = tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 784]), wt), b);
				return tf.concat([tf.zerosLike(z), z], 1) as tf.Tensor2D;
			}),
		variables: [],
		dispose: () => {},
		free: () => wt.dispose()
	};
}

describe('randomized smoothing (Cohen, Rosenfeld, Kolter 2019)', () => {
	it('the radius is sigma x Phi^-1(pA_lower) from the counts, and too few samples abstain', () => {
		const r = certifiedRadius(990, 1000, 0.001, 0.5);
		const pA = clopperPearson(990, 1000, 0.001).lower;
		expect(r.pALower).toBe(pA);
		expect(r.radius).toBeCloseTo(0.5 * normalQuantile(pA), 12);
		expect(r.abstained).toBe(false);
		// five samples, all agreeing: pA_lower = 0.001^(1/5) = 0.25, not above 1/2
		const few = certifiedRadius(5, 5, 0.001, 0.5);
		expect(few.pALower).toBeCloseTo(0.001 ** 0.2, 12);
		expect(few).toMatchObject({ abstained: true, radius: 0 });
		expect(certifiedRadius(400, 1000, 0.001, 1).abstained).toBe(true);
	});

	it('on a linear model certifies just under the true distance to the boundary, and the prediction inside it matches the closed form', async () => {
		const rng = createRng(3);
		const w = Float32Array.from({ length: 784 }, () => rng() - 0.5);
		const norm = Math.hypot(...w);
		const x = Float32Array.from({ length: 784 }, () => rng());
		const sigma = 0.5;
		const distance = 0.8;
		// b puts x at `distance` from the hyperplane, on the class-1 side
		const wx = x.reduce((s, v, i) => s + v * w[i], 0);
		const model = linear(w, distance * norm - wx);
		try {
			const o = { sigma, n0: 100, n: 4000, alpha: 0.001, seed: 5 };
			const c = await expectNoLeaks(() => certify(model, x, o));
			// closed form: g = f for a linear f, pA = Phi(distance / sigma), radius = distance
			expect(normalCdf(distance / sigma)).toBeGreaterThan(c.pALower);
			expect(c.prediction).toBe(1);
			expect(c.radius).toBeLessThan(distance);
			expect(c.radius).toBeGreaterThan(distance - 0.15);
			// the worst direction, 90 % of the way to the certified radius: still class 1
			const inside = x.map((v, i) => v - (0.9 * c.radius * w[i]) / norm);
			const at = await certify(model, inside, { ...o, seed: 6 });
			expect(at.prediction).toBe(1);
			// beyond the boundary the closed form flips, and so does g
			const past = x.map((v, i) => v - (1.5 * distance * w[i]) / norm);
			expect((await certify(model, past, { ...o, seed: 7 })).prediction).toBe(0);
		} finally {
			model.free();
		}
	});

	it('certified accuracy against radius counts only correct, certified digits', async () => {
		const cert = (prediction: number | null, radius: number): Certificate => ({
			prediction,
			guess: prediction ?? 0,
			countTop: 0,
			n: 1000,
			pALower: 0.9,
			radius,
			abstained: prediction === null
		});
		const certs = [cert(3, 0.7), cert(3, 0.2), cert(5, 1.2), cert(null, 0)];
		expect(certifiedCurve(certs, [3, 3, 4, 1], [0, 0.5, 1])).toEqual([
			{ radius: 0, certifiedAccuracy: 0.5 },
			{ radius: 0.5, certifiedAccuracy: 0.25 },
			{ radius: 1, certifiedAccuracy: 0 }
		]);
		await expect(
			certify({} as Classifier, new Float32Array(784), { sigma: 0, n0: 1, n: 1, alpha: 0.1 })
		).rejects.toThrow('smoothing: sigma must be a number > 0, got 0');
	});
});
