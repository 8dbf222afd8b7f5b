import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { abandonReadbacks, readAndDispose } from '../../src/lib/ml/tensors';

describe('read-backs', () => {
	it('read the data and dispose the tensor', async () => {
		const dispose = vi.fn();
		const t = { data: async () => Float32Array.of(1, 2), dispose } as unknown as tf.Tensor;
		expect(Array.from(await readAndDispose(t))).toEqual([1, 2]);
		expect(dispose).toHaveBeenCalledOnce();
	});

	it('one that never settles (a lost GPU context) is abandoned on request, and its tensor freed', async () => {
		const dispose = vi.fn();
		const stuck = { data: () => new Promise(() => {}), dispose } as unknown as tf.Tensor;
		const read = readAndDispose(stuck);
		abandonReadbacks('the GPU context was lost');
		await expect(read).rejects.toThrow('the GPU context was lost');
		expect(dispose).toHaveBeenCalledOnce();
	});
});
