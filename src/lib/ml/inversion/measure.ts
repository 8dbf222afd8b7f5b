/**
 * How good a reconstruction is, in numbers beside every image:
 * - attack accuracy (Zhang et al. 2020, section 4.1): the share of inversions that the
 *   independent evaluator (few-shot.ts, trained on held-out digits) assigns to the target class;
 * - for the few-photos models, the distance (L2 and SSIM) from each inversion to the nearest
 *   training digit of its class against the nearest held-out digit of its class (pools of equal
 *   size), and whether the nearest of all those digits, any class, is a training digit of the
 *   target class: "it recovered a real training photo".
 * Plain arrays; the evaluator's probabilities come in already computed.
 */
import { argmax } from '../../base/argmax';
import { ssim } from '../../base/ssim';
import { MNIST_CLASSES, MNIST_PIXELS, MNIST_SIDE, type DigitSet } from '../../data/mnist';
import type { FewShotSet } from './few-shot';

/** Euclidean distance between two 784-pixel images in [0, 1] (at most 28). */
export function pixelDistance(
	a: ArrayLike<number>,
	aAt: number,
	b: ArrayLike<number>,
	bAt: number
): number {
	let s = 0;
	for (let p = 0; p < MNIST_PIXELS; p++) {
		const d = a[aAt + p] - b[bAt + p];
		s += d * d;
	}
	return Math.sqrt(s);
}

/** The mean training digit of each class, [10 * 784] in [0, 1]. */
export function classMeans(set: DigitSet): Float32Array {
	const sums = new Float64Array(MNIST_CLASSES * MNIST_PIXELS);
	const counts = new Float64Array(MNIST_CLASSES);
	for (let i = 0; i < set.count; i++) {
		const c = set.labels[i];
		counts[c]++;
		for (let p = 0; p < MNIST_PIXELS; p++)
			sums[c * MNIST_PIXELS + p] += set.pixels[i * MNIST_PIXELS + p];
	}
	const out = new Float32Array(sums.length);
	for (let c = 0; c < MNIST_CLASSES; c++)
		for (let p = 0; p < MNIST_PIXELS; p++)
			out[c * MNIST_PIXELS + p] = counts[c] ? sums[c * MNIST_PIXELS + p] / counts[c] / 255 : 0;
	return out;
}

export interface Nearest {
	/** index into the pool */
	index: number;
	distance: number;
	ssim: number;
}

/** The pool image of class `cls` nearest (L2) to image `row` of `pixels`. */
export function nearestOfClass(
	pixels: Float32Array,
	row: number,
	pool: FewShotSet,
	cls: number
): Nearest {
	let best = -1;
	let bestD = Infinity;
	for (let i = 0; i < pool.labels.length; i++) {
		if (pool.labels[i] !== cls) continue;
		const d = pixelDistance(pixels, row * MNIST_PIXELS, pool.pixels, i * MNIST_PIXELS);
		if (d < bestD) {
			bestD = d;
			best = i;
		}
	}
	if (best < 0) throw new Error(`inversion: the comparison pool has no digit of class ${cls}`);
	const at = best * MNIST_PIXELS;
	return {
		index: best,
		distance: bestD,
		ssim: ssim(
			pixels.subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS),
			pool.pixels.subarray(at, at + MNIST_PIXELS),
			MNIST_SIDE,
			MNIST_SIDE
		)
	};
}

export interface RowMeasure {
	target: number;
	/** the evaluator's class for the inversion */
	evaluatorClass: number;
	/** few-photos models only: nearest training and held-out digit of the target class */
	nearestTrain?: Nearest;
	nearestHeldOut?: Nearest;
	/** the nearest digit of both pools, any class, is a training digit of the target class */
	recoveredTraining?: boolean;
}

export interface InversionMeasures {
	rows: RowMeasure[];
	/** share of rows the evaluator assigns to the target class */
	attackAccuracy: number;
	/** few-photos: share of rows whose nearest digit is one of the class's training photos */
	recoveredRate?: number;
	/** few-photos: mean over rows of nearest held-out minus nearest training distance */
	meanDistanceGap?: number;
}

/**
 * `evaluatorProbs` [rows * 10] are the evaluator's class probabilities for the inversions;
 * `pools` (few-photos models) are the training digits and an equal-size held-out pool.
 */
export function measureInversions(
	targets: readonly number[],
	pixels: Float32Array,
	evaluatorProbs: ArrayLike<number>,
	pools?: { train: FewShotSet; heldOut: FewShotSet }
): InversionMeasures {
	const rows: RowMeasure[] = targets.map((target, r) => {
		const m: RowMeasure = {
			target,
			evaluatorClass: argmax(evaluatorProbs, r * MNIST_CLASSES, MNIST_CLASSES)
		};
		if (pools) {
			m.nearestTrain = nearestOfClass(pixels, r, pools.train, target);
			m.nearestHeldOut = nearestOfClass(pixels, r, pools.heldOut, target);
			let bestTrain = Infinity;
			for (let i = 0; i < pools.train.labels.length; i++)
				if (pools.train.labels[i] === target)
					bestTrain = Math.min(
						bestTrain,
						pixelDistance(pixels, r * MNIST_PIXELS, pools.train.pixels, i * MNIST_PIXELS)
					);
			let bestOther = Infinity;
			for (const [pool, own] of [
				[pools.train, false],
				[pools.heldOut, true]
			] as const)
				for (let i = 0; i < pool.labels.length; i++) {
					if (!own && pool.labels[i] === target) continue;
					bestOther = Math.min(
						bestOther,
						pixelDistance(pixels, r * MNIST_PIXELS, pool.pixels, i * MNIST_PIXELS)
					);
				}
			m.recoveredTraining = bestTrain < bestOther;
		}
		return m;
	});
	const share = (f: (m: RowMeasure) => boolean) => rows.filter(f).length / rows.length;
	const out: InversionMeasures = {
		rows,
		attackAccuracy: share((m) => m.evaluatorClass === m.target)
	};
	if (pools) {
		out.recoveredRate = share((m) => m.recoveredTraining === true);
		out.meanDistanceGap =
			rows.reduce((a, m) => a + m.nearestHeldOut!.distance - m.nearestTrain!.distance, 0) /
			rows.length;
	}
	return out;
}
