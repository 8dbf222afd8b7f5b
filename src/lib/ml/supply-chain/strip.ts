/**
 * STRIP, a run-time input check against trojaned models (Gao, Xu, Wang, Chen, Ranasinghe, Nepal
 * 2019, "STRIP: A Defence Against Trojan Attacks on Deep Neural Networks", section IV): blend the
 * incoming input with N clean digits and look at the entropy of the model's predictions on the
 * blends. A clean input's class is easily disturbed (high entropy); a triggered input keeps
 * answering the target whatever it is blended with (low entropy). The alarm threshold is set
 * from clean inputs alone, at a chosen false-rejection rate (the paper: 1 %).
 *
 * Blending: the two images added pixel by pixel and clipped to [0, 1] (the paper superimposes
 * images; for MNIST strokes on black, addition keeps both digits visible).
 */
import * as tf from '@tensorflow/tfjs-core';
import { rocAuc } from '../../base/metrics';
import { MNIST_PIXELS, MNIST_SIDE } from '../../data/mnist';
import type { Classifier } from '../classifier';
import { pacedYield, throwIfAborted } from '../yield';

export interface StripOptions {
	/** clean digits [m * 784] in [0, 1] to blend with */
	overlays: Float32Array;
	/** blends per input (the paper: N = 100; fewer work on MNIST) */
	blends: number;
	seed?: number;
	signal?: AbortSignal;
}

/**
 * Mean prediction entropy (bits) over `blends` blends of each input [n * 784] with overlays
 * drawn (seeded) from `overlays`. Every tensor is disposed before it returns.
 */
export async function stripEntropy(
	classifier: Classifier,
	inputs: Float32Array,
	o: StripOptions
): Promise<Float32Array> {
	const n = inputs.length / MNIST_PIXELS;
	const m = o.overlays.length / MNIST_PIXELS;
	if (!Number.isInteger(n) || !Number.isInteger(m) || m < 1)
		throw new Error('STRIP: inputs and overlays must be whole digits of 784 pixels');
	if (!Number.isInteger(o.blends) || o.blends < 1)
		throw new Error(`STRIP: blends must be a whole number >= 1, got ${o.blends}`);
	let seed = (o.seed ?? 1) >>> 0;
	const pick = () => {
		seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
		return seed % m;
	};
	const out = new Float32Array(n);
	const overlays = tf.tensor2d(o.overlays, [m, MNIST_PIXELS]);
	const pace = pacedYield();
	try {
		for (let i = 0; i < n; i++) {
			throwIfAborted(o.signal);
			const idx = Int32Array.from({ length: o.blends }, pick);
			const h = tf.tidy(() => {
				const x = tf.tensor2d(inputs.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), [
					1,
					MNIST_PIXELS
				]);
				const blended = tf.clipByValue(
					tf.add(tf.gather(overlays, tf.tensor1d(idx, 'int32')), x),
					0,
					1
				);
				const p = tf.softmax(
					classifier.logits(
						tf.reshape(blended, [o.blends, MNIST_SIDE, MNIST_SIDE, 1]) as tf.Tensor4D
					)
				);
				const entropy = tf.neg(tf.sum(tf.mul(p, tf.div(tf.log(tf.add(p, 1e-12)), Math.LN2)), 1));
				return tf.mean(entropy);
			});
			out[i] = (await h.data())[0];
			h.dispose();
			await pace.due();
		}
		return out;
	} finally {
		overlays.dispose();
	}
}

export interface StripRates {
	/** entropy below which an input is flagged */
	threshold: number;
	/** share of clean inputs flagged (false rejection rate) */
	falseAlarmRate: number;
	/** share of triggered inputs flagged */
	detectionRate: number;
	/** ROC AUC of low entropy as the trojan score */
	auc: number;
}

/**
 * Sets the threshold at the `frr` quantile of the clean entropies (the paper's rule), and reads
 * off the rates on the clean and the triggered inputs.
 */
export function stripRates(
	cleanEntropy: ArrayLike<number>,
	triggeredEntropy: ArrayLike<number>,
	frr = 0.01
): StripRates {
	const sorted = Float64Array.from(cleanEntropy).sort();
	const threshold = sorted[Math.min(sorted.length - 1, Math.floor(frr * sorted.length))];
	const below = (xs: ArrayLike<number>) => {
		let k = 0;
		for (let i = 0; i < xs.length; i++) if (xs[i] < threshold) k++;
		return k / xs.length;
	};
	const scores = [...Array.from(cleanEntropy), ...Array.from(triggeredEntropy)].map((h) => -h);
	const labels = [
		...new Array<number>(cleanEntropy.length).fill(0),
		...new Array<number>(triggeredEntropy.length).fill(1)
	];
	return {
		threshold,
		falseAlarmRate: below(cleanEntropy),
		detectionRate: below(triggeredEntropy),
		auc: rocAuc(scores, labels)
	};
}
