/**
 * The facial-recognition analogue of Fredrikson et al. 2015: "ten people, k photos each". A
 * softmax regression (the model family they found inverts most recognisably) trained on only k
 * training digits per class, seeded; with k small its inversion resembles those very digits.
 * The same digits can train a DP-SGD copy (Abadi et al. 2016) to show what differential privacy
 * protects: one individual, not the class average.
 *
 * Also here: the evaluation classifier of the attack-accuracy measure (Zhang et al. 2020, "The
 * Secret Revealer", section 4.1: an independent classifier judges whether an inversion shows
 * its class), trained on held-out digits that no attacked model saw.
 */
import { MNIST_CLASSES, MNIST_PIXELS, type DigitSet } from '../../data/mnist';
import { createRng, permutation } from '../../base/rng';
import { createMlp, disposeMlp, trainMlp, type Mlp } from '../mlp';
import { trainDpSgd } from '../privacy/dp-sgd';
import { epsilonFor } from '../privacy/rdp';
import { stepsPerEpoch } from '../train-loop';

export const FEW_SHOT_KS = [1, 5, 20, 100] as const;
/** Adam steps a few-photos model takes whatever k is (so k = 1 trains as long as k = 100). */
export const FEW_SHOT_STEPS = 400;
export const FEW_SHOT_LEARNING_RATE = 0.01;

/** k digits of each class from the training split, chosen by `seed`. */
export interface FewShotSet {
	k: number;
	/** [10k * 784] pixels in [0, 1], class by class */
	pixels: Float32Array;
	labels: Int32Array;
	/** the indices into the training split */
	indices: Int32Array;
}

/** Picks k digits per class from `set` (seeded), in class order. */
export function pickPerClass(set: DigitSet, k: number, seed: number, skip = 0): FewShotSet {
	if (!Number.isInteger(k) || k < 1)
		throw new Error(`few-photos model: k must be a whole number >= 1, got ${k}`);
	const order = permutation(set.count - skip, createRng(seed));
	const chosen: number[][] = Array.from({ length: MNIST_CLASSES }, () => []);
	for (const j of order) {
		const i = j + skip;
		const c = set.labels[i];
		if (chosen[c].length < k) chosen[c].push(i);
	}
	for (let c = 0; c < MNIST_CLASSES; c++)
		if (chosen[c].length < k)
			throw new Error(
				`few-photos model: the digit set has only ${chosen[c].length} digits of class ${c}, k is ${k}`
			);
	const indices = Int32Array.from(chosen.flat());
	const pixels = new Float32Array(indices.length * MNIST_PIXELS);
	indices.forEach((i, r) => {
		for (let p = 0; p < MNIST_PIXELS; p++)
			pixels[r * MNIST_PIXELS + p] = set.pixels[i * MNIST_PIXELS + p] / 255;
	});
	const labels = Int32Array.from(indices, (i) => set.labels[i]);
	return { k, pixels, labels, indices };
}

export interface FewShotPrivacy {
	sigma: number;
	clip: number;
	delta: number;
}

export interface FewShotModel {
	mlp: Mlp;
	set: FewShotSet;
	/** epsilon of the DP-SGD copy at `delta`; Infinity when trained without privacy */
	epsilon: number;
	trainMs: number;
}

/**
 * Trains the softmax regression [784, 10] on `set`: FEW_SHOT_STEPS Adam steps of batches up to
 * 50, or with `privacy` DP-SGD (clipping, noise, Poisson lots of up to 10 digits) for as many
 * steps. The caller owns the model (disposeMlp).
 */
export async function trainFewShot(
	set: FewShotSet,
	seed: number,
	opts: { privacy?: FewShotPrivacy; signal?: AbortSignal; onProgress?: (f: number) => void } = {}
): Promise<FewShotModel> {
	const started = performance.now();
	const n = set.labels.length;
	const mlp = createMlp([MNIST_PIXELS, MNIST_CLASSES], seed);
	try {
		let epsilon = Infinity;
		if (opts.privacy) {
			const batchSize = Math.min(10, n);
			const epochs = Math.ceil(FEW_SHOT_STEPS / stepsPerEpoch(n, batchSize));
			await trainDpSgd(mlp, set.pixels, set.labels, {
				batchSize,
				epochs,
				learningRate: 0.5,
				seed,
				sigma: opts.privacy.sigma,
				clip: opts.privacy.clip,
				signal: opts.signal,
				onProgress: (s, total) => opts.onProgress?.(s / total)
			});
			epsilon =
				opts.privacy.sigma > 0
					? epsilonFor({
							q: batchSize / n,
							sigma: opts.privacy.sigma,
							steps: stepsPerEpoch(n, batchSize) * epochs,
							delta: opts.privacy.delta
						}).epsilon
					: Infinity;
		} else {
			const batchSize = Math.min(50, n);
			const epochs = Math.ceil(FEW_SHOT_STEPS / stepsPerEpoch(n, batchSize));
			await trainMlp(mlp, set.pixels, set.labels, {
				epochs,
				batchSize,
				learningRate: FEW_SHOT_LEARNING_RATE,
				seed,
				signal: opts.signal,
				onEpoch: (e) => opts.onProgress?.(e / epochs)
			});
		}
		return { mlp, set, epsilon, trainMs: performance.now() - started };
	} catch (err) {
		disposeMlp(mlp);
		throw err;
	}
}

/** Digits of the held-out split the evaluator trains on: the first EVALUATOR_DIGITS. */
export const EVALUATOR_DIGITS = 800;
/** The evaluator: an MLP [784, 128, 10], 8 epochs of Adam on EVALUATOR_DIGITS held-out digits. */
export const EVALUATOR_SIZES = [MNIST_PIXELS, 128, MNIST_CLASSES] as const;

/**
 * Trains the evaluation classifier on the held-out split's first EVALUATOR_DIGITS digits, which
 * neither the shipped models nor the few-photos models (training split) ever saw; the rest of
 * the split is the held-out comparison pool (heldOutPool). The caller owns the model.
 */
export async function trainEvaluator(test: DigitSet, seed = 1, signal?: AbortSignal): Promise<Mlp> {
	const n = Math.min(EVALUATOR_DIGITS, test.count);
	const pixels = new Float32Array(n * MNIST_PIXELS);
	for (let i = 0; i < pixels.length; i++) pixels[i] = test.pixels[i] / 255;
	const mlp = createMlp(EVALUATOR_SIZES, seed);
	try {
		await trainMlp(mlp, pixels, test.labels.subarray(0, n), {
			epochs: 8,
			batchSize: 32,
			learningRate: 0.002,
			seed,
			signal
		});
		return mlp;
	} catch (err) {
		disposeMlp(mlp);
		throw err;
	}
}

/**
 * k held-out digits per class, from past the evaluator's digits: the comparison pool the same
 * size as the few-photos training set, so "nearer a training photo than a held-out one" is a
 * fair contest (a larger pool would win by numbers alone).
 */
export function heldOutPool(test: DigitSet, k: number, seed: number): FewShotSet {
	return pickPerClass(test, k, seed, Math.min(EVALUATOR_DIGITS, test.count));
}
