import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '../classifier';
import { meanCrossEntropy } from '../losses';
import { exactSign } from '../tensors';

/**
 * The sign of the loss gradient with respect to the input: sign(grad_x J(theta, x, y)).
 * One gradient serves every eps, which is why a slider over eps can be instant.
 * Allocates; the caller owns tf.tidy.
 */
export function lossGradientSign(
	classifier: Classifier,
	x: tf.Tensor4D,
	labels: tf.Tensor1D
): tf.Tensor4D {
	const grad = tf.grad((input) =>
		meanCrossEntropy(classifier.logits(input as tf.Tensor4D), labels)
	);
	return tf.tidy(() => exactSign(grad(x) as tf.Tensor4D));
}

/**
 * x' = clip_[0,1](x + eps * direction): one step along a precomputed direction, so that moving an
 * eps slider costs a forward pass and no gradient. Allocates; the caller owns tf.tidy.
 */
export function stepAlong(x: tf.Tensor4D, direction: tf.Tensor4D, eps: number): tf.Tensor4D {
	return tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(direction, eps)), 0, 1));
}

function checkEps(attack: string, eps: number) {
	if (!(eps >= 0)) throw new Error(`${attack}: eps must be a number >= 0, got ${eps}`);
}

/**
 * Fast Gradient Sign Method.
 * Goodfellow, Shlens, Szegedy 2015, "Explaining and Harnessing Adversarial Examples", eq. (3):
 * x' = clip_[0,1](x + eps * sign(grad_x J(theta, x, y))).
 * Allocates; the caller owns tf.tidy.
 */
export function fgsm(
	classifier: Classifier,
	x: tf.Tensor4D,
	labels: tf.Tensor1D,
	eps: number
): tf.Tensor4D {
	checkEps('fgsm', eps);
	return tf.tidy(() => stepAlong(x, lossGradientSign(classifier, x, labels), eps));
}

/**
 * Targeted one-step FGSM: step down the loss of a chosen class instead of up the loss of the
 * true one.
 * Kurakin, Goodfellow, Bengio 2017, "Adversarial Machine Learning at Scale", section 2
 * (one-step target class method): x' = clip_[0,1](x - eps * sign(grad_x J(theta, x, y_target))).
 * `targets` holds the class each digit should be pushed towards. Allocates; the caller owns tf.tidy.
 */
export function targetedFgsm(
	classifier: Classifier,
	x: tf.Tensor4D,
	targets: tf.Tensor1D,
	eps: number
): tf.Tensor4D {
	checkEps('targetedFgsm', eps);
	return tf.tidy(() => stepAlong(x, tf.neg(lossGradientSign(classifier, x, targets)), eps));
}
