import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fgsm, lossGradientSign } from '../../src/lib/ml/adversarial/fgsm';
import type { Classifier } from '../../src/lib/ml/classifier';
import { useBackend } from '../helpers/setup';
import { expectNoLeaks } from '../helpers/leaks';

/** A linear classifier on 4 "pixels" (shaped 1x2x2x1) with 2 classes, weights chosen by hand. */
function linearClassifier(): Classifier & { W: tf.Variable; b: tf.Variable } {
	const W = tf.variable(
		tf.tensor2d(
			[
				[1, -2],
				[-3, 0.5],
				[0, 4],
				[2, 2]
			],
			[4, 2]
		)
	);
	const b = tf.variable(tf.tensor1d([0.1, -0.2]));
	return {
		W,
		b,
		logits: (x) => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 4]), W), b) as tf.Tensor2D,
		variables: [W, b],
		dispose: () => {
			W.dispose();
			b.dispose();
		}
	};
}

describe('FGSM (Goodfellow et al. 2015)', () => {
	beforeAll(() => useBackend('wasm'));

	it('on a linear model equals the hand-computed sign of the gradient', async () => {
		const model = linearClassifier();
		const x = tf.tensor4d([0.2, 0.5, 0.9, 0.4], [1, 2, 2, 1]);
		const y = tf.tensor1d([0], 'int32');
		// Hand computation: logits z = xW + b = [0.2-1.5+0+0.8+0.1, -0.4+0.25+3.6+0.8-0.2] = [-0.4, 4.05].
		// d(-log softmax_0)/dz = softmax(z) - onehot(0) = [p0 - 1, p1], p1 = 1 - p0.
		// grad_x = W (p - onehot)^T, and since p1 = 1 - p0 > 0: grad_x = (1 - p0) * (W[:,1] - W[:,0]).
		// W[:,1] - W[:,0] = [-3, 3.5, 4, 0] -> sign [-1, 1, 1, 0].
		const expected = [-1, 1, 1, 0];
		const sign = await expectNoLeaks(async () => {
			const s = tf.tidy(() => lossGradientSign(model, x, y));
			const v = Array.from(await s.data());
			s.dispose();
			return v;
		});
		expect(sign).toEqual(expected);
		const eps = 0.15;
		const adv = await expectNoLeaks(async () => {
			const t = fgsm(model, x, y, eps);
			const v = Array.from(await t.data());
			t.dispose();
			return v;
		});
		const x0 = [0.2, 0.5, 0.9, 0.4];
		adv.forEach((v, i) =>
			expect(v).toBeCloseTo(Math.min(1, Math.max(0, x0[i] + eps * expected[i])), 6)
		);
		x.dispose();
		y.dispose();
		model.dispose();
	});

	it('keeps pixels in [0, 1] and moves each by at most eps', async () => {
		const model = linearClassifier();
		const x = tf.tensor4d([0, 1, 0.95, 0.02, 0.5, 0.5, 0.99, 0.01], [2, 2, 2, 1]);
		const y = tf.tensor1d([1, 0], 'int32');
		const eps = 0.3;
		const adv = fgsm(model, x, y, eps);
		const before = await x.data();
		const after = await adv.data();
		for (let i = 0; i < after.length; i++) {
			expect(after[i]).toBeGreaterThanOrEqual(0);
			expect(after[i]).toBeLessThanOrEqual(1);
			expect(Math.abs(after[i] - before[i])).toBeLessThanOrEqual(eps + 1e-6);
		}
		tf.dispose([x, y, adv]);
		model.dispose();
	});

	it('raises the loss of the true class', async () => {
		const model = linearClassifier();
		const x = tf.tensor4d([0.2, 0.5, 0.9, 0.4], [1, 2, 2, 1]);
		const y = tf.tensor1d([1], 'int32');
		const loss = (input: tf.Tensor4D) =>
			tf.tidy(() => -tf.logSoftmax(model.logits(input)).arraySync()[0][1]);
		const adv = fgsm(model, x, y, 0.1);
		expect(loss(adv)).toBeGreaterThan(loss(x));
		tf.dispose([x, y, adv]);
		model.dispose();
	});

	it('refuses a negative or missing eps', () => {
		const model = linearClassifier();
		const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
		const y = tf.tensor1d([0], 'int32');
		expect(() => fgsm(model, x, y, -0.1)).toThrow('fgsm: eps must be a number >= 0, got -0.1');
		expect(() => fgsm(model, x, y, Number.NaN)).toThrow(/got NaN/);
		tf.dispose([x, y]);
		model.dispose();
	});
});
