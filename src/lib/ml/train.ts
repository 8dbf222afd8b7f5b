/**
 * Minibatch training of a digit classifier, optionally adversarial, on the shared loop
 * (train-loop.ts). Used by `npm run train` (Node) and by labs that train in the browser.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gaussianNoise } from '../base/gaussian';
import { gatherDigits, MNIST_SIDE, type DigitSet } from '../data/mnist';
import type { Classifier } from './classifier';
import { meanCrossEntropy } from './losses';
import { trainLoop } from './train-loop';
import { fgsm } from './adversarial/fgsm';
import { randomInt, type Rng } from '../base/rng';

export interface TrainOptions {
	epochs: number;
	batchSize: number;
	learningRate: number;
	seed: number;
	/**
	 * Goodfellow et al. 2015, section 6: minimise weight * J(x) + (1 - weight) * J(x'), with x'
	 * the FGSM example of x at `eps` under the current weights (no gradient through x').
	 */
	adversarial?: { eps: number; weight: number };
	/**
	 * Anneal the learning rate along a half cosine, from learningRate in the first epoch to
	 * learningRate * finalLearningRateFraction in the last. Omitted: constant.
	 */
	finalLearningRateFraction?: number;
	/** Shift each training digit by up to this many pixels in x and y (seeded); 0 = off. */
	maxShift?: number;
	/**
	 * Add N(0, noise^2) to every pixel of every training digit, fresh each batch, unclipped: the
	 * base classifier of randomized smoothing at that sigma (Cohen et al. 2019, section 4). 0 = off.
	 */
	noise?: number;
	signal?: AbortSignal;
	/** steps done and steps in all, over every epoch */
	onProgress?: (done: number, total: number) => void;
	onEpoch?: (report: EpochReport) => void;
}

export interface EpochReport {
	epoch: number;
	loss: number;
	ms: number;
}

export async function trainClassifier(
	classifier: Classifier,
	data: DigitSet,
	opts: TrainOptions
): Promise<EpochReport[]> {
	const optimizer = tf.train.adam(opts.learningRate);
	const reports: EpochReport[] = [];
	try {
		await trainLoop(
			{
				n: data.count,
				batchSize: opts.batchSize,
				epochs: opts.epochs,
				seed: opts.seed,
				signal: opts.signal,
				onEpochStart: (epoch) => setLearningRate(optimizer, learningRateAt(epoch, opts)),
				onProgress: opts.onProgress,
				onEpoch: (epoch, loss, ms) => {
					const report = { epoch, loss, ms };
					reports.push(report);
					opts.onEpoch?.(report);
				}
			},
			({ indices, rng }) => {
				const { pixels, labels } = gatherDigits(data, indices);
				if (opts.maxShift) shiftDigits(pixels, opts.maxShift, rng);
				if (opts.noise) {
					const noise = gaussianNoise(pixels.length, opts.noise, Math.floor(rng() * 2 ** 31));
					for (let i = 0; i < pixels.length; i++) pixels[i] += noise[i];
				}
				const loss = tf.tidy(() => {
					const x = tf.tensor4d(pixels, [indices.length, MNIST_SIDE, MNIST_SIDE, 1]);
					const y = tf.tensor1d(labels, 'int32');
					const adv = opts.adversarial;
					const xAdv = adv ? fgsm(classifier, x, y, adv.eps) : null;
					return optimizer.minimize(
						() => {
							const clean = meanCrossEntropy(classifier.logits(x), y);
							if (!adv || !xAdv) return clean;
							const attacked = meanCrossEntropy(classifier.logits(xAdv), y);
							return tf.add(tf.mul(clean, adv.weight), tf.mul(attacked, 1 - adv.weight));
						},
						true,
						classifier.variables
					) as tf.Scalar;
				});
				return { loss };
			}
		);
	} finally {
		optimizer.dispose();
	}
	return reports;
}

/**
 * Moves each 28x28 digit by a random whole-pixel offset in [-maxShift, maxShift], filling with
 * background. The cheapest augmentation that helps a CNN trained on few digits generalise.
 */
export function shiftDigits(pixels: Float32Array, maxShift: number, rng: Rng) {
	const side = MNIST_SIDE;
	const size = side * side;
	const copy = new Float32Array(size);
	for (let start = 0; start < pixels.length; start += size) {
		const dx = randomInt(rng, 2 * maxShift + 1) - maxShift;
		const dy = randomInt(rng, 2 * maxShift + 1) - maxShift;
		if (dx === 0 && dy === 0) continue;
		copy.set(pixels.subarray(start, start + size));
		for (let r = 0; r < side; r++) {
			const sr = r - dy;
			for (let c = 0; c < side; c++) {
				const sc = c - dx;
				pixels[start + r * side + c] =
					sr >= 0 && sr < side && sc >= 0 && sc < side ? copy[sr * side + sc] : 0;
			}
		}
	}
}

/** The learning rate of an epoch (1-based) under the options' cosine schedule. */
export function learningRateAt(
	epoch: number,
	opts: Pick<TrainOptions, 'epochs' | 'learningRate' | 'finalLearningRateFraction'>
): number {
	const final = opts.finalLearningRateFraction;
	if (final === undefined || opts.epochs <= 1) return opts.learningRate;
	const progress = (epoch - 1) / (opts.epochs - 1);
	const fraction = final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * progress));
	return opts.learningRate * fraction;
}

// tfjs optimisers read their learning rate on every step but keep the field protected.
function setLearningRate(optimizer: tf.AdamOptimizer, rate: number) {
	(optimizer as unknown as { learningRate: number }).learningRate = rate;
}
