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

/**
 * sign(t) exactly, on every backend: -1, 0 or +1 from comparisons. The WASM backend's Sign kernel
 * (tfjs 4.22, cc/kernels/Sign.cc) returns 0 for |t| < FLT_EPSILON (1.2e-7); gradients of a
 * batch-mean loss are often that small (they shrink with the batch size), so on WASM tf.sign left
 * a third to a half of the CNN's test digits wholly unperturbed, and FGSM looked several times
 * weaker there than on CPU or WebGL. Comparisons have no such threshold. Allocates; the caller
 * owns tidy.
 */
export function exactSign<T extends tf.Tensor>(t: T): T {
	return tf.tidy(() =>
		tf.sub(tf.cast(tf.greater(t, 0), 'float32'), tf.cast(tf.less(t, 0), 'float32'))
	) as T;
}

// Read-backs a lost GPU context would leave hanging: their tensors could never be disposed.
const pending = new Set<(err: Error) => void>();

/**
 * t.data(), and t disposed however it ends. A read-back from a WebGL context that is lost never
 * settles; abandonReadbacks() (called by the page's runtime when that happens) rejects every
 * read-back still waiting, so its tensor is freed and the caller's error path runs.
 */
export async function readAndDispose(
	t: tf.Tensor
): Promise<Float32Array | Int32Array | Uint8Array> {
	let fail: (err: Error) => void = () => {};
	try {
		return await new Promise((resolve, reject) => {
			fail = reject;
			pending.add(fail);
			t.data().then(resolve, reject);
		});
	} finally {
		pending.delete(fail);
		try {
			t.dispose();
		} catch {
			// its backend is gone
		}
	}
}

/** Rejects every read-back readAndDispose() is waiting on (see there). */
export function abandonReadbacks(reason: string) {
	for (const fail of [...pending]) fail(new Error(reason));
	pending.clear();
}
