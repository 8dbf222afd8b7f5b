import { beforeAll, describe, expect, it } from 'vitest';
import { lossFilter, rowLoss } from '../../src/lib/ml/poisoning/loss-filter';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('wasm');
});

describe('lossFilter', () => {
	it('drops exactly the highest-loss share of each class', () => {
		const labels = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		// Fraud rows fit worst when scored low; legitimate rows when scored high.
		const scores = [0.9, 0.05, 0.6, 0.3, 0.01, 0.02, 0.99, 0.03, 0.5, 0.04, 0.05, 0.06, 0.07, 0.08];
		const { keep, dropped } = lossFilter(scores, labels, 0.25);
		// round(0.25 * 4) = 1 fraud row (row 1, score 0.05); round(0.25 * 10) = 3 legit rows (6, 8, 13).
		expect(Array.from(dropped)).toEqual([1, 6, 8, 13]);
		expect(keep.reduce((a, b) => a + b, 0)).toBe(10);
		expect(rowLoss(0.05, 1)).toBeCloseTo(-Math.log(0.05), 12);
		expect(rowLoss(0.99, 0)).toBeCloseTo(-Math.log(0.01), 9);
		expect(lossFilter(scores, labels, 0).dropped.length).toBe(0);
		expect(() => lossFilter(scores, labels, 1)).toThrow(/below 1/);
		expect(() => lossFilter([0.5], labels, 0.1)).toThrow(/1 scores for 14 labels/);
	});
});
