import * as tf from '@tensorflow/tfjs-core';
import { digitBatch, MNIST_SIDE, type DigitSet } from '../data/mnist';

/** Digits [start, end) of a set as a [n, 28, 28, 1] float tensor in [0, 1]. Caller disposes. */
export function digitTensor(set: DigitSet, start = 0, end = set.count): tf.Tensor4D {
	const pixels = digitBatch(set, start, end);
	return tf.tensor4d(pixels, [
		pixels.length / (MNIST_SIDE * MNIST_SIDE),
		MNIST_SIDE,
		MNIST_SIDE,
		1
	]);
}

/** Labels [start, end) as an int32 tensor. Caller disposes. */
export function labelTensor(set: DigitSet, start = 0, end = set.count): tf.Tensor1D {
	return tf.tensor1d(
		Int32Array.from(set.labels.subarray(start, Math.min(end, set.count))),
		'int32'
	);
}
