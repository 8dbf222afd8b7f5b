import { describe, expect, it } from 'vitest';
import { classificationMetrics, confusion, recallAtFpr, rocAuc } from '../../src/lib/base/metrics';

describe('metrics', () => {
	it('matches a confusion matrix worked out by hand', () => {
		const yTrue = [1, 1, 1, 0, 0, 0, 0, 1];
		const scores = [0.9, 0.6, 0.2, 0.7, 0.1, 0.4, 0.5, 0.8];
		// Flagged at >= 0.5: rows 0, 1, 3, 6, 7. Fraud caught: 0, 1, 7; missed: 2; false alarms: 3, 6.
		expect(confusion(yTrue, [1, 1, 0, 1, 0, 0, 1, 1])).toEqual({ tp: 3, fp: 2, tn: 2, fn: 1 });
		const m = classificationMetrics(yTrue, scores);
		expect(m.accuracy).toBeCloseTo(5 / 8, 12);
		expect(m.precision).toBeCloseTo(3 / 5, 12);
		expect(m.recall).toBeCloseTo(3 / 4, 12);
		expect(m.f1).toBeCloseTo((2 * 0.6 * 0.75) / 1.35, 12);
		// Fraud outranks legitimate in 4 + 3 + 1 + 4 of the 16 pairs.
		expect(m.auc).toBeCloseTo(12 / 16, 12);
	});

	it('reports 0/0 as 0 when nothing is flagged, and counts tied scores half in the AUC', () => {
		const yTrue = [0, 1, 0, 0];
		expect(confusion(yTrue, [0, 0, 0, 0])).toEqual({ tp: 0, fp: 0, tn: 3, fn: 1 });
		const m = classificationMetrics(yTrue, [0.1, 0.3, 0.3, 0.2]);
		expect(m).toEqual({ accuracy: 0.75, precision: 0, recall: 0, f1: 0, auc: (1 + 0.5 + 1) / 3 });
		expect(() => confusion([0, 1], [1])).toThrow(/2 true labels but 1 predictions/);
		expect(() => confusion([0, 2], [1, 0])).toThrow(/yTrue\[1\] is 2/);
	});
});

describe('rocAuc and recallAtFpr', () => {
	it('score perfect, inverted, tied and partial rankings correctly', () => {
		expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
		expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
		expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
		// Pairs (fraud > legit): 0.4>0.3 yes, 0.4>0.5 no, 0.6>0.3 yes, 0.6>0.5 yes -> 3/4.
		expect(rocAuc([0.3, 0.4, 0.5, 0.6], [0, 1, 0, 1])).toBe(0.75);
		expect(rocAuc([0.3, 0.4], [0, 0])).toBeNaN();
		const legit = Array.from({ length: 100 }, (_, i) => i);
		const scores = [...legit, 95.5, 50.5, 200];
		const labels = [...legit.map(() => 0), 1, 1, 1];
		// 5 % of 100 legit may be flagged: threshold at the 6th highest legit score (94).
		expect(recallAtFpr(scores, labels, 0.05)).toBeCloseTo(2 / 3);
		expect(recallAtFpr(scores, labels, 0)).toBeCloseTo(1 / 3);
		expect(recallAtFpr(scores, labels, 1)).toBe(1);
	});
});
