import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, type Classifier } from '../classifier';

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
	const grad = tf.grad((input) => crossEntropy(classifier.logits(input as tf.Tensor4D), labels));
	return tf.sign(grad(x)) as tf.Tensor4D;
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
	if (!(eps >= 0)) throw new Error(`fgsm: eps must be a number >= 0, got ${eps}`);
	return tf.tidy(() =>
		tf.clipByValue(tf.add(x, tf.mul(lossGradientSign(classifier, x, labels), eps)), 0, 1)
	);
}
