/**
 * Turning any picture of a digit (a drawing, a photo, a scan) into a digit the MNIST models have
 * learnt to read. Framework-free: plain typed arrays in and out, so it runs in Node tests too.
 */
import { MNIST_PIXELS, MNIST_SIDE } from './mnist';

/** Side of the box that the digit's bounding box is scaled to fit (LeCun et al. 1998). */
export const MNIST_BOX = 20;

/**
 * Where the centre of mass lands, in pixel-index coordinates. Measured on the shipped digits, the
 * mean centre of mass is (14.00, 14.00), i.e. side / 2, not the geometric centre 13.5.
 */
export const MNIST_CENTRE = MNIST_SIDE / 2;

/** Ink below this (half a grey level) is background when finding the bounding box. */
const INK_FLOOR = 0.5 / 255;

/** Thrown when there is no ink to normalise; callers can reword it for their input. */
export class EmptyDigitError extends Error {
	constructor(message = 'the drawing is empty: draw a digit first') {
		super(message);
		this.name = 'EmptyDigitError';
	}
}

function checkSize(length: number, width: number, height: number, per: number, what: string) {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new Error(`${what}: size ${width}x${height} is not a positive whole number of pixels`);
	}
	if (length !== width * height * per) {
		throw new Error(
			`${what}: ${length} values do not make a ${width}x${height} image ` +
				`(expected ${width * height * per})`
		);
	}
}

/**
 * Box-filter weights for resampling `srcLen` pixels by `scale` into `outLen` pixels: each output
 * pixel averages the source pixels it covers, weighted by how much of each it covers.
 */
function boxWeights(srcLen: number, outLen: number, scale: number) {
	return Array.from({ length: outLen }, (_, o) => {
		const a = o / scale;
		const b = Math.min((o + 1) / scale, srcLen);
		const first = Math.floor(a);
		const weights: number[] = [];
		for (let i = first; i < b; i++) weights.push((Math.min(b, i + 1) - Math.max(a, i)) * scale);
		return { first, weights };
	});
}

/**
 * MNIST's preprocessing, reproduced for any ink map (0 = background .. 1 = ink, row-major).
 *
 * LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to document recognition",
 * Proc. IEEE 86(11), 1998, section III-A (and yann.lecun.com/exdb/mnist): the digit is
 * "size normalized to fit in a 20x20 pixel box while preserving their aspect ratio", with grey
 * levels from anti-aliasing, then "centered in a 28x28 image by computing the center of mass of
 * the pixels, and translating the image so as to position this point at the center".
 *
 * Here: the ink's bounding box is scaled (up or down) so its longer side is 20 px, by area
 * averaging; the result is shifted by whole pixels (rounded) so its centre of mass sits at
 * (14, 14). Throws EmptyDigitError when there is no ink.
 */
export function toMnist(grey: Float32Array, width: number, height: number): Float32Array {
	checkSize(grey.length, width, height, 1, 'toMnist');
	let x0 = width;
	let x1 = -1;
	let y0 = height;
	let y1 = -1;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			if (grey[y * width + x] > INK_FLOOR) {
				if (x < x0) x0 = x;
				if (x > x1) x1 = x;
				if (y < y0) y0 = y;
				if (y > y1) y1 = y;
			}
		}
	}
	if (x1 < 0) throw new EmptyDigitError();

	const bw = x1 - x0 + 1;
	const bh = y1 - y0 + 1;
	const scale = MNIST_BOX / Math.max(bw, bh);
	// The epsilon keeps 20.000000001 from rounding up to a 21st column.
	const w = Math.max(1, Math.min(MNIST_BOX, Math.ceil(bw * scale - 1e-9)));
	const h = Math.max(1, Math.min(MNIST_BOX, Math.ceil(bh * scale - 1e-9)));

	// Separable box filter: rows first (bh x w), then columns (h x w).
	const across = boxWeights(bw, w, scale);
	const rows = new Float64Array(bh * w);
	for (let y = 0; y < bh; y++) {
		const line = (y0 + y) * width + x0;
		for (let o = 0; o < w; o++) {
			const { first, weights } = across[o];
			let sum = 0;
			for (let k = 0; k < weights.length; k++) sum += weights[k] * grey[line + first + k];
			rows[y * w + o] = sum;
		}
	}
	const down = boxWeights(bh, h, scale);
	const box = new Float64Array(h * w);
	let peak = 0;
	for (let o = 0; o < h; o++) {
		const { first, weights } = down[o];
		for (let x = 0; x < w; x++) {
			let sum = 0;
			for (let k = 0; k < weights.length; k++) sum += weights[k] * rows[(first + k) * w + x];
			box[o * w + x] = sum;
			if (sum > peak) peak = sum;
		}
	}
	if (peak <= 0) throw new EmptyDigitError();

	// Every MNIST digit reaches full ink; a thin stroke averaged down would not, so stretch the
	// peak back to 1 to stay inside the distribution the models were trained on.
	let mass = 0;
	let mx = 0;
	let my = 0;
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const v = Math.min(1, Math.max(0, box[y * w + x] / peak));
			box[y * w + x] = v;
			mass += v;
			mx += v * x;
			my += v * y;
		}
	}
	// A lopsided digit could be pushed off the edge; clamping keeps all its ink instead.
	const left = Math.min(MNIST_SIDE - w, Math.max(0, Math.round(MNIST_CENTRE - mx / mass)));
	const top = Math.min(MNIST_SIDE - h, Math.max(0, Math.round(MNIST_CENTRE - my / mass)));

	const out = new Float32Array(MNIST_PIXELS);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) out[(top + y) * MNIST_SIDE + left + x] = box[y * w + x];
	}
	return out;
}

/** Which way round the ink is: 'auto' decides from the image's border. */
export type InkPolarity = 'auto' | 'dark-on-light' | 'light-on-dark';

export interface InkOptions {
	polarity?: InkPolarity;
}

/** Below this contrast between border and strongest ink the image counts as blank. */
const MIN_CONTRAST = 0.15;

/**
 * RGBA (e.g. canvas ImageData) to an ink map in [0, 1]: luminance with alpha composited on white
 * paper, inverted when the ink is dark on a light background (judged from the mean of a thin
 * border band, which is mostly paper), then contrast-stretched from the background level so that
 * paper grain and shadows stay 0 and the strong strokes reach 1. A blank image gives all zeros.
 */
export function rgbaToInk(
	rgba: Uint8ClampedArray | Uint8Array,
	width: number,
	height: number,
	options: InkOptions = {}
): Float32Array {
	checkSize(rgba.length, width, height, 4, 'rgbaToInk');
	const n = width * height;
	const light = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		const [r, g, b, a] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]];
		// Rec. 601 luma; a transparent pixel shows the white paper underneath.
		const luma = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
		light[i] = (a / 255) * luma + (1 - a / 255);
	}

	const band = Math.max(1, Math.round(0.02 * Math.min(width, height)));
	const border: number[] = [];
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			if (x >= band && x < width - band && y >= band && y < height - band) continue;
			border.push(light[y * width + x]);
		}
	}
	const polarity = options.polarity ?? 'auto';
	const borderMean = border.reduce((a, b) => a + b, 0) / border.length;
	const invert = polarity === 'dark-on-light' || (polarity === 'auto' && borderMean > 0.5);
	const ink = invert ? light.map((v) => 1 - v) : light;

	// Paper level and grain from the border's paper-like quarter and the pixels near it, so a
	// stroke or a shadow reaching the edge does not count as background.
	const borderInk = border.map((v) => (invert ? 1 - v : v)).sort((a, b) => a - b);
	const paperLevel = borderInk[Math.floor(0.25 * (borderInk.length - 1))];
	const paper = borderInk.filter((v) => v <= paperLevel + 0.1);
	const background = paper.reduce((a, b) => a + b, 0) / paper.length;
	const spread = Math.sqrt(paper.reduce((a, v) => a + (v - background) ** 2, 0) / paper.length);

	// Strong ink = the 95th percentile of clearly-inked pixels, so a few dark specks do not set it.
	const noise = background + Math.max(3 * spread, 0.05);
	const inked = ink.filter((v) => v > noise).sort();
	const out = new Float32Array(n);
	if (inked.length === 0) return out;
	const strong = inked[Math.floor(0.95 * (inked.length - 1))];
	if (strong - background < MIN_CONTRAST) return out;

	// Very grainy paper must not lift the cut above the ink itself.
	const range = strong - background;
	const lo = background + Math.min(Math.max(3 * spread, 0.1 * range), 0.5 * range);
	const hi = lo + 0.8 * (strong - lo);
	for (let i = 0; i < n; i++) out[i] = Math.min(1, Math.max(0, (ink[i] - lo) / (hi - lo)));
	return out;
}
