import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { stepsPerEpoch, trainLoop, type StepInput } from '../../src/lib/ml/train-loop';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('wasm');
});

/** Runs the loop with a step that records what it was given and reports `loss` per step. */
async function record(
	opts: Parameters<typeof trainLoop>[0],
	loss?: (s: StepInput) => { value: number; count?: number }
) {
	const seen: { indices: number[]; epoch: number; seed: number }[] = [];
	const report = await trainLoop(opts, (s) => {
		seen.push({ indices: Array.from(s.indices), epoch: s.epoch, seed: s.seed });
		if (!loss) return;
		const l = loss(s);
		return { loss: tf.scalar(l.value), count: l.count };
	});
	return { seen, report };
}

describe('the shared training loop', () => {
	it('shuffle: every example exactly once per epoch, in batches, a fresh order each epoch', async () => {
		const { seen, report } = await record({ n: 10, batchSize: 4, epochs: 2, seed: 1 });
		expect(seen.map((s) => s.indices.length)).toEqual([4, 4, 2, 4, 4, 2]);
		for (const epoch of [1, 2]) {
			const all = seen.filter((s) => s.epoch === epoch).flatMap((s) => s.indices);
			expect([...all].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		}
		const first = seen.filter((s) => s.epoch === 1).flatMap((s) => s.indices);
		const second = seen.filter((s) => s.epoch === 2).flatMap((s) => s.indices);
		expect(second).not.toEqual(first);
		expect(report.steps).toBe(6);
		expect(report.examplesSeen).toBe(20);
		expect(stepsPerEpoch(10, 4)).toBe(3);
	});

	it('the same seed gives the same batches and step seeds; another seed, others', async () => {
		const opts = { n: 50, batchSize: 8, epochs: 2, seed: 7, stepSeeds: true };
		const a = await record(opts);
		const b = await record(opts);
		const c = await record({ ...opts, seed: 8 });
		expect(b.seen).toEqual(a.seen);
		expect(c.seen).not.toEqual(a.seen);
		expect(new Set(a.seen.map((s) => s.seed)).size).toBe(a.seen.length);
		// without stepSeeds the generator draws only the batches
		const plain = await record({ ...opts, stepSeeds: false });
		expect(plain.seen.every((s) => s.seed === 0)).toBe(true);
	});

	it('lookahead: each step sees the next steps’ seeds, across epochs, and the batches do not change', async () => {
		for (const batching of ['shuffle', 'poisson'] as const) {
			const opts = { n: 30, batchSize: 8, epochs: 3, seed: 5, stepSeeds: true, batching };
			const without = await record(opts);
			const upcoming: number[][] = [];
			const withIt = await trainLoop({ ...opts, lookahead: 2 }, (s) => {
				upcoming.push(s.upcomingSeeds);
				// a step that draws itself would shift the batches planned ahead: it is refused
				expect(() => s.rng()).toThrow(/cannot use lookahead/);
			});
			expect(withIt.steps).toBe(without.seen.length);
			const seeds = without.seen.map((s) => s.seed);
			upcoming.forEach((u, k) => expect(u).toEqual(seeds.slice(k + 1, k + 3)));
			const seen: number[][] = [];
			await trainLoop({ ...opts, lookahead: 3 }, (s) => void seen.push(Array.from(s.indices)));
			expect(seen).toEqual(without.seen.map((s) => s.indices));
		}
		await expect(
			trainLoop({ n: 4, batchSize: 2, epochs: 1, seed: 1, lookahead: -1 }, () => {})
		).rejects.toThrow(/lookahead must be a whole number >= 0/);
	});

	it('poisson: each example joins a lot with probability batch / n; ceil(n / batch) lots per epoch', async () => {
		const { seen } = await record({
			n: 1000,
			batchSize: 100,
			epochs: 5,
			seed: 3,
			batching: 'poisson'
		});
		expect(seen).toHaveLength(50);
		const sizes = seen.map((s) => s.indices.length);
		const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
		// Binomial(1000, 0.1): mean 100, sd 9.5; the mean of 50 lots is within 4 sd / sqrt(50)
		expect(Math.abs(mean - 100)).toBeLessThan((4 * 9.5) / Math.sqrt(50));
		expect(new Set(sizes).size).toBeGreaterThan(5);
	});

	it('full: every row in order, one step per epoch', async () => {
		const { seen } = await record({ n: 5, batchSize: 5, epochs: 3, seed: 1, batching: 'full' });
		expect(seen.map((s) => s.indices)).toEqual([
			[0, 1, 2, 3, 4],
			[0, 1, 2, 3, 4],
			[0, 1, 2, 3, 4]
		]);
		expect(seen.map((s) => s.epoch)).toEqual([1, 2, 3]);
	});

	it('epoch loss: the mean of batch means, or of examples when steps report sums', async () => {
		const means = await record({ n: 10, batchSize: 4, epochs: 1, seed: 1 }, (s) => ({
			value: s.indices.length // a "mean" that is the batch size: 4, 4, 2
		}));
		expect(means.report.losses[0]).toBeCloseTo(10 / 3, 5);
		const sums = await record({ n: 10, batchSize: 4, epochs: 1, seed: 1 }, (s) => ({
			value: 2 * s.indices.length,
			count: s.indices.length
		}));
		expect(sums.report.losses[0]).toBeCloseTo(2, 5);
		const none = await record({ n: 10, batchSize: 4, epochs: 1, seed: 1 });
		expect(none.report.losses[0]).toBeNaN();
	});

	it('reads the loss back once per epoch and leaves no tensor behind, also when cancelled', async () => {
		await expectNoLeaks(() =>
			record({ n: 40, batchSize: 4, epochs: 3, seed: 1 }, () => ({ value: 1 }))
		);
		const controller = new AbortController();
		await expectNoLeaks(async () => {
			const run = trainLoop(
				{ n: 40, batchSize: 4, epochs: 3, seed: 1, signal: controller.signal },
				(s) => {
					if (s.epoch === 2) controller.abort();
					return { loss: tf.scalar(1) };
				}
			);
			await expect(run).rejects.toThrow(/cancelled/);
		});
	});

	it('calls its hooks in order and refuses a loop it cannot run', async () => {
		const events: string[] = [];
		await trainLoop(
			{
				n: 4,
				batchSize: 2,
				epochs: 2,
				seed: 1,
				onEpochStart: (e) => events.push(`start ${e}`),
				onProgress: (d, t) => events.push(`${d}/${t}`),
				onEpoch: (e) => {
					events.push(`end ${e}`);
				}
			},
			() => {}
		);
		expect(events).toEqual(['start 1', '1/4', '2/4', 'end 1', 'start 2', '3/4', '4/4', 'end 2']);
		await expect(trainLoop({ n: 0, batchSize: 1, epochs: 1, seed: 1 }, () => {})).rejects.toThrow(
			/empty/
		);
		await expect(trainLoop({ n: 5, batchSize: 0, epochs: 1, seed: 1 }, () => {})).rejects.toThrow(
			/batch size/
		);
	});
});
