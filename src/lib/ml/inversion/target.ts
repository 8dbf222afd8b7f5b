/**
 * What the inversion attacks see of a digit model: flattened pixels [n, 784] in [0, 1] to ten
 * logits. A shipped CNN (a Classifier on [n, 28, 28, 1]) and a dense model (an Mlp, the privacy
 * lab's digit MLP or the few-photos model) both fit; `predict` puts any of them behind the
 * extraction lab's PredictionApi for the black-box attack.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_PIXELS, MNIST_SIDE } from '../../data/mnist';
import type { Classifier } from '../classifier';
import { mlpLogits, type Mlp } from '../mlp';
import type { PredictFn } from '../extraction/victim-api';

export interface InversionTarget {
	/** [n, 784] -> [n, 10] logits. Allocates; the caller owns tidy. */
	logits(x: tf.Tensor2D): tf.Tensor2D;
}

export function targetFromClassifier(classifier: Classifier): InversionTarget {
	return {
		logits: (x) =>
			classifier.logits(tf.reshape(x, [x.shape[0], MNIST_SIDE, MNIST_SIDE, 1]) as tf.Tensor4D)
	};
}

export function targetFromMlp(mlp: Mlp): InversionTarget {
	if (mlp.sizes[0] !== MNIST_PIXELS || mlp.sizes[mlp.sizes.length - 1] < 2)
		throw new Error(
			`inversion: a digit model takes ${MNIST_PIXELS} pixels and gives one logit per class; this one is [${mlp.sizes}]`
		);
	return { logits: (x) => mlpLogits(mlp, x) };
}

/** The target's class probabilities for flattened rows, synchronously (for PredictionApi). */
export function predictFn(target: InversionTarget): PredictFn {
	return (inputs, dims) => {
		if (dims !== MNIST_PIXELS)
			throw new Error(`a digit model takes ${MNIST_PIXELS} pixels per row, got ${dims}`);
		const n = inputs.length / dims;
		const probs = tf.tidy(() =>
			tf.softmax(target.logits(tf.tensor2d(Float32Array.from(inputs), [n, dims])))
		);
		try {
			return Float64Array.from(probs.dataSync());
		} finally {
			probs.dispose();
		}
	};
}

/** Class probabilities [n * 10] of flattened rows, read back; nothing stays allocated. */
export async function targetProbs(
	target: InversionTarget,
	rows: Float32Array
): Promise<Float32Array> {
	const n = rows.length / MNIST_PIXELS;
	const probs = tf.tidy(() => tf.softmax(target.logits(tf.tensor2d(rows, [n, MNIST_PIXELS]))));
	try {
		return (await probs.data()) as Float32Array;
	} finally {
		probs.dispose();
	}
}
