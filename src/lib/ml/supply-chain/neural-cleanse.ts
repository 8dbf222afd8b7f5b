/**
 * Neural Cleanse (Wang, Yao, Shan, Li, Viswanath, Zheng, Zhao 2019, "Neural Cleanse: Identifying
 * and Mitigating Backdoor Attacks in Neural Networks", sections IV-V): for every class t, find
 * the smallest trigger that sends clean inputs to t,
 *
 *   min over (m, p)  CE(f((1 - m) x + m p), t) + lambda |m|_1,   m, p in [0, 1]^(28 x 28)
 *
 * (mask and pattern held as tanh / 2 + 1/2 of free variables, Adam, as in the paper's code). A
 * backdoored class needs a far smaller mask than the others: flag a class whose mask L1 norm is
 * an outlier below the median by the median-absolute-deviation anomaly index
 *
 *   index_t = (median - |m_t|) / (1.4826 x median(| |m_i| - median |)),
 *
 * above 2 (the paper's threshold: a 95 % chance of being an outlier under a normal model).
 * lambda adapts per class as in the paper: once the reversed trigger reaches the target on at
 * least 99 % of the clean batch, lambda grows by 1.5 (after a few such steps) to shrink the mask;
 * below, it falls by 1.5. All ten classes are optimised at once, as one batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_CLASSES, MNIST_PIXELS, MNIST_SIDE } from '../../data/mnist';
import type { Classifier } from '../classifier';
import { pacedYield, throwIfAborted } from '../yield';

export const ANOMALY_THRESHOLD = 2;
/** The consistency constant that makes the MAD estimate a normal distribution's sigma. */
export const MAD_CONSTANT = 1.4826;

export interface NeuralCleanseOptions {
	/** clean digits [n * 784] in [0, 1] the triggers must work on */
	clean: Float32Array;
	/** optimisation steps (each on a fresh batch from `clean`) */
	steps: number;
	/** clean digits per class per step */
	batchSize: number;
	/** Adam step size on the free variables */
	learningRate: number;
	/** starting lambda */
	lambda: number;
	/** reversed-trigger success the lambda schedule aims at (the paper: 0.99) */
	successTarget?: number;
	seed?: number;
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
}

/**
 * The settings the lab scans with: 400 steps of 16 clean digits per class (about 9 s for the
 * ten classes of mnist-cnn on WASM), Adam at 0.1, lambda from 0.01. The clean classes' masks
 * are still shrinking at 150 steps, and a trojaned class's index grows with the steps (a corner
 * trojan on class 7 of mnist-cnn: 1.99 at 150 steps, 1.69 at 400, 2.33 at 600; the hub's trojan
 * on class 8: 3.66 at 400).
 */
export const NEURAL_CLEANSE_DEFAULTS = {
	steps: 400,
	batchSize: 16,
	learningRate: 0.1,
	lambda: 0.01,
	/** clean held-out digits the triggers are optimised on */
	cleanDigits: 1000
} as const;

export interface ReversedTrigger {
	target: number;
	/** [784] in [0, 1] */
	mask: Float32Array;
	/** [784] in [0, 1] */
	pattern: Float32Array;
	/** L1 norm of the mask (pixels it covers, fractionally) */
	maskNorm: number;
	/** share of a clean batch the trigger sends to the target at the end */
	success: number;
}

export interface NeuralCleanseResult {
	triggers: ReversedTrigger[];
	/** per class, the MAD anomaly index (positive below the median) */
	anomalyIndex: number[];
	/** classes whose index is above ANOMALY_THRESHOLD */
	flagged: number[];
	ms: number;
}

function median(xs: readonly number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The MAD anomaly index of each norm (Wang et al. 2019, section V-A); only small norms count. */
export function anomalyIndices(norms: readonly number[]): number[] {
	const med = median(norms);
	const mad = MAD_CONSTANT * median(norms.map((n) => Math.abs(n - med)));
	return norms.map((n) => (mad > 0 ? (med - n) / mad : 0));
}

/**
 * Reverse-engineers a trigger for every class of `classifier` and scores each by the anomaly
 * index. Every tensor it makes is disposed before it returns, also on cancel.
 */
export async function neuralCleanse(
	classifier: Classifier,
	o: NeuralCleanseOptions
): Promise<NeuralCleanseResult> {
	const started = performance.now();
	const n = o.clean.length / MNIST_PIXELS;
	if (!Number.isInteger(n) || n < 1)
		throw new Error('neural cleanse: give whole clean digits of 784 pixels each');
	if (!Number.isInteger(o.steps) || o.steps < 1)
		throw new Error(`neural cleanse: steps must be a whole number >= 1, got ${o.steps}`);
	if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > n)
		throw new Error(`neural cleanse: batch size must be 1..${n}, got ${o.batchSize}`);
	const K = MNIST_CLASSES;
	const B = o.batchSize;
	const successTarget = o.successTarget ?? 0.99;
	const lambda = new Float32Array(K).fill(o.lambda);
	const upCount = new Int32Array(K);
	const downCount = new Int32Array(K);
	// free variables: atanh(2v - 1) of the mask (start small) and the pattern (start grey)
	// (tf.variable copies its start, so the starting tensors go at once)
	const [maskVar, patternVar] = [tf.fill([K, MNIST_PIXELS], -2), tf.zeros([K, MNIST_PIXELS])].map(
		(start) => {
			const v = tf.variable(start);
			start.dispose();
			return v;
		}
	);
	const optimizer = tf.train.adam(o.learningRate);
	const labels = tf.tidy(() =>
		tf.oneHot(
			tf.tensor1d(
				Int32Array.from({ length: K * B }, (_, i) => Math.floor(i / B)),
				'int32'
			),
			K
		)
	);
	const cleanAll = tf.tensor2d(o.clean, [n, MNIST_PIXELS]);
	const squash = (v: tf.Tensor) => tf.add(tf.mul(tf.tanh(v), 0.5), 0.5);
	let seed = (o.seed ?? 1) >>> 0;
	const nextIndex = () => {
		seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
		return seed % n;
	};
	const pace = pacedYield();
	try {
		for (let step = 0; step < o.steps; step++) {
			throwIfAborted(o.signal);
			const picks = Int32Array.from({ length: B }, nextIndex);
			const lam = tf.tensor1d(lambda);
			const hits = tf.tidy(() => {
				const x = tf.gather(cleanAll, tf.tensor1d(picks, 'int32')); // [B, 784]
				let correct: tf.Tensor | null = null;
				optimizer.minimize(
					() => {
						const m = squash(maskVar); // [K, 784]
						const p = squash(patternVar);
						// every class's trigger on the same B digits: [K, B, 784]
						const mk = tf.expandDims(m, 1);
						const stamped = tf.add(
							tf.mul(tf.sub(1, mk), tf.expandDims(x, 0)),
							tf.mul(mk, tf.expandDims(p, 1))
						);
						const logits = classifier.logits(
							tf.reshape(stamped, [K * B, MNIST_SIDE, MNIST_SIDE, 1]) as tf.Tensor4D
						);
						correct = tf.keep(
							tf.sum(
								tf.reshape(
									tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1)), 'float32'),
									[K, B]
								),
								1
							)
						);
						const ce = tf.reshape(
							tf.losses.softmaxCrossEntropy(
								labels,
								logits,
								undefined,
								undefined,
								tf.Reduction.NONE
							),
							[K, B]
						);
						const perClass = tf.add(tf.mean(ce, 1), tf.mul(lam, tf.sum(m, 1)));
						return tf.sum(perClass) as tf.Scalar;
					},
					false,
					[maskVar, patternVar]
				);
				return correct!;
			});
			lam.dispose();
			const got = await hits.data();
			hits.dispose();
			for (let t = 0; t < K; t++) {
				if (got[t] / B >= successTarget) {
					upCount[t]++;
					downCount[t] = 0;
				} else {
					downCount[t]++;
					upCount[t] = 0;
				}
				if (upCount[t] >= 5) {
					lambda[t] *= 1.5;
					upCount[t] = 0;
				} else if (downCount[t] >= 5) {
					lambda[t] /= 1.5;
					downCount[t] = 0;
				}
			}
			o.onProgress?.((step + 1) / o.steps);
			await pace.due();
		}
		// the final triggers and their success on a fresh batch
		const [maskData, patternData, successData] = await (async () => {
			const out = tf.tidy(() => {
				const m = squash(maskVar);
				const p = squash(patternVar);
				const picks = Int32Array.from({ length: B }, nextIndex);
				const x = tf.gather(cleanAll, tf.tensor1d(picks, 'int32'));
				const mk = tf.expandDims(m, 1);
				const stamped = tf.add(
					tf.mul(tf.sub(1, mk), tf.expandDims(x, 0)),
					tf.mul(mk, tf.expandDims(p, 1))
				);
				const logits = classifier.logits(
					tf.reshape(stamped, [K * B, MNIST_SIDE, MNIST_SIDE, 1]) as tf.Tensor4D
				);
				const hit = tf.mean(
					tf.reshape(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1)), 'float32'), [
						K,
						B
					]),
					1
				);
				return [m, p, hit];
			});
			const data = await Promise.all(out.map((t) => t.data()));
			tf.dispose(out);
			return data as Float32Array[];
		})();
		const triggers: ReversedTrigger[] = Array.from({ length: K }, (_, t) => {
			const mask = maskData.slice(t * MNIST_PIXELS, (t + 1) * MNIST_PIXELS);
			return {
				target: t,
				mask,
				pattern: patternData.slice(t * MNIST_PIXELS, (t + 1) * MNIST_PIXELS),
				maskNorm: mask.reduce((a, b) => a + b, 0),
				success: successData[t]
			};
		});
		const anomalyIndex = anomalyIndices(triggers.map((t) => t.maskNorm));
		return {
			triggers,
			anomalyIndex,
			flagged: anomalyIndex.flatMap((a, t) => (a > ANOMALY_THRESHOLD ? [t] : [])),
			ms: performance.now() - started
		};
	} finally {
		tf.dispose([maskVar, patternVar, labels, cleanAll]);
		optimizer.dispose();
	}
}
