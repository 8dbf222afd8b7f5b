import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	decodeDigitSet,
	digitPixels,
	encodeDigitSet,
	gunzipIfNeeded,
	loadMnist,
	MNIST_PIXELS
} from '../../src/lib/data/mnist';
import { readStaticAsset, STATIC_DIR } from '../../scripts/lib/paths';

describe('MNIST digit files', () => {
	it('hold the 10,000 digits of the mnist package, split 8,000 / 2,000 and stratified', async () => {
		const train = await loadMnist('train', readStaticAsset);
		const test = await loadMnist('test', readStaticAsset);
		expect(train.count + test.count).toBe(10_000);
		expect(test.count).toBe(2_000);
		const manifest = JSON.parse(readFileSync(join(STATIC_DIR, 'data/mnist/manifest.json'), 'utf8'));
		for (const { digit, train: nTrain, test: nTest } of manifest.perClass) {
			expect(train.labels.filter((l) => l === digit).length).toBe(nTrain);
			expect(test.labels.filter((l) => l === digit).length).toBe(nTest);
			// each class keeps its share: 20 % of it is held out
			expect(nTest / (nTrain + nTest)).toBeCloseTo(0.2, 2);
		}
	});

	it('are compact: a few MB at most, gzip-compressed', () => {
		const bytes = ['train', 'test'].map(
			(s) => readFileSync(join(STATIC_DIR, `data/mnist/${s}.bin.gz`)).length
		);
		expect(bytes[0] + bytes[1]).toBeLessThan(3 * 1024 * 1024);
	});

	it('look like digits: ink on a dark background, scaled to [0, 1]', async () => {
		const test = await loadMnist('test', readStaticAsset);
		const pixels = digitPixels(test, 0);
		expect(pixels.length).toBe(MNIST_PIXELS);
		const ink = pixels.filter((p) => p > 0.5).length;
		expect(ink).toBeGreaterThan(30);
		expect(ink).toBeLessThan(400);
		expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
	});

	it('round-trip through encode and decode, and pass through gunzip when not compressed', async () => {
		const set = {
			count: 2,
			labels: Uint8Array.from([3, 9]),
			pixels: new Uint8Array(2 * MNIST_PIXELS).fill(7)
		};
		const bytes = encodeDigitSet(set);
		expect(await gunzipIfNeeded(bytes)).toBe(bytes);
		const back = decodeDigitSet(bytes, 'memory');
		expect(Array.from(back.labels)).toEqual([3, 9]);
		expect(back.pixels).toEqual(set.pixels);
	});

	it('reject a damaged file with a message naming the file and the problem', () => {
		const bytes = encodeDigitSet({
			count: 1,
			labels: Uint8Array.from([4]),
			pixels: new Uint8Array(MNIST_PIXELS)
		});
		expect(() => decodeDigitSet(bytes.subarray(0, 100), 'test.bin.gz')).toThrow(
			/test\.bin\.gz: is 100 bytes, expected 797/
		);
		const wrongMagic = bytes.slice();
		wrongMagic[0] = 0x50;
		expect(() => decodeDigitSet(wrongMagic, 'x.bin')).toThrow(/x\.bin: starts with "PIL1"/);
		const badLabel = bytes.slice();
		badLabel[12] = 12;
		expect(() => decodeDigitSet(badLabel, 'y.bin')).toThrow(/label 12 of digit 0 is not 0\.\.9/);
	});
});
