/**
 * Minibatch training of a digit classifier, optionally adversarial. Used by `npm run train`
 * (Node) and by labs that train in the browser; it yields between batches, reports progress and
 * stops on an AbortSignal.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gatherDigits, MNIST_SIDE, type DigitSet } from '../data/mnist';
import { crossEntropy, type Classifier } from './classifier';
import { fgsm } from './attacks/fgsm';
import { createRng, permutation, randomInt, type Rng } from './rng';
import { throwIfAborted, yieldToEventLoop } from './yield';

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
	signal?: AbortSignal;
	onBatch?: (done: number, total: number) => void;
	onEpoch?: (report: EpochReport) => void;
}

export interface EpochReport {
	epoch: number;
	loss: number;
	ms: number;
}

const YIELD_EVERY_MS = 30;

export async function trainClassifier(
	classifier: Classifier,
	data: DigitSet,
	opts: TrainOptions
): Promise<EpochReport[]> {
	const optimizer = tf.train.adam(opts.learningRate);
	const rng = createRng(opts.seed);
	const reports: EpochReport[] = [];
	const batchesPerEpoch = Math.ceil(data.count / opts.batchSize);
	try {
		for (let epoch = 1; epoch <= opts.epochs; epoch++) {
			const start = performance.now();
			setLearningRate(optimizer, learningRateAt(epoch, opts));
			const order = permutation(data.count, rng);
			let lossSum = 0;
			let lastYield = performance.now();
			for (let b = 0; b < batchesPerEpoch; b++) {
				throwIfAborted(opts.signal);
				const idx = order.subarray(b * opts.batchSize, (b + 1) * opts.batchSize);
				const { pixels, labels } = gatherDigits(data, idx);
				if (opts.maxShift) shiftDigits(pixels, opts.maxShift, rng);
				const loss = tf.tidy(() => {
					const x = tf.tensor4d(pixels, [idx.length, MNIST_SIDE, MNIST_SIDE, 1]);
					const y = tf.tensor1d(labels, 'int32');
					const adv = opts.adversarial;
					const xAdv = adv ? fgsm(classifier, x, y, adv.eps) : null;
					return optimizer.minimize(
						() => {
							const clean = crossEntropy(classifier.logits(x), y);
							if (!adv || !xAdv) return clean;
							const attacked = crossEntropy(classifier.logits(xAdv), y);
							return tf.add(tf.mul(clean, adv.weight), tf.mul(attacked, 1 - adv.weight));
						},
						true,
						classifier.variables
					) as tf.Scalar;
				});
				lossSum += (await loss.data())[0];
				loss.dispose();
				opts.onBatch?.(b + 1, batchesPerEpoch);
				if (performance.now() - lastYield > YIELD_EVERY_MS) {
					await yieldToEventLoop();
					lastYield = performance.now();
				}
			}
			const report = { epoch, loss: lossSum / batchesPerEpoch, ms: performance.now() - start };
			reports.push(report);
			opts.onEpoch?.(report);
		}
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
