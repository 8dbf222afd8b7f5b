/**
 * Input-transformation defences: squeeze the pixels before the classifier sees them, hoping to
 * undo a small perturbation while leaving the digit readable.
 *
 * The lab's default threat model is an oblivious adversary: attacks are crafted on the undefended
 * model and then shown to the defended one (robustnessCurve's `evaluateOn`). An adversary who
 * knows the defence can attack through it; see defended() for the gradient it exposes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '../classifier';

/**
 * Feature squeezing by colour-depth reduction.
 * Xu, Evans, Qi 2018, "Feature Squeezing: Detecting Adversarial Examples in Deep Neural
 * Networks", section 3.1: round each pixel to one of 2^bits levels, x' = round(x (2^bits - 1)) /
 * (2^bits - 1). bits = 1 thresholds at 0.5 (ties round to even, i.e. down to 0; 8-bit pixels k/255
 * never tie). Allocates; the caller owns tf.tidy.
 */
export function bitDepth(x: tf.Tensor4D, bits: number): tf.Tensor4D {
	if (!Number.isInteger(bits) || bits < 1 || bits > 8)
		throw new Error(`bitDepth: bits must be a whole number from 1 to 8, got ${bits}`);
	const levels = 2 ** bits - 1;
	return tf.tidy(() => tf.div(tf.round(tf.mul(x, levels)), levels));
}

type T4 = tf.Tensor4D;
const min = (a: T4, b: T4) => tf.minimum(a, b) as T4;
const max = (a: T4, b: T4) => tf.maximum(a, b) as T4;

/** The median of three, elementwise, from four comparisons. */
function median3(a: T4, b: T4, c: T4): T4 {
	return max(min(a, b), min(max(a, b), c));
}

// Shifted views as 2-D slices of long contiguous runs: WASM's 4-D slice copies one element at a
// time when the last axis has length 1, which made the filter 10x slower.

/** Rows [from, from + count) of an [n, rows, cols, c] tensor. */
function rows(t: T4, from: number, count: number): T4 {
	const [n, h, w, c] = t.shape;
	const flat = tf.reshape(t, [n, h * w * c]);
	return tf.reshape(tf.slice(flat, [0, from * w * c], [n, count * w * c]), [n, count, w, c]);
}

/** Columns [from, from + count) of an [n, rows, cols, c] tensor. */
function cols(t: T4, from: number, count: number): T4 {
	const [n, h, w, c] = t.shape;
	const flat = tf.reshape(t, [n * h, w * c]);
	return tf.reshape(tf.slice(flat, [0, from * c], [n * h, count * c]), [n, h, count, c]);
}

/**
 * Median smoothing over a size x size window (size 2 or 3).
 * Xu, Evans, Qi 2018, section 3.2 (local smoothing, median filter). Borders are padded by
 * reflection including the edge pixel (tf.mirrorPad 'symmetric', scipy's 'reflect'). For size 2
 * the window is the pixel, its upper and left neighbours and the one up-left, and of the four
 * values it takes the upper median, as scipy.ndimage.median_filter (which Xu et al. used) does.
 *
 * Built from min and max, not sorting: each row of the window is sorted once for the whole image
 * and shared between neighbouring windows, then the rows are combined (for 3x3, Paeth's rule: the
 * median of max-of-minima, median-of-medians and min-of-maxima). About 20 elementwise ops, fast on
 * every backend (tf.topk over stacked shifts was 40x slower on WASM), and differentiable.
 * Allocates; the caller owns tf.tidy.
 */
export function medianSmooth(x: tf.Tensor4D, size: 2 | 3 = 2): tf.Tensor4D {
	if (size !== 2 && size !== 3) throw new Error(`medianSmooth: size must be 2 or 3, got ${size}`);
	const [, h, w] = x.shape;
	if (Math.min(h, w) < size)
		throw new Error(
			`medianSmooth: the image (${h}x${w}) is smaller than the ${size}x${size} window`
		);
	return tf.tidy(() => {
		const [before, after] = size === 3 ? [1, 1] : [1, 0];
		const padded = tf.mirrorPad(
			x,
			[
				[0, 0],
				[before, after],
				[before, after],
				[0, 0]
			],
			'symmetric'
		);
		if (size === 2) {
			// Each row pair (left, right) sorted, then the second largest of the two pairs.
			const [left, right] = [cols(padded, 0, w), cols(padded, 1, w)];
			const lo = min(left, right);
			const hi = max(left, right);
			return max(min(rows(hi, 0, h), rows(hi, 1, h)), max(rows(lo, 0, h), rows(lo, 1, h)));
		}
		// Each row triple (left, centre, right) sorted into lo <= mid <= hi.
		const [left, centre, right] = [cols(padded, 0, w), cols(padded, 1, w), cols(padded, 2, w)];
		const lo = min(min(left, centre), right);
		const mid = median3(left, centre, right);
		const hi = max(max(left, centre), right);
		const maxOfMins = max(max(rows(lo, 0, h), rows(lo, 1, h)), rows(lo, 2, h));
		const medOfMeds = median3(rows(mid, 0, h), rows(mid, 1, h), rows(mid, 2, h));
		const minOfMaxs = min(min(rows(hi, 0, h), rows(hi, 1, h)), rows(hi, 2, h));
		return median3(maxOfMins, medOfMeds, minOfMaxs);
	});
}

export const DEFENCE_IDS = ['none', 'bit-depth-1', 'median-2', 'median-3'] as const;
export type DefenceId = (typeof DEFENCE_IDS)[number];

export interface DefenceInfo {
	id: DefenceId;
	label: string;
	summary: string;
	/** The paper the defence follows, cited where it is shown. */
	reference: string;
	/** [n, 28, 28, 1] -> [n, 28, 28, 1] in [0, 1]. Allocates; the caller owns tf.tidy. */
	transform(x: tf.Tensor4D): tf.Tensor4D;
	/**
	 * How defended() differentiates through the transform: 'exact' where its gradient is useful
	 * (median: min/max route it to the chosen pixel), 'straight-through' where it is zero almost
	 * everywhere (rounding).
	 */
	gradient: 'exact' | 'straight-through';
}

const XU_2018 =
	'Xu, Evans, Qi 2018, "Feature Squeezing: Detecting Adversarial Examples in Deep Neural Networks"';

export const DEFENCES: Record<DefenceId, DefenceInfo> = {
	none: {
		id: 'none',
		label: 'No defence',
		summary: 'The classifier sees the pixels as they are.',
		reference: '',
		transform: (x) => tf.clone(x),
		gradient: 'exact'
	},
	'bit-depth-1': {
		id: 'bit-depth-1',
		label: '1-bit depth',
		summary:
			'Every pixel becomes black or white (threshold 0.5), the squeezer Xu et al. chose for MNIST.',
		reference: `${XU_2018}, section 3.1 (1-bit depth for MNIST)`,
		transform: (x) => bitDepth(x, 1),
		gradient: 'straight-through'
	},
	'median-2': {
		id: 'median-2',
		label: '2x2 median',
		summary:
			'Each pixel takes the median of a 2x2 window, the smoothing Xu et al. chose for MNIST.',
		reference: `${XU_2018}, section 3.2 (2x2 median filter for MNIST)`,
		transform: (x) => medianSmooth(x, 2),
		gradient: 'exact'
	},
	'median-3': {
		id: 'median-3',
		label: '3x3 median',
		summary:
			'Each pixel takes the median of its 3x3 neighbourhood: stronger smoothing, thinner strokes.',
		reference: `${XU_2018}, section 3.2 (median filter; 3x3 is a stronger setting than theirs for MNIST)`,
		transform: (x) => medianSmooth(x, 3),
		gradient: 'exact'
	}
};

export function isDefenceId(value: string): value is DefenceId {
	return (DEFENCE_IDS as readonly string[]).includes(value);
}

/**
 * The classifier with the defence in front: logits(x) = classifier.logits(transform(x)).
 *
 * Attacks in the lab are crafted on the undefended model (an oblivious adversary) and then
 * evaluated on this wrapper. An attack run *on* the wrapper is the adaptive adversary, and so it
 * must not be silently gradient-masked: bit-depth reduction has a zero gradient, so for it the
 * wrapper passes the gradient straight through the transform as if it were the identity (BPDA,
 * Athalye, Carlini, Wagner 2018, "Obfuscated Gradients Give a False Sense of Security", 4.1).
 *
 * The wrapper shares the classifier's weights and does not own them: its dispose() does nothing;
 * dispose the classifier itself.
 */
export function defended(classifier: Classifier, defenceId: DefenceId): Classifier {
	const defence = DEFENCES[defenceId];
	if (!defence) {
		throw new Error(`defended: unknown defence "${defenceId}" (one of ${DEFENCE_IDS.join(', ')})`);
	}
	const squeeze =
		defence.gradient === 'exact'
			? defence.transform
			: tf.customGrad<tf.Tensor4D>((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
					value: defence.transform(args[0] as tf.Tensor4D),
					gradFunc: (dy) => dy
				}));
	return {
		logits: (x) => tf.tidy(() => classifier.logits(squeeze(x))),
		get variables() {
			return classifier.variables;
		},
		dispose: () => {}
	};
}
