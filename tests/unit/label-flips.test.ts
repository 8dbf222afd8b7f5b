import { describe, expect, it } from 'vitest';
import { generateTransactions } from '../../src/lib/data/fraud';
import { createRng } from '../../src/lib/base/rng';
import { flipBudget, flipLabels } from '../../src/lib/ml/poisoning/label-flips';

const count = (labels: Uint8Array, value: number) => labels.filter((l) => l === value).length;

describe('flipLabels', () => {
	const { labels } = generateTransactions({ count: 4000, seed: 1 });
	const fraud = count(labels, 1);

	it('random: flips exactly round(rate * n) distinct rows of both classes, reproducibly', () => {
		const { labels: out, flipped } = flipLabels(labels, 0.2, 'random', { seed: 5 });
		expect(flipped.length).toBe(Math.round(0.2 * labels.length));
		expect(new Set(flipped).size).toBe(flipped.length);
		const changed = [...labels.keys()].filter((i) => out[i] !== labels[i]);
		expect(changed).toEqual(Array.from(flipped));
		expect(flipped.some((i) => labels[i] === 1)).toBe(true);
		expect(flipped.some((i) => labels[i] === 0)).toBe(true);
		expect(count(labels, 1)).toBe(fraud); // the input is untouched
		expect(flipLabels(labels, 0.2, 'random', { seed: 5 }).flipped).toEqual(flipped);
		expect(flipLabels(labels, 0.2, 'random', { seed: 6 }).flipped).not.toEqual(flipped);
	});

	it('targeted: turns 30 % of the fraud into legitimate and never touches legitimate rows', () => {
		const { labels: out, flipped } = flipLabels(labels, 0.3, 'targeted', { seed: 2 });
		expect(flipped.length).toBe(Math.round(0.3 * fraud));
		expect(flipBudget(labels, 0.3, 'targeted')).toBe(flipped.length);
		for (const i of flipped) {
			expect(labels[i]).toBe(1);
			expect(out[i]).toBe(0);
		}
		expect(count(out, 1)).toBe(fraud - flipped.length);
		expect(count(out, 0)).toBe(labels.length - fraud + flipped.length);
	});

	it('boundary: flips the rows whose clean score is nearest 0.5', () => {
		const rng = createRng(9);
		const scores = Float32Array.from(labels, () => rng());
		const { labels: out, flipped } = flipLabels(labels, 0.1, 'boundary', { seed: 1, scores });
		const k = Math.round(0.1 * labels.length);
		expect(flipped.length).toBe(k);
		const margin = (i: number) => Math.abs(scores[i] - 0.5);
		const byMargin = [...labels.keys()].sort((a, b) => margin(a) - margin(b));
		expect(Array.from(flipped)).toEqual(byMargin.slice(0, k).sort((a, b) => a - b));
		const widestFlipped = Math.max(...Array.from(flipped, margin));
		const rest = byMargin.slice(k).map(margin);
		expect(Math.min(...rest)).toBeGreaterThanOrEqual(widestFlipped);
		for (const i of flipped) expect(out[i]).toBe(1 - labels[i]);
	});

	it('boundary with the lab threshold 0.1: flips the rows whose clean score is nearest 0.1', () => {
		const rng = createRng(10);
		// Scores like a fraud model's: most near 0, a tail towards 1.
		const scores = Float32Array.from(labels, () => rng() ** 3);
		const { labels: out, flipped } = flipLabels(labels, 0.1, 'boundary', {
			seed: 1,
			scores,
			threshold: 0.1
		});
		const k = Math.round(0.1 * labels.length);
		expect(flipped.length).toBe(k);
		const margin = (i: number) => Math.abs(scores[i] - 0.1);
		const byMargin = [...labels.keys()].sort((a, b) => margin(a) - margin(b));
		expect(Array.from(flipped)).toEqual(byMargin.slice(0, k).sort((a, b) => a - b));
		// Different from ranking by distance to 0.5: the threshold is used.
		const at05 = flipLabels(labels, 0.1, 'boundary', { seed: 1, scores }).flipped;
		expect(Array.from(at05)).not.toEqual(Array.from(flipped));
		for (const i of flipped) {
			expect(out[i]).toBe(1 - labels[i]);
			expect(Math.abs(scores[i] - 0.1)).toBeLessThanOrEqual(margin(byMargin[k]));
		}
		// Deterministic: the seed only orders exact ties, and these scores have none.
		expect(
			flipLabels(labels, 0.1, 'boundary', { seed: 7, scores, threshold: 0.1 }).flipped
		).toEqual(flipped);
	});

	it('rate 0 flips nothing; rates above a half and missing scores are refused', () => {
		expect(flipLabels(labels, 0, 'random', { seed: 1 }).flipped.length).toBe(0);
		expect(() => flipLabels(labels, 0.6, 'random', { seed: 1 })).toThrow(/between 0 and 0.5/);
		expect(() => flipLabels(labels, -0.1, 'targeted', { seed: 1 })).toThrow(/rate/);
		expect(() => flipLabels(labels, 0.1, 'boundary', { seed: 1 })).toThrow(/opts.scores/);
	});
});
