/**
 * A small dense network on tabular rows (the fraud transactions, or flattened digits), kept as
 * plain variables rather than a LayersModel so that every lab can reach inside: the poisoning lab
 * trains it, the extraction lab hides it behind an API or uses it as a surrogate, and DP-SGD
 * computes per-example gradients layer by layer from the same weights.
 *
 * Layers: sizes [d, h1, ..., k]; ReLU between hidden layers, raw logits out. k = 1 means a binary
 * classifier (sigmoid of the single logit is P(class 1)); k >= 2 means softmax over k classes.
 * Weights start He-normal (He et al. 2015, section 2.2) from a seeded generator, biases at zero.
 */
import * as tf from '@tensorflow/tfjs-core';
import { boxMullerNormal, createRng } from '../base/rng';
import { meanCrossEntropy } from './losses';
import { trainLoop } from './train-loop';

export interface Mlp {
	readonly sizes: readonly number[];
	/** weights[l] is [sizes[l], sizes[l + 1]]. */
	readonly weights: tf.Variable[];
	/** biases[l] is [sizes[l + 1]]. */
	readonly biases: tf.Variable[];
}

export function createMlp(sizes: readonly number[], seed: number): Mlp {
	if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
		throw new Error(`createMlp: sizes must be two or more positive integers, got [${sizes}]`);
	}
	const rng = createRng(seed);
	const weights: tf.Variable[] = [];
	const biases: tf.Variable[] = [];
	for (let l = 0; l + 1 < sizes.length; l++) {
		const fanIn = sizes[l];
		const fanOut = sizes[l + 1];
		const values = new Float32Array(fanIn * fanOut);
		const std = Math.sqrt(2 / fanIn);
		for (let i = 0; i < values.length; i++) values[i] = boxMullerNormal(rng, 0, std);
		weights.push(tf.tidy(() => tf.variable(tf.tensor2d(values, [fanIn, fanOut]))));
		biases.push(tf.tidy(() => tf.variable(tf.zeros([fanOut]))));
	}
	return { sizes: [...sizes], weights, biases };
}

export function mlpVariables(mlp: Mlp): tf.Variable[] {
	return mlp.weights.flatMap((w, l) => [w, mlp.biases[l]]);
}

export function disposeMlp(mlp: Mlp) {
	for (const v of mlpVariables(mlp)) v.dispose();
}

export function parameterCountMlp(mlp: Mlp): number {
	let n = 0;
	for (let l = 0; l + 1 < mlp.sizes.length; l++)
		n += mlp.sizes[l] * mlp.sizes[l + 1] + mlp.sizes[l + 1];
	return n;
}

/** [n, d] -> [n, k] logits. Allocates; the caller owns tidy. */
export function mlpLogits(mlp: Mlp, x: tf.Tensor2D): tf.Tensor2D {
	let h: tf.Tensor2D = x;
	const last = mlp.weights.length - 1;
	for (let l = 0; l <= last; l++) {
		const z = tf.add(tf.matMul(h, mlp.weights[l]), mlp.biases[l]) as tf.Tensor2D;
		h = l < last ? tf.relu(z) : z;
	}
	return h;
}

/**
 * Class-1 probability per row for a binary MLP (k = 1), or the class probabilities [n * k]
 * row-major for k >= 2. Read back to the CPU; nothing is left allocated.
 */
export async function mlpPredict(mlp: Mlp, rows: Float32Array): Promise<Float32Array> {
	const d = mlp.sizes[0];
	const n = rows.length / d;
	const out = tf.tidy(() => {
		const logits = mlpLogits(mlp, tf.tensor2d(rows, [n, d]));
		return logits.shape[1] === 1 ? tf.sigmoid(tf.reshape(logits, [-1])) : tf.softmax(logits);
	});
	try {
		return (await out.data()) as Float32Array;
	} finally {
		out.dispose();
	}
}

export interface TrainMlpOptions {
	epochs: number;
	batchSize: number;
	learningRate: number;
	seed: number;
	/** 'balanced' weighs each class by n / (classes * count): rare classes count as much in total. */
	classWeight?: 'none' | 'balanced';
	signal?: AbortSignal;
	onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * Minibatch Adam (Kingma, Ba 2015) on rows [n, d] with integer labels, on the shared loop
 * (train-loop.ts). Returns the loss per epoch (the mean of its batch means).
 */
export async function trainMlp(
	mlp: Mlp,
	rows: Float32Array,
	labels: ArrayLike<number>,
	opts: TrainMlpOptions
): Promise<number[]> {
	const d = mlp.sizes[0];
	const n = labels.length;
	if (rows.length !== n * d) {
		throw new Error(`trainMlp: ${rows.length} feature values do not make ${n} rows of ${d}`);
	}
	const classes = Math.max(2, mlp.sizes[mlp.sizes.length - 1]);
	const weightOf = new Float32Array(classes).fill(1);
	if (opts.classWeight === 'balanced') {
		const counts = new Float64Array(classes);
		for (let i = 0; i < n; i++) counts[labels[i]]++;
		for (let c = 0; c < classes; c++) weightOf[c] = counts[c] ? n / (classes * counts[c]) : 0;
	}
	const optimizer = tf.train.adam(opts.learningRate);
	const variables = mlpVariables(mlp);
	const batchRows = new Float32Array(opts.batchSize * d);
	const batchLabels = new Int32Array(opts.batchSize);
	const batchWeights = new Float32Array(opts.batchSize);
	try {
		const report = await trainLoop({ ...opts, n, onEpoch: opts.onEpoch }, ({ indices }) => {
			const m = indices.length;
			for (let j = 0; j < m; j++) {
				const i = indices[j];
				batchRows.set(rows.subarray(i * d, (i + 1) * d), j * d);
				batchLabels[j] = labels[i];
				batchWeights[j] = weightOf[labels[i]];
			}
			const loss = tf.tidy(() => {
				const x = tf.tensor2d(batchRows.subarray(0, m * d), [m, d]);
				const y = tf.tensor1d(batchLabels.subarray(0, m), 'int32');
				const w =
					opts.classWeight === 'balanced' ? tf.tensor1d(batchWeights.subarray(0, m)) : undefined;
				return optimizer.minimize(
					() => meanCrossEntropy(mlpLogits(mlp, x), y, w),
					true,
					variables
				) as tf.Scalar;
			});
			return { loss };
		});
		return report.losses;
	} finally {
		optimizer.dispose();
	}
}
