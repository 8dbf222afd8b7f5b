import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitPixels, loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { fgsm } from '../../src/lib/ml/attacks/fgsm';
import { classifierFromModel, type Classifier } from '../../src/lib/ml/classifier';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import {
	argmax,
	attackDirection,
	classifyOne,
	digitTensorOf,
	perturbationNorms,
	smallestFlippingEps,
	stepAndClassify
} from '../../src/lib/ml/one-digit';
import { readModelArtifacts } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';
import { expectNoLeaks } from './helpers/leaks';
import { useBackend } from './helpers/setup';

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
