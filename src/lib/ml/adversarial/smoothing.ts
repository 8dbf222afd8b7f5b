/**
 * Randomized smoothing (Cohen, Rosenfeld, Kolter 2019, "Certified Adversarial Robustness via
 * Randomized Smoothing"): the smoothed classifier g(x) answers the class the base classifier f
 * gives most often to x + N(0, sigma^2 I). If that class has probability pA >= pA_lower > 1/2,
 * no L2 perturbation of norm below sigma * Phi^-1(pA_lower) changes g's answer (their Theorem 1
 * with pB = 1 - pA). CERTIFY (their Algorithm, section 3.2) estimates it by Monte Carlo: n0
 * noisy copies pick the class, n fresh ones count it, and a one-sided Clopper-Pearson bound at
 * level alpha gives pA_lower; when pA_lower <= 1/2 it abstains. Noise is not clipped to [0, 1]
 * (as in the paper); it comes from the seeded fast generator ($lib/base/gaussian), so a
 * certificate is reproducible from its seed. Every tensor is disposed before a call returns.
 */
import * as tf from '@tensorflow/tfjs-core';
import { clopperPearson } from '../../base/beta';
import { gaussianNoise } from '../../base/gaussian';
import { normalQuantile } from '../../base/normal';
import { MNIST_PIXELS, MNIST_SIDE } from '../../data/mnist';
import type { Classifier } from '../classifier';
import { pacedYield, throwIfAborted } from '../yield';

export interface CertifyOptions {
	/** the noise level the base classifier was trained for */
	sigma: number;
	/** noisy copies that choose the class */
	n0: number;
	/** noisy copies that count it */
	n: number;
	/** the certificate fails with probability at most alpha */
	alpha: number;
	/** copies per forward pass (default 500) */
	batchSize?: number;
	seed?: number;
	signal?: AbortSignal;
}

/** Cohen et al.'s settings for CIFAR-10 and ImageNet, scaled to the lab: n0 100, n 1,000, alpha 0.001. */
export const CERTIFY_DEFAULTS = { n0: 100, n: 1000, alpha: 0.001 } as const;

export interface Certificate {
	/** the smoothed prediction, or null when CERTIFY abstains */
	prediction: number | null;
	/** the class the n0 copies chose */
	guess: number;
	/** how many of the n copies the base classifier gave `guess` */
	countTop: number;
	n: number;
	/** the one-sided Clopper-Pearson lower bound on pA */
	pALower: number;
	/** certified L2 radius, 0 when abstaining */
	radius: number;
	abstained: boolean;
}

function checkOptions(o: CertifyOptions) {
	if (!(o.sigma > 0 && Number.isFinite(o.sigma)))
		throw new RangeError(`smoothing: sigma must be a number > 0, got ${o.sigma}`);
	for (const [name, v] of [
		['n0', o.n0],
		['n', o.n]
	] as const)
		if (!(Number.isInteger(v) && v >= 1))
			throw new RangeError(`smoothing: ${name} must be a whole number >= 1, got ${v}`);
	if (!(o.alpha > 0 && o.alpha < 1))
		throw new RangeError(`smoothing: alpha must be in (0, 1), got ${o.alpha}`);
}

/** The certificate from the counts (CERTIFY's last two lines): sigma Phi^-1(pA_lower), or abstain. */
export function certifiedRadius(
	countTop: number,
	n: number,
	alpha: number,
	sigma: number
): { pALower: number; radius: number; abstained: boolean } {
	const pALower = clopperPearson(countTop, n, alpha).lower;
	if (!(pALower > 0.5)) return { pALower, radius: 0, abstained: true };
	return { pALower, radius: sigma * normalQuantile(pALower), abstained: false };
}

/**
 * How often the base classifier gives each class to `count` noisy copies of the digit `x` [784].
 * `seed` fixes the noise.
 */
export async function noisyCounts(
	classifier: Classifier,
	x: Float32Array,
	count: number,
	sigma: number,
	seed: number,
	batchSize = 500,
	signal?: AbortSignal
): Promise<Int32Array> {
	if (x.length !== MNIST_PIXELS)
		throw new RangeError(`smoothing: a digit has 784 pixels, got ${x.length}`);
	let counts: Int32Array | null = null;
	const base = tf.tensor2d(x, [1, MNIST_PIXELS]);
	const pace = pacedYield();
	try {
		for (let done = 0, part = 0; done < count; part++) {
			throwIfAborted(signal);
			const m = Math.min(batchSize, count - done);
			const noise = gaussianNoise(m * MNIST_PIXELS, sigma, (seed * 7919 + part) >>> 0);
			let classCount = 0;
			const classes = tf.tidy(() => {
				const noisy = tf.add(base, tf.tensor2d(noise, [m, MNIST_PIXELS]));
				const logits = classifier.logits(
					tf.reshape(noisy, [m, MNIST_SIDE, MNIST_SIDE, 1]) as tf.Tensor4D
				);
				classCount = logits.shape[1];
				return tf.argMax(logits, 1);
			});
			const got = await classes.data();
			classes.dispose();
			counts ??= new Int32Array(classCount);
			for (const c of got) counts[c]++;
			done += m;
			await pace.due();
		}
		return counts ?? new Int32Array(0);
	} finally {
		base.dispose();
	}
}

const argmax = (xs: Int32Array) => xs.reduce((best, v, i) => (v > xs[best] ? i : best), 0);

/** CERTIFY for one digit [784]. */
export async function certify(
	classifier: Classifier,
	x: Float32Array,
	o: CertifyOptions
): Promise<Certificate> {
	checkOptions(o);
	const seed = (o.seed ?? 1) >>> 0;
	const selection = await noisyCounts(
		classifier,
		x,
		o.n0,
		o.sigma,
		seed * 2,
		o.batchSize,
		o.signal
	);
	const guess = argmax(selection);
	const estimation = await noisyCounts(
		classifier,
		x,
		o.n,
		o.sigma,
		seed * 2 + 1,
		o.batchSize,
		o.signal
	);
	const countTop = estimation[guess] ?? 0;
	const { pALower, radius, abstained } = certifiedRadius(countTop, o.n, o.alpha, o.sigma);
	return {
		prediction: abstained ? null : guess,
		guess,
		countTop,
		n: o.n,
		pALower,
		radius,
		abstained
	};
}

export interface CertifiedPoint {
	radius: number;
	/** share of digits certified correct at this radius or more */
	certifiedAccuracy: number;
}

/**
 * Certified accuracy against radius (Cohen et al.'s curves): at radius r, the share of digits
 * the smoothed classifier gets right with a certified radius of at least r.
 */
export function certifiedCurve(
	certificates: readonly Certificate[],
	labels: ArrayLike<number>,
	radii: readonly number[]
): CertifiedPoint[] {
	if (certificates.length !== labels.length)
		throw new RangeError(
			`smoothing: ${certificates.length} certificates for ${labels.length} labels`
		);
	return radii.map((r) => ({
		radius: r,
		certifiedAccuracy:
			certificates.length === 0
				? 0
				: certificates.filter((c, i) => !c.abstained && c.prediction === labels[i] && c.radius >= r)
						.length / certificates.length
	}));
}
