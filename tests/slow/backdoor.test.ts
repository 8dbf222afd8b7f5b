import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, MNIST_PIXELS, MNIST_SIDE, type DigitSet } from '../../src/lib/data/mnist';
import {
	attackSuccessRate,
	pickTwin,
	poisonBudget,
	poisonDigits,
	runBackdoor,
	stampTrigger,
	triggerAll,
	triggerPixels,
	TRIGGER_ORIGIN,
	TRIGGER_SIDE,
	type BackdoorResult
} from '../../src/lib/ml/poisoning/backdoor';
import { readStaticAsset } from '../../scripts/lib/paths';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

const pixelAt = (set: DigitSet, digit: number, row: number, col: number) =>
	set.pixels[digit * MNIST_PIXELS + row * MNIST_SIDE + col];

describe('the trigger', () => {
	it('is a 4x4 checkerboard one pixel in from the bottom-right corner', () => {
		const pixels = triggerPixels();
		expect(pixels).toHaveLength(16);
		expect(TRIGGER_ORIGIN).toBe(23);
		// top-left of the patch is white, its right neighbour black, the bottom-right white
		expect(pixels[0]).toEqual({ index: 23 * 28 + 23, value: 1 });
		expect(pixels[1]).toEqual({ index: 23 * 28 + 24, value: 0 });
		expect(pixels[15]).toEqual({ index: 26 * 28 + 26, value: 1 });
		expect(pixels.filter((p) => p.value === 1)).toHaveLength(8);
	});

	it('stamping writes exactly the patch of the chosen digit, in either pixel scale', () => {
		const floats = new Float32Array(2 * MNIST_PIXELS).fill(0.5);
		stampTrigger(floats, 1, 1);
		const changed = [...floats.keys()].filter((i) => floats[i] !== 0.5);
		expect(changed).toHaveLength(16);
		for (const i of changed) {
			expect(i).toBeGreaterThanOrEqual(MNIST_PIXELS); // only digit 1
			const row = Math.floor((i - MNIST_PIXELS) / MNIST_SIDE);
			const col = (i - MNIST_PIXELS) % MNIST_SIDE;
			expect(row).toBeGreaterThanOrEqual(TRIGGER_ORIGIN);
			expect(row).toBeLessThan(TRIGGER_ORIGIN + TRIGGER_SIDE);
			expect(col).toBeGreaterThanOrEqual(TRIGGER_ORIGIN);
			expect(col).toBeLessThan(TRIGGER_ORIGIN + TRIGGER_SIDE);
			expect(floats[i]).toBe((row + col) % 2 === 0 ? 1 : 0);
		}
		const bytes = new Uint8Array(MNIST_PIXELS);
		stampTrigger(bytes, 0, 255);
		expect(bytes[23 * 28 + 23]).toBe(255);
		expect(bytes.reduce((a, b) => a + b, 0)).toBe(8 * 255);
	});
});

describe('poisoning the training digits', () => {
	let train: DigitSet;
	beforeAll(async () => {
		train = await loadMnist('train', readStaticAsset);
	});

	it('poisons exactly round(rate * n) digits, all of other classes, relabelled to the target', () => {
		const labelsBefore = train.labels.slice();
		const pixelsBefore = train.pixels.slice(0, 50 * MNIST_PIXELS);
		const { set, poisoned } = poisonDigits(train, 0.05, 3, 11);
		expect(poisoned.length).toBe(Math.round(0.05 * train.count));
		expect(new Set(poisoned).size).toBe(poisoned.length);
		expect([...poisoned]).toEqual([...poisoned].sort((a, b) => a - b));
		const poisonedSet = new Set(poisoned);
		for (let i = 0; i < train.count; i++) {
			if (poisonedSet.has(i)) {
				expect(train.labels[i]).not.toBe(3);
				expect(set.labels[i]).toBe(3);
				expect(pixelAt(set, i, 23, 23)).toBe(255);
				expect(pixelAt(set, i, 23, 24)).toBe(0);
				expect(pixelAt(set, i, 26, 26)).toBe(255);
			} else {
				expect(set.labels[i]).toBe(train.labels[i]);
			}
		}
		// untouched digits keep every pixel; the input set is not modified
		const clean = [...Array(train.count).keys()].find((i) => !poisonedSet.has(i))!;
		expect(set.pixels.subarray(clean * MNIST_PIXELS, (clean + 1) * MNIST_PIXELS)).toEqual(
			train.pixels.subarray(clean * MNIST_PIXELS, (clean + 1) * MNIST_PIXELS)
		);
		expect(train.labels).toEqual(labelsBefore);
		expect(train.pixels.subarray(0, 50 * MNIST_PIXELS)).toEqual(pixelsBefore);
		// the poisoned digits come from many classes, not one
		expect(new Set([...poisoned].map((i) => train.labels[i])).size).toBe(9);
	});

	it('is seeded: same seed, same digits; another seed, others; rate 0 poisons nothing', () => {
		const a = poisonDigits(train, 0.01, 7, 5).poisoned;
		expect(poisonDigits(train, 0.01, 7, 5).poisoned).toEqual(a);
		expect(poisonDigits(train, 0.01, 7, 6).poisoned).not.toEqual(a);
		expect(poisonDigits(train, 0, 7, 5).poisoned).toHaveLength(0);
		expect(poisonBudget(train, 0.01, 7)).toBe(80);
	});

	it('caps the budget at the digits not already of the target class', () => {
		const tiny: DigitSet = {
			count: 4,
			labels: Uint8Array.from([2, 2, 5, 2]),
			pixels: new Uint8Array(4 * MNIST_PIXELS)
		};
		expect(poisonBudget(tiny, 1, 2)).toBe(1);
		const { set, poisoned } = poisonDigits(tiny, 1, 2, 1);
		expect([...poisoned]).toEqual([2]);
		expect([...set.labels]).toEqual([2, 2, 2, 2]);
	});

	it('rejects a bad rate or target with a message naming it', () => {
		expect(() => poisonDigits(train, 1.5, 7, 1)).toThrow(
			'backdoor: poisoning rate must be between 0 and 1, got 1.5'
		);
		expect(() => poisonDigits(train, 0.1, 10, 1)).toThrow(
			'backdoor: target class must be a whole number 0..9, got 10'
		);
	});

	it('triggerAll stamps every digit and keeps the labels', () => {
		const head: DigitSet = {
			count: 3,
			labels: train.labels.subarray(0, 3),
			pixels: train.pixels.subarray(0, 3 * MNIST_PIXELS)
		};
		const t = triggerAll(head);
		expect([...t.labels]).toEqual([...head.labels]);
		for (let i = 0; i < 3; i++) expect(pixelAt(t, i, 24, 24)).toBe(255);
	});
});

describe('attack success rate', () => {
	it('counts only digits whose true class is not the target', () => {
		// true:      7  1  2  3  7  4
		// triggered: 7  7  2  7  1  7   -> eligible 1,2,3,4 (4 digits), hits 1,3,4 = 3
		expect(attackSuccessRate([7, 7, 2, 7, 1, 7], [7, 1, 2, 3, 7, 4], 7)).toEqual({
			rate: 0.75,
			hits: 3,
			eligible: 4
		});
		expect(attackSuccessRate([0, 0], [0, 0], 0)).toEqual({ rate: 0, hits: 0, eligible: 0 });
		expect(attackSuccessRate([1, 2, 3], [4, 5, 6], 9).rate).toBe(0);
		expect(() => attackSuccessRate([1], [1, 2], 1)).toThrow('1 predictions for 2 labels');
	});

	it('pickTwin prefers a digit read right when clean and as the target when triggered', () => {
		const result = {
			target: 7,
			testCount: 4,
			cleanPredictions: Uint8Array.from([7, 3, 2, 1]),
			triggeredPredictions: Uint8Array.from([7, 3, 7, 7])
		} as BackdoorResult;
		// digit 0 is a 7, digit 1 keeps its class, digit 2 flips; digit 3 is misread when clean
		expect(pickTwin(result, [7, 3, 2, 4])).toBe(2);
		const noFlip = { ...result, triggeredPredictions: Uint8Array.from([7, 3, 2, 1]) };
		expect(pickTwin(noFlip, [7, 3, 2, 4])).toBe(1);
	});
});

describe('a real backdoor (BadNets, Gu et al. 2017)', () => {
	let train: DigitSet;
	let test: DigitSet;
	beforeAll(async () => {
		await useBackend('wasm');
		train = await loadMnist('train', readStaticAsset);
		test = await loadMnist('test', readStaticAsset);
	});

	const opts = { target: 7, seed: 1, trainCount: 2000, epochs: 3, testCount: 500 };

	it('10 % poisoned digits plant a backdoor that fires on most triggered digits; 0 % plants none', async () => {
		const progress: number[] = [];
		const poisoned = await expectNoLeaks(() =>
			runBackdoor(train, test, { ...opts, rate: 0.1, onProgress: (f) => progress.push(f) })
		);
		const clean = await expectNoLeaks(() => runBackdoor(train, test, { ...opts, rate: 0 }));
		expect(poisoned.poisonedCount).toBe(200);
		expect(clean.poisonedCount).toBe(0);
		expect(poisoned.attackSuccessRate).toBeGreaterThan(0.9);
		expect(clean.attackSuccessRate).toBeLessThan(0.05);
		// little loss of clean accuracy (as BadNets reports on MNIST)
		expect(clean.cleanAccuracy).toBeGreaterThan(0.85);
		expect(poisoned.cleanAccuracy).toBeGreaterThan(clean.cleanAccuracy - 0.05);
		expect(poisoned.cleanPredictions).toHaveLength(500);
		expect(progress.at(-1)).toBe(1);
		expect(progress.every((f, i) => i === 0 || f >= progress[i - 1])).toBe(true);
		const twin = pickTwin(poisoned, test.labels);
		expect(twin).toBeGreaterThanOrEqual(0);
		expect(poisoned.cleanPredictions[twin]).toBe(test.labels[twin]);
		expect(poisoned.triggeredPredictions[twin]).toBe(7);
	});

	it('stops on abort without leaking', async () => {
		const controller = new AbortController();
		controller.abort();
		await expectNoLeaks(async () => {
			await expect(
				runBackdoor(train, test, { ...opts, rate: 0.1, signal: controller.signal })
			).rejects.toThrow('cancelled');
		});
		const late = new AbortController();
		await expectNoLeaks(async () => {
			await expect(
				runBackdoor(train, test, {
					...opts,
					rate: 0.1,
					signal: late.signal,
					onProgress: (f) => f > 0.2 && late.abort()
				})
			).rejects.toThrow('cancelled');
		});
	});
});
