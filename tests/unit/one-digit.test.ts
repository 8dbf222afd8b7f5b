import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitPixels, loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { fgsm } from '../../src/lib/ml/adversarial/fgsm';
import { classifierFromModel, type Classifier } from '../../src/lib/ml/classifier';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import { argmax } from '../../src/lib/base/argmax';
import {
	attackDirection,
	classifyOne,
	digitTensorOf,
	perturbationNorms,
	pgdFlippingEps,
	pgdOne,
	smallestFlippingEps,
	stepAndClassify
} from '../../src/lib/ml/adversarial/one-digit';
import { readModelArtifacts } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

// The adversarial lab's slider path, one digit at a time, on the shipped CNN.
describe('one-digit attack path', () => {
	let test: DigitSet;
	let cnn: Classifier;
	beforeAll(async () => {
		await useBackend('wasm');
		test = await loadMnist('test', readStaticAsset);
		cnn = classifierFromModel(await modelFromArtifacts(readModelArtifacts('mnist-cnn')));
	});

	it('a step along the cached direction is exactly FGSM at that eps', async () => {
		const pixels = digitPixels(test, 0);
		const label = test.labels[0];
		const direction = attackDirection(cnn, pixels, { label });
		const { adversarial } = await expectNoLeaks(() => stepAndClassify(cnn, pixels, direction, 0.2));
		const reference = tf.tidy(() =>
			fgsm(cnn, digitTensorOf(pixels), tf.tensor1d([label], 'int32'), 0.2)
		);
		expect(Array.from(adversarial)).toEqual(Array.from(await reference.data()));
		expect(perturbationNorms(pixels, adversarial).linf).toBeCloseTo(0.2, 5);
		tf.dispose([direction, reference]);
	});

	it('finds the smallest flipping eps on the grid, and the digit really flips there', async () => {
		const pixels = digitPixels(test, 0);
		const label = test.labels[0];
		const direction = attackDirection(cnn, pixels, { label });
		const grid = Array.from({ length: 101 }, (_, k) => k * 0.005);
		const flip = await expectNoLeaks(() =>
			smallestFlippingEps(cnn, pixels, direction, grid, { label })
		);
		expect(flip).not.toBeNull();
		const at = await stepAndClassify(cnn, pixels, direction, flip!);
		const below = await stepAndClassify(cnn, pixels, direction, flip! - 0.005);
		expect(argmax(at.probs)).not.toBe(label);
		expect(argmax(below.probs)).toBe(label);
		direction.dispose();
	});

	it('PGD on one digit stays inside the eps-ball and leaves nothing allocated', async () => {
		const pixels = digitPixels(test, 0);
		const label = test.labels[0];
		const opts = { steps: 5, randomStart: true, seed: 3 };
		const { adversarial, probs } = await expectNoLeaks(() => pgdOne(cnn, pixels, label, 0.2, opts));
		expect(perturbationNorms(pixels, adversarial).linf).toBeLessThanOrEqual(0.2 + 1e-6);
		expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
		// the same seed gives the same digit
		const again = await pgdOne(cnn, pixels, label, 0.2, opts);
		expect(Array.from(again.adversarial)).toEqual(Array.from(adversarial));
	});

	it('PGD flip search: the digit flips at the eps it reports and at no grid point before', async () => {
		const pixels = digitPixels(test, 0);
		const label = test.labels[0];
		const grid = [0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3];
		const opts = { steps: 10, randomStart: false, seed: 1 };
		const flip = await expectNoLeaks(() => pgdFlippingEps(cnn, pixels, label, grid, opts));
		expect(flip).not.toBeNull();
		for (const eps of grid.filter((e) => e <= flip!)) {
			const { probs } = await pgdOne(cnn, pixels, label, eps, opts);
			expect(argmax(probs) !== label, `eps ${eps}`).toBe(eps === flip);
		}
	});

	it('PGD flip search stops on its signal, leaving nothing allocated', async () => {
		const pixels = digitPixels(test, 1);
		const controller = new AbortController();
		controller.abort();
		await expectNoLeaks(async () => {
			await expect(
				pgdFlippingEps(cnn, pixels, test.labels[1], [0.1, 0.2], {
					steps: 10,
					randomStart: false,
					seed: 1,
					signal: controller.signal
				})
			).rejects.toThrow(/cancelled/);
		});
	});

	it('targeted: stepping towards a target raises its probability', async () => {
		const pixels = digitPixels(test, 3);
		const target = (test.labels[3] + 1) % 10;
		const before = await expectNoLeaks(() => classifyOne(cnn, pixels));
		const direction = expectNoLeaksSync(() => attackDirection(cnn, pixels, { target }));
		const { probs } = await stepAndClassify(cnn, pixels, direction, 0.1);
		expect(probs[target]).toBeGreaterThan(before[target]);
		direction.dispose();
	});
});

/** attackDirection returns one tensor the caller owns: exactly one more than before. */
function expectNoLeaksSync(fn: () => tf.Tensor4D): tf.Tensor4D {
	const before = tf.memory().numTensors;
	const out = fn();
	expect(tf.memory().numTensors - before).toBe(1);
	return out;
}
