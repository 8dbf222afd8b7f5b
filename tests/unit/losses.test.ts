import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	labelCrossEntropy,
	meanCrossEntropy,
	sigmoidCrossEntropy,
	softmaxCrossEntropy,
	targetCrossEntropy
} from '../../src/lib/ml/losses';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('wasm');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('losses', () => {
	it('sigmoid cross-entropy is log(1 + e^z) - y z, and stays finite for large |z|', () => {
		tf.tidy(() => {
			const z = tf.tensor1d([0, 2, -3, 80, -80]);
			const y = tf.tensor1d([1, 0, 1, 1, 0]);
			const expected = [0, 2, -3, 80, -80].map(
				(v, i) => Math.log1p(Math.exp(-Math.abs(v))) + Math.max(v, 0) - [1, 0, 1, 1, 0][i] * v
			);
			values(sigmoidCrossEntropy(z, y)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
			expect(values(sigmoidCrossEntropy(tf.tensor1d([200]), tf.tensor1d([0])))[0]).toBeCloseTo(
				200,
				3
			);
		});
	});

	it('softmax cross-entropy against one-hot labels equals -log softmax of the label', () => {
		tf.tidy(() => {
			const logits = tf.tensor2d([
				[1, 2, 3],
				[0, 0, 0]
			]);
			const labels = tf.tensor1d([2, 0], 'int32');
			const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
			const perRow = values(labelCrossEntropy(logits, labels));
			expect(perRow[0]).toBeCloseTo(lse - 3, 5);
			expect(perRow[1]).toBeCloseTo(Math.log(3), 5);
			expect(values(meanCrossEntropy(logits, labels))[0]).toBeCloseTo(
				(lse - 3 + Math.log(3)) / 2,
				5
			);
			// soft targets that are one-hot give the same
			const soft = softmaxCrossEntropy(
				logits,
				tf.tensor2d([
					[0, 0, 1],
					[1, 0, 0]
				])
			);
			expect(values(soft)).toEqual(perRow.map((v) => expect.closeTo(v, 5)));
		});
	});

	it('one logit: label and target forms agree, and row weights weigh rows', () => {
		tf.tidy(() => {
			const logits = tf.tensor2d([[0.5], [-1]]);
			const hard = values(labelCrossEntropy(logits, tf.tensor1d([1, 0], 'int32')));
			const soft = values(targetCrossEntropy(logits, tf.tensor1d([1, 0])));
			hard.forEach((v, i) => expect(soft[i]).toBeCloseTo(v, 6));
			const weighted = meanCrossEntropy(logits, tf.tensor1d([1, 0], 'int32'), tf.tensor1d([1, 0]));
			expect(values(weighted)[0]).toBeCloseTo(hard[0], 6);
		});
	});

	it('allocate nothing that outlives the caller`s tidy', async () => {
		await expectNoLeaks(() =>
			tf.tidy(() => {
				meanCrossEntropy(tf.tensor2d([[1, 2]]), tf.tensor1d([1], 'int32'));
				return 0;
			})
		);
	});
});
