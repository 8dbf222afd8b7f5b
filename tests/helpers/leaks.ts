import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs fn and fails if it left tensors behind: tf.memory().numTensors must be the same before
 * and after. Returns fn's result (which must not itself be a tensor).
 */
export async function expectNoLeaks<T>(fn: () => Promise<T> | T): Promise<T> {
	const before = tf.memory().numTensors;
	const result = await fn();
	const after = tf.memory().numTensors;
	expect(after - before, `${after - before} tensor(s) leaked`).toBe(0);
	return result;
}
