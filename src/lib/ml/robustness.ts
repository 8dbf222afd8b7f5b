/**
 * Accuracy under FGSM over many eps values at once. FGSM's direction, sign(grad_x J), does not
 * depend on eps, so one gradient per digit serves the whole curve.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DigitSet } from '../data/mnist';
import type { Classifier } from './classifier';
import { lossGradientSign } from './attacks/fgsm';
import { digitTensor, labelTensor } from './tensors';
import { throwIfAborted, yieldToEventLoop } from './yield';

export interface RobustnessPoint {
	eps: number;
	accuracy: number;
	errorRate: number;
	/** mean predicted-class probability over the misclassified digits (0 when none) */
	meanConfidenceOnErrors: number;
}

export async function fgsmRobustness(
	classifier: Classifier,
	data: DigitSet,
	epsValues: number[],
	opts: {
		limit?: number;
		batchSize?: number;
		signal?: AbortSignal;
		onProgress?: (done: number, total: number) => void;
	} = {}
): Promise<RobustnessPoint[]> {
	const total = Math.min(opts.limit ?? data.count, data.count);
	const batchSize = opts.batchSize ?? 250;
	const errors = new Float64Array(epsValues.length);
	const confidenceOnErrors = new Float64Array(epsValues.length);
	for (let start = 0; start < total; start += batchSize) {
		throwIfAborted(opts.signal);
		const end = Math.min(start + batchSize, total);
		const n = end - start;
		// One [eps, n] block of predicted class and its probability.
		const out = tf.tidy(() => {
			const x = digitTensor(data, start, end);
			const y = labelTensor(data, start, end);
			const direction = lossGradientSign(classifier, x, y);
			const batches = epsValues.map((eps) =>
				tf.clipByValue(tf.add(x, tf.mul(direction, eps)), 0, 1)
			);
			const probs = tf.softmax(classifier.logits(tf.concat(batches, 0) as tf.Tensor4D));
			return tf.stack([tf.cast(tf.argMax(probs, 1), 'float32'), tf.max(probs, 1)]);
		});
		const values = await out.data();
		out.dispose();
		const m = epsValues.length * n;
		for (let e = 0; e < epsValues.length; e++) {
			for (let i = 0; i < n; i++) {
				const k = e * n + i;
				if (values[k] !== data.labels[start + i]) {
					errors[e]++;
					confidenceOnErrors[e] += values[m + k];
				}
			}
		}
		opts.onProgress?.(end, total);
		await yieldToEventLoop();
	}
	return epsValues.map((eps, e) => ({
		eps,
		accuracy: total ? 1 - errors[e] / total : 0,
		errorRate: total ? errors[e] / total : 0,
		meanConfidenceOnErrors: errors[e] ? confidenceOnErrors[e] / errors[e] : 0
	}));
}
