import { beforeAll, describe, expect, it } from 'vitest';
import {
	EmptyDigitError,
	MNIST_BOX,
	MNIST_CENTRE,
	rgbaToInk,
	toMnist
} from '../../src/lib/data/digit-preprocess';
import {
	digitPixels,
	loadMnist,
	MNIST_PIXELS,
	MNIST_SIDE,
	type DigitSet
} from '../../src/lib/data/mnist';
import { MAX_FILE_BYTES, validateImageFile } from '../../src/lib/labs/adversarial/upload';
import { readStaticAsset } from '../../scripts/lib/paths';

/** Centre of mass (x, y) and ink bounding box of a 28x28 digit. */
function describeDigit(pixels: Float32Array) {
	let mass = 0;
	let mx = 0;
	let my = 0;
	let [x0, x1, y0, y1] = [MNIST_SIDE, -1, MNIST_SIDE, -1];
	for (let i = 0; i < MNIST_PIXELS; i++) {
		const [x, y, v] = [i % MNIST_SIDE, Math.floor(i / MNIST_SIDE), pixels[i]];
		mass += v;
		mx += v * x;
		my += v * y;
		if (v > 0)
			[x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
	}
	return { cx: mx / mass, cy: my / mass, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** A digit drawn 3x larger (each pixel a 3x3 block) at (left, top) of a 120x100 canvas. */
function upscale(pixels: Float32Array, left: number, top: number) {
	const [width, height] = [120, 100];
	const grey = new Float32Array(width * height);
	for (let y = 0; y < 3 * MNIST_SIDE; y++) {
		for (let x = 0; x < 3 * MNIST_SIDE; x++) {
			grey[(top + y) * width + left + x] =
				pixels[Math.floor(y / 3) * MNIST_SIDE + Math.floor(x / 3)];
		}
	}
	return { grey, width, height };
}

const meanAbsDiff = (a: Float32Array, b: Float32Array) =>
	a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

/** An RGBA image: `paper` everywhere, `ink` in the square [from, to) x [from, to). */
function square(side: number, from: number, to: number, paper: number[], ink: number[]) {
	const rgba = new Uint8ClampedArray(side * side * 4);
	for (let y = 0; y < side; y++) {
		for (let x = 0; x < side; x++) {
			const inside = x >= from && x < to && y >= from && y < to;
			rgba.set(inside ? ink : paper, (y * side + x) * 4);
		}
	}
	return rgba;
}

describe('toMnist reproduces MNIST preprocessing', () => {
	let test: DigitSet;
	beforeAll(async () => {
		test = await loadMnist('test', readStaticAsset);
	});

	it('turns a held-out digit drawn 3x larger, off-centre, back into the same digit', () => {
		const diffs: number[] = [];
		for (let i = 0; i < 200; i++) {
			const original = digitPixels(test, i);
			const { grey, width, height } = upscale(original, 5 + (i % 31), 3 + (i % 13));
			const out = toMnist(grey, width, height);
			expect(out.length).toBe(MNIST_PIXELS);
			expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
			expect(Math.max(...out)).toBeLessThanOrEqual(1);
			diffs.push(meanAbsDiff(out, original));
		}
		// Nearly all come back pixel for pixel; none drifts far.
		expect(diffs.reduce((a, b) => a + b) / diffs.length).toBeLessThan(0.005);
		expect(Math.max(...diffs)).toBeLessThan(0.08);
	});

	it('fits the digit in a 20x20 box and puts its centre of mass at the centre', () => {
		for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
			const { grey, width, height } = upscale(digitPixels(test, i), 30, 10);
			const shape = describeDigit(toMnist(grey, width, height));
			expect(Math.max(shape.width, shape.height)).toBe(MNIST_BOX);
			expect(Math.min(shape.width, shape.height)).toBeLessThanOrEqual(MNIST_BOX);
			expect(Math.abs(shape.cx - MNIST_CENTRE)).toBeLessThanOrEqual(1);
			expect(Math.abs(shape.cy - MNIST_CENTRE)).toBeLessThanOrEqual(1);
		}
	});

	it('keeps the aspect ratio and anti-aliases a tall thin stroke', () => {
		// A "1": a bar 15 px wide and 150 px tall in a 300x200 drawing, scaled by 20/150.
		const [width, height] = [300, 200];
		const grey = new Float32Array(width * height);
		for (let y = 20; y < 170; y++) for (let x = 200; x < 215; x++) grey[y * width + x] = 1;
		const out = toMnist(grey, width, height);
		const shape = describeDigit(out);
		expect(shape.height).toBe(20);
		expect(shape.width).toBe(2); // 15 * 20 / 150 = 2 px
		// Area averaging, not nearest neighbour: the bar covers the box evenly, so the columns
		// are full ink and nothing outside them is.
		expect(out.filter((v) => v > 0).length).toBe(40);
		expect(Math.abs(shape.cx - MNIST_CENTRE)).toBeLessThanOrEqual(1);
	});

	it('gives grey levels where a stroke covers part of a pixel', () => {
		// 30 px tall, 10 px wide: scaled by 2/3, the bar is 6.67 px wide, so one column is partial.
		const [width, height] = [40, 40];
		const grey = new Float32Array(width * height);
		for (let y = 5; y < 35; y++) for (let x = 12; x < 22; x++) grey[y * width + x] = 1;
		const out = toMnist(grey, width, height);
		const partial = out.filter((v) => v > 0.05 && v < 0.95);
		expect(partial.length).toBe(20);
		expect(partial[0]).toBeCloseTo(2 / 3, 2);
	});

	it('scales a tiny drawing up to the 20x20 box', () => {
		const grey = new Float32Array(50 * 50);
		for (let y = 10; y < 15; y++) for (let x = 30; x < 35; x++) grey[y * 50 + x] = 1;
		const shape = describeDigit(toMnist(grey, 50, 50));
		expect([shape.width, shape.height]).toEqual([20, 20]);
	});

	it('refuses an empty drawing with a message saying what to do', () => {
		expect(() => toMnist(new Float32Array(280 * 280), 280, 280)).toThrow(EmptyDigitError);
		expect(() => toMnist(new Float32Array(280 * 280), 280, 280)).toThrow(
			'the drawing is empty: draw a digit first'
		);
	});

	it('names the mismatch when the array does not match the size', () => {
		expect(() => toMnist(new Float32Array(100), 20, 20)).toThrow(
			'toMnist: 100 values do not make a 20x20 image (expected 400)'
		);
	});
});

describe('rgbaToInk', () => {
	const centre = (ink: Float32Array) => ink[20 * 40 + 20];
	const corner = (ink: Float32Array) => ink[0];

	it('inverts dark ink on light paper', () => {
		const ink = rgbaToInk(square(40, 10, 30, [250, 248, 240, 255], [20, 20, 30, 255]), 40, 40);
		expect(centre(ink)).toBe(1);
		expect(corner(ink)).toBe(0);
	});

	it('keeps light ink on a dark background', () => {
		const ink = rgbaToInk(square(40, 10, 30, [0, 0, 0, 255], [255, 255, 255, 255]), 40, 40);
		expect(centre(ink)).toBe(1);
		expect(corner(ink)).toBe(0);
	});

	it('puts a transparent background on white paper', () => {
		const ink = rgbaToInk(square(40, 10, 30, [0, 0, 0, 0], [0, 0, 0, 255]), 40, 40);
		expect(centre(ink)).toBe(1);
		expect(corner(ink)).toBe(0);
	});

	it('does not turn paper grain into ink', () => {
		// Grainy off-white paper (+-6 grey levels) under a pencil-grey square.
		const rgba = new Uint8ClampedArray(40 * 40 * 4);
		for (let i = 0; i < 40 * 40; i++) {
			const [x, y] = [i % 40, Math.floor(i / 40)];
			const inside = x >= 10 && x < 30 && y >= 10 && y < 30;
			const v = inside ? 90 : 235 + ((i * 7919) % 13) - 6;
			rgba.set([v, v, v, 255], 4 * i);
		}
		const ink = rgbaToInk(rgba, 40, 40);
		expect(centre(ink)).toBe(1);
		const paper = ink.filter((_, i) => rgba[4 * i] !== 90);
		expect(Math.max(...paper)).toBe(0);
	});

	it('gives no ink for a blank page, so toMnist reports it empty', () => {
		const ink = rgbaToInk(square(40, 0, 0, [255, 255, 255, 255], [0, 0, 0, 255]), 40, 40);
		expect(Math.max(...ink)).toBe(0);
		expect(() => toMnist(ink, 40, 40)).toThrow(EmptyDigitError);
	});

	it('follows a fixed polarity when told, even if strokes cover most of the border', () => {
		// A black drawing pad scribbled white everywhere but rows 8..31.
		const rgba = square(40, 0, 40, [0, 0, 0, 255], [255, 255, 255, 255]);
		for (let i = 0; i < 40 * 24; i++) rgba.set([0, 0, 0, 255], 4 * (8 * 40 + i));
		const fixed = rgbaToInk(rgba, 40, 40, { polarity: 'light-on-dark' });
		expect(corner(fixed)).toBe(1);
		expect(fixed[20 * 40 + 5]).toBe(0);
		// Left to guess, the border (69 % white) reads as paper and the picture is inverted.
		expect(corner(rgbaToInk(rgba, 40, 40))).toBe(0);
	});
});

describe('validateImageFile', () => {
	it('accepts a PNG of reasonable size', () => {
		expect(validateImageFile({ name: 'seven.png', type: 'image/png', size: 2048 })).toBeNull();
		// Some systems report no type; a known extension is enough.
		expect(validateImageFile({ name: 'scan.JPG', type: '', size: 2048 })).toBeNull();
	});

	it('refuses a file that is not an image, naming it and its type', () => {
		expect(validateImageFile({ name: 'notes.txt', type: 'text/plain', size: 10 })).toBe(
			'"notes.txt" is not an image (type text/plain); choose a PNG, JPEG, GIF, WebP or BMP file'
		);
		expect(validateImageFile({ name: 'logo.svg', type: 'image/svg+xml', size: 10 })).toMatch(
			/^"logo.svg" is an SVG drawing/
		);
	});

	it('refuses a file over the size limit, giving both sizes', () => {
		expect(
			validateImageFile({ name: 'huge.png', type: 'image/png', size: 48.2 * 1024 * 1024 })
		).toBe('"huge.png" is 48.2 MB; the limit is 10 MB');
		// Just over the limit must not read as "10.0 MB; the limit is 10 MB".
		expect(
			validateImageFile({ name: 'edge.png', type: 'image/png', size: MAX_FILE_BYTES + 1 })
		).toBe('"edge.png" is 10.1 MB; the limit is 10 MB');
		expect(
			validateImageFile({ name: 'ok.png', type: 'image/png', size: MAX_FILE_BYTES })
		).toBeNull();
	});

	it('refuses an empty file', () => {
		expect(validateImageFile({ name: 'x.png', type: 'image/png', size: 0 })).toMatch(
			/^"x.png" is empty \(0 bytes\)/
		);
	});
});
