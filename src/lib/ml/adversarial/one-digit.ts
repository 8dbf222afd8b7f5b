/**
 * The adversarial lab's interactive path, one digit at a time. The attack direction (the sign of
 * the loss gradient) is computed once per digit, model and target; moving eps then costs one
 * forward pass. The same functions serve the page and the bench, so the bench times what the
 * learner feels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_SIDE } from '../../data/mnist';
import type { Classifier } from '../classifier';
import { createRng } from '../../base/rng';
import { argmax } from '../../base/argmax';
import { lossGradientSign, stepAlong } from './fgsm';
import { pgd } from './pgd';
import { readAndDispose } from '../tensors';

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
	return (await readAndDispose(probs)) as Float32Array;
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
	const [adversarial, p] = await Promise.all([readAndDispose(adv), readAndDispose(probs)]);
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
	const classes = await readAndDispose(predicted);
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

export interface OneDigitPgd {
	steps: number;
	/** default 2.5 eps / steps (Madry et al. 2018) */
	stepSize?: number;
	randomStart: boolean;
	/** seeds the random start; every eps starts from the same seed */
	seed: number;
	signal?: AbortSignal;
}

/**
 * BIM/PGD (pgd.ts) on one digit, pushing away from `label`, and the class probabilities of the
 * result: the adversarial lab's step under BIM/PGD. Nothing stays allocated.
 */
export async function pgdOne(
	classifier: Classifier,
	pixels: Float32Array,
	label: number,
	eps: number,
	opts: OneDigitPgd
): Promise<StepResult> {
	const x = digitTensorOf(pixels);
	const y = tf.tensor1d([label], 'int32');
	let adv: tf.Tensor4D | null = null;
	let probs: tf.Tensor | null = null;
	try {
		adv = await pgd(classifier, x, y, {
			eps,
			steps: opts.steps,
			stepSize: opts.stepSize,
			randomStart: opts.randomStart,
			rng: createRng(opts.seed),
			signal: opts.signal
		});
		const a = adv;
		probs = tf.tidy(() => tf.softmax(classifier.logits(a)));
		const [adversarial, values] = await Promise.all([adv.data(), probs.data()]);
		return { adversarial: adversarial as Float32Array, probs: values as Float32Array };
	} finally {
		tf.dispose([x, y]);
		adv?.dispose();
		probs?.dispose();
	}
}

/**
 * The smallest eps on `grid` at which BIM/PGD flips the digit away from `label`, or null. PGD's
 * result depends on eps, so every grid point is a full attack; the search stops at the first flip
 * and on the signal.
 */
export async function pgdFlippingEps(
	classifier: Classifier,
	pixels: Float32Array,
	label: number,
	grid: number[],
	opts: OneDigitPgd
): Promise<number | null> {
	for (const eps of grid) {
		const { probs } = await pgdOne(classifier, pixels, label, eps, opts);
		if (argmax(probs) !== label) return eps;
	}
	return null;
}
