import * as tf from '@tensorflow/tfjs-core';
import type { DigitSet } from '../data/mnist';
import type { Classifier } from './classifier';
import { digitTensor } from './tensors';
import { throwIfAborted, yieldToEventLoop } from './yield';

export interface Evaluation {
	count: number;
	correct: number;
	accuracy: number;
	/** predicted class per digit */
	predictions: Uint8Array;
}

/** Clean accuracy over a digit set, in batches; yields between batches. */
export async function evaluateAccuracy(
	classifier: Classifier,
	data: DigitSet,
	opts: {
		batchSize?: number;
		limit?: number;
		signal?: AbortSignal;
		onProgress?: (done: number, total: number) => void;
	} = {}
): Promise<Evaluation> {
	const total = Math.min(opts.limit ?? data.count, data.count);
	const batchSize = opts.batchSize ?? 500;
	const predictions = new Uint8Array(total);
	let correct = 0;
	for (let start = 0; start < total; start += batchSize) {
		throwIfAborted(opts.signal);
		const end = Math.min(start + batchSize, total);
		const argmax = tf.tidy(() => tf.argMax(classifier.logits(digitTensor(data, start, end)), 1));
		const predicted = await argmax.data();
		argmax.dispose();
		for (let i = 0; i < predicted.length; i++) {
			predictions[start + i] = predicted[i];
			if (predicted[i] === data.labels[start + i]) correct++;
		}
		opts.onProgress?.(end, total);
		await yieldToEventLoop();
	}
	return { count: total, correct, accuracy: total ? correct / total : 0, predictions };
}
