/**
 * The adversarial lab's interactive path, one digit at a time. The attack direction (the sign of
 * the loss gradient) is computed once per digit, model and target; moving eps then costs one
 * forward pass. The same functions serve the page and the bench, so the bench times what the
 * learner feels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_SIDE } from '../data/mnist';
import type { Classifier } from './classifier';
import { lossGradientSign, stepAlong } from './attacks/fgsm';

const SHAPE: [number, number, number, number] = [1, MNIST_SIDE, MNIST_SIDE, 1];

export function digitTensorOf(pixels: Float32Array): tf.Tensor4D {
	return tf.tensor4d(pixels, SHAPE);
}

/** Class probabilities of one digit. */
export async function classifyOne(
	classifier: Classifier,
	pixels: Float32Array
): Promise<Float32Array> {
	const probs = tf.tidy(() => tf.softmax(classifier.logits(digitTensorOf(pixels))));
	const values = (await probs.data()) as Float32Array;
	probs.dispose();
	return values;
}

/**
 * The FGSM direction for one digit: sign(grad_x J(x, label)) to push away from `label`, or its
 * negative towards `target` (targeted FGSM descends the target's loss). Caller disposes.
 */
export function attackDirection(
	classifier: Classifier,
	pixels: Float32Array,
	away: { label: number } | { target: number }
): tf.Tensor4D {
	return tf.tidy(() => {
		const x = digitTensorOf(pixels);
		if ('label' in away) return lossGradientSign(classifier, x, tf.tensor1d([away.label], 'int32'));
		return tf.neg(lossGradientSign(classifier, x, tf.tensor1d([away.target], 'int32')));
	});
}

export interface StepResult {
	adversarial: Float32Array;
	probs: Float32Array;
}

/** x' = clip(x + eps * direction) and its class probabilities, in one tidy and one readback. */
export async function stepAndClassify(
	classifier: Classifier,
	pixels: Float32Array,
	direction: tf.Tensor4D,
	eps: number
): Promise<StepResult> {
	const [adv, probs] = tf.tidy(() => {
		const x = stepAlong(digitTensorOf(pixels), direction, eps);
		return [x, tf.softmax(classifier.logits(x))];
	});
	const [adversarial, p] = await Promise.all([adv.data(), probs.data()]);
	tf.dispose([adv, probs]);
	return { adversarial: adversarial as Float32Array, probs: p as Float32Array };
}

/**
 * The smallest eps on a grid at which the digit's prediction changes (untargeted: it is no longer
 * `label`; targeted: it becomes `target`). All grid points go through the model in one batch.
 * null when no eps on the grid does it.
 */
export async function smallestFlippingEps(
	classifier: Classifier,
	pixels: Float32Array,
	direction: tf.Tensor4D,
	grid: number[],
	goal: { label: number } | { target: number }
): Promise<number | null> {
	const predicted = tf.tidy(() => {
		const x = digitTensorOf(pixels);
		const batch = tf.concat(grid.map((eps) => stepAlong(x, direction, eps)));
		return tf.argMax(classifier.logits(batch as tf.Tensor4D), 1);
	});
	const classes = await predicted.data();
	predicted.dispose();
	const k = Array.from(classes).findIndex((c) =>
		'label' in goal ? c !== goal.label : c === goal.target
	);
	return k < 0 ? null : grid[k];
}

/** L-infinity and L2 size of a perturbation. */
export function perturbationNorms(original: Float32Array, adversarial: Float32Array) {
	let linf = 0;
	let sq = 0;
	for (let i = 0; i < original.length; i++) {
		const d = Math.abs(adversarial[i] - original[i]);
		if (d > linf) linf = d;
		sq += d * d;
	}
	return { linf, l2: Math.sqrt(sq) };
}

export function argmax(values: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
	return best;
}
