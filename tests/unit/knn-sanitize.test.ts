import { beforeAll, describe, expect, it } from 'vitest';
import { generateTransactions, standardize } from '../../src/lib/data/fraud';
import { createRng, normal } from '../../src/lib/base/rng';
import {
	knnNeighbours,
	knnNeighboursAsync,
	knnSanitize,
	sanitizeWithNeighbours
} from '../../src/lib/ml/poisoning/knn-sanitize';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('wasm');
});

const count = (labels: Uint8Array, value: number) => labels.filter((l) => l === value).length;

describe('knnSanitize', () => {
	// Two well-separated 2-D clusters of 60 points: class 0 around (0, 0), class 1 around (6, 6).
	function clusters() {
		const rng = createRng(3);
		const n = 120;
		const features = new Float32Array(n * 2);
		const labels = new Uint8Array(n);
		for (let i = 0; i < n; i++) {
			const cls = i < 60 ? 0 : 1;
			features[2 * i] = cls * 6 + normal(rng);
			features[2 * i + 1] = cls * 6 + normal(rng);
			labels[i] = cls;
		}
		return { features, labels };
	}

	it('gives a flipped point deep inside the other class its label back', () => {
		const { features, labels } = clusters();
		// The class-0 point nearest the centre of its cluster, flipped to 1.
		let deep = 0;
		for (let i = 0; i < 60; i++) {
			if (
				Math.hypot(features[2 * i], features[2 * i + 1]) <
				Math.hypot(features[2 * deep], features[2 * deep + 1])
			)
				deep = i;
		}
		const poisoned = labels.slice();
		poisoned[deep] = 1;
		const result = knnSanitize(features, 2, poisoned);
		expect(Array.from(result.changed)).toEqual([deep]);
		expect(Array.from(result.labels)).toEqual(Array.from(labels));
		expect(poisoned[deep]).toBe(1); // the input is untouched
	});

	it('leaves clean, separated data alone and agrees with brute force on fraud data', () => {
		const { features, labels } = clusters();
		expect(knnSanitize(features, 2, labels).changed.length).toBe(0);

		const data = generateTransactions({ count: 600, seed: 4 });
		const x = standardize(data.features, data.dims).apply(data.features);
		const fast = knnSanitize(x, data.dims, data.labels, { k: 5, eta: 0.6, standardize: false });
		const d = data.dims;
		const expected = data.labels.slice();
		for (let i = 0; i < data.count; i++) {
			const dist = (j: number) => {
				let s = 0;
				for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
				return s;
			};
			const nearest = [...data.labels.keys()]
				.filter((j) => j !== i)
				.sort((a, b) => dist(a) - dist(b) || a - b)
				.slice(0, 5);
			const ones = nearest.reduce((a, j) => a + data.labels[j], 0);
			if (ones / 5 >= 0.6) expected[i] = 1;
			else if ((5 - ones) / 5 >= 0.6) expected[i] = 0;
		}
		expect(Array.from(fast.labels)).toEqual(Array.from(expected));
	});

	it('sanitizes 20,000 transactions in a few seconds', () => {
		const data = generateTransactions({ count: 20000, seed: 1 });
		const start = performance.now();
		const { changed, labels: out } = knnSanitize(data.features, data.dims, data.labels);
		const ms = performance.now() - start;
		const fraud = count(data.labels, 1);
		const fraudLost = Array.from(changed).filter((i) => data.labels[i] === 1).length;
		console.log(
			`knnSanitize 20,000 x ${data.dims}: ${ms.toFixed(0)} ms, ${changed.length} labels changed, ${fraudLost} of ${fraud} frauds relabelled legitimate`
		);
		// At 3 % prevalence the rare class loses most of its votes: most real fraud is relabelled
		// legitimate (465 of 613 when measured), and those relabellings make up most of the changes.
		expect(fraud).toBe(613);
		expect(fraudLost).toBeGreaterThan(0.6 * fraud);
		expect(fraudLost).toBeLessThan(0.9 * fraud);
		expect(fraudLost).toBeGreaterThan(0.8 * changed.length);
		expect(changed.length).toBeLessThan(0.05 * data.count);
		expect(count(out, 1)).toBe(fraud - fraudLost + (changed.length - fraudLost));
	}, 30_000);
});

describe('sanitizeWithNeighbours', () => {
	// A line of 12 points: rows 0-5 near 0, rows 6-11 near 10; each row's 3 nearest are its own group.
	const features = Float32Array.from([
		0, 0.1, 0.2, 0.3, 0.4, 0.5, 10, 10.1, 10.2, 10.3, 10.4, 10.5
	]);
	it('per-class shares: a lone 1 among 0s is relabelled only when eta for class 0 allows', () => {
		const nb = knnNeighbours(features, 1, 12, 3, false);
		expect(new Set(nb.subarray(0, 3))).toEqual(new Set([1, 2, 3]));
		const labels = Uint8Array.from([0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
		// Row 2's neighbours 1, 3 and 0 or 4: all 0, a share of 1.
		expect(Array.from(sanitizeWithNeighbours(nb, 3, labels).changed)).toEqual([2]);
		const strict = sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [1, 0.5] });
		expect(Array.from(strict.changed)).toEqual([2]);
		const never = sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [1, 0.5], eta: 0 });
		expect(Array.from(never.labels)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
		expect(() => sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [2, 0.5] })).toThrow(/eta/);
		expect(() => sanitizeWithNeighbours(nb, 2, labels)).toThrow(/neighbour indices/);
	});

	it('with eta 1 for the majority, a point with 2 of 3 neighbours disagreeing keeps its label', () => {
		const nb = knnNeighbours(features, 1, 12, 3, false);
		const labels = Uint8Array.from([0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
		// Row 0's neighbours are rows 1, 2, 3: two 1s, a share of 2/3.
		expect(sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [0.5, 1] }).labels[0]).toBe(0);
		expect(sanitizeWithNeighbours(nb, 3, labels, { etaByClass: [0.5, 0.6] }).labels[0]).toBe(1);
	});
});

describe('knnNeighboursAsync', () => {
	it('finds the same neighbours as the synchronous search, in chunks, and stops on abort', async () => {
		const data = generateTransactions({ count: 1500, seed: 8 });
		const sync = knnNeighbours(data.features, data.dims, data.count, 10);
		const chunked = await knnNeighboursAsync(data.features, data.dims, data.count, 10, {
			chunk: 400
		});
		expect(Array.from(chunked)).toEqual(Array.from(sync));
		const controller = new AbortController();
		controller.abort();
		await expect(
			knnNeighboursAsync(data.features, data.dims, data.count, 10, { signal: controller.signal })
		).rejects.toThrow(/cancelled/);
	});
});
