/**
 * The lab's losses, one definition each: cross-entropy of logits against labels or against
 * target distributions (soft labels, as a distilled or stolen model learns from answered
 * probabilities; Hinton, Vinyals, Dean 2015, section 2). Every trainer, attack and membership
 * test takes its loss from here. Allocate; the caller owns tidy.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Elementwise sigmoid cross-entropy of logits z against targets y in [0, 1] (0/1 labels or
 * probabilities), any shape: log(1 + e^z) - y z, written stably as max(z, 0) - y z + log(1 + e^-|z|).
 */
export function sigmoidCrossEntropy<T extends tf.Tensor>(z: T, y: tf.Tensor): T {
	return tf.add(tf.sub(tf.relu(z), tf.mul(y, z)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))) as T;
}

/** Per-row softmax cross-entropy of logits [n, k] against target distributions [n, k]: [n]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D {
	return tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
}

/**
 * Per-row cross-entropy against integer labels [n]: sigmoid cross-entropy for one logit (P(class
 * 1) = sigmoid(z)), softmax cross-entropy for several. [n].
 */
export function labelCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
	const k = logits.shape[1];
	if (k === 1)
		return sigmoidCrossEntropy(tf.reshape(logits, [-1]) as tf.Tensor1D, tf.cast(labels, 'float32'));
	return softmaxCrossEntropy(logits, tf.oneHot(tf.cast(labels, 'int32'), k) as tf.Tensor2D);
}

/**
 * Per-row cross-entropy against targets: [n] P(class 1) for one logit, [n, k] distributions for
 * several. [n].
 */
export function targetCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor): tf.Tensor1D {
	if (logits.shape[1] === 1)
		return sigmoidCrossEntropy(tf.reshape(logits, [-1]) as tf.Tensor1D, targets);
	return softmaxCrossEntropy(logits, targets as tf.Tensor2D);
}

/**
 * Mean cross-entropy against integer labels; `rowWeights` ([n], optional) weighs each row, e.g.
 * to balance rare fraud against legitimate spending.
 */
export function meanCrossEntropy(
	logits: tf.Tensor2D,
	labels: tf.Tensor1D,
	rowWeights?: tf.Tensor1D
): tf.Scalar {
	return tf.tidy(() => {
		const perRow = labelCrossEntropy(logits, labels);
		if (!rowWeights) return tf.mean(perRow);
		return tf.div(tf.sum(tf.mul(perRow, rowWeights)), tf.sum(rowWeights));
	});
}
