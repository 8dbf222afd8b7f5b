/**
 * Many logistic regressions trained at once, one per poisoned copy of the labels: the poisoning
 * sweep (11 flip rates x 5 seeds) fits 55 models in one computation rather than 55 fits.
 *
 * Plain logistic regression (Cox 1958; e.g. Hastie, Tibshirani, Friedman, "The Elements of
 * Statistical Learning", section 4.4): p = sigmoid(w . x + b), trained by minimising the mean
 * (optionally class-weighted) cross-entropy plus (l2 / 2) |w|^2. Its gradient has a closed form,
 * dL/dw = mean((p - y) x) + l2 w and dL/db = mean(p - y), so no autodiff is needed. Batching: the
 * M weight vectors stack into W [M, d], and with the shared features X [n, d] one matrix product
 * W X^T gives every model's logits [M, n]; the gradients are (P - Y) X [M, d] and row sums of
 * P - Y. Full batch, Adam (Kingma, Ba 2015) or plain gradient descent, fixed epochs.
 *
 * Weights start at zero (the loss is convex, so the start only changes the path, not the optimum),
 * so models given the same labels take identical steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted, yieldToEventLoop } from '../yield';

export interface BatchedLogRegOptions {
	/** Full-batch steps. Default 300. */
	epochs?: number;
	/** Default 0.05 for Adam, 0.5 for plain gradient descent. */
	learningRate?: number;
	/** 'adam' (default) or 'sgd' (plain full-batch gradient descent). */
	optimizer?: 'adam' | 'sgd';
	/** L2 penalty on the weights (not the bias). Default 0. */
	l2?: number;
	/**
	 * 'balanced' weighs each model's classes by n / (2 * class count) of that model's own labels,
	 * so rare fraud counts as much as legitimate spending in total. Default 'none'.
	 */
	classWeight?: 'none' | 'balanced';
	/** Epochs between yields to the event loop and progress reports. Default 25. */
	yieldEvery?: number;
	onProgress?: (epoch: number, epochs: number) => void;
	signal?: AbortSignal;
}

export interface BatchedLogReg {
	models: number;
	dims: number;
	/** [models, dims] row-major. */
	weights: Float32Array;
	/** [models]. */
	biases: Float32Array;
	/** Every model's fraud probabilities for rows scaled as in training: [models, rows] row-major. */
	scores(features: Float32Array): Float32Array;
}

/** tf.variable keeps its own reference to the data, so the starting tensor can go at once. */
function zerosVariable(shape: [number, number]): tf.Variable {
	const zeros = tf.zeros(shape);
	const v = tf.variable(zeros);
	zeros.dispose();
	return v;
}

/**
 * Fits labels.length models on the shared features [n, dims] (row-major; z-score them first, e.g.
 * with standardize() from data/fraud, or gradient descent crawls). labels[m] is model m's own
 * 0/1 labels for the n rows. Every tensor it makes is disposed before it returns.
 */
export async function trainLogRegBatch(
	features: Float32Array,
	dims: number,
	labels: readonly Uint8Array[],
	opts: BatchedLogRegOptions = {}
): Promise<BatchedLogReg> {
	const {
		epochs = 300,
		optimizer = 'adam',
		l2 = 0,
		classWeight = 'none',
		yieldEvery = 25,
		onProgress,
		signal
	} = opts;
	const learningRate = opts.learningRate ?? (optimizer === 'adam' ? 0.05 : 0.5);
	const M = labels.length;
	if (!Number.isInteger(dims) || dims < 1) {
		throw new Error(`trainLogRegBatch: dims must be >= 1, got ${dims}`);
	}
	if (features.length % dims !== 0) {
		throw new Error(
			`trainLogRegBatch: ${features.length} feature values do not make rows of ${dims}`
		);
	}
	const n = features.length / dims;
	if (M === 0) throw new Error('trainLogRegBatch: no label sets given; pass one per model');
	if (n === 0) throw new Error('trainLogRegBatch: no rows to train on');
	if (!Number.isInteger(epochs) || epochs < 0) {
		throw new Error(`trainLogRegBatch: epochs must be a whole number >= 0, got ${epochs}`);
	}
	if (!(learningRate > 0))
		throw new Error(`trainLogRegBatch: learningRate must be > 0, got ${learningRate}`);
	if (!(l2 >= 0)) throw new Error(`trainLogRegBatch: l2 must be >= 0, got ${l2}`);

	// Per-row factor in the gradient: 1/n, times the class weight when balancing.
	const y = new Float32Array(M * n);
	const rowWeight = new Float32Array(M * n);
	labels.forEach((row, m) => {
		if (row.length !== n) {
			throw new Error(`trainLogRegBatch: labels[${m}] has ${row.length} rows, features have ${n}`);
		}
		let ones = 0;
		for (let i = 0; i < n; i++) {
			if (row[i] > 1)
				throw new Error(`trainLogRegBatch: labels[${m}][${i}] is ${row[i]}; use 0 or 1`);
			ones += row[i];
		}
		// A model with only one class gets weight 1 for it, as there is nothing to balance.
		const w1 = classWeight === 'balanced' && ones > 0 && ones < n ? n / (2 * ones) : 1;
		const w0 = classWeight === 'balanced' && ones > 0 && ones < n ? n / (2 * (n - ones)) : 1;
		for (let i = 0; i < n; i++) {
			y[m * n + i] = row[i];
			rowWeight[m * n + i] = (row[i] ? w1 : w0) / n;
		}
	});

	const X = tf.tensor2d(features, [n, dims]);
	const Y = tf.tensor2d(y, [M, n]);
	const S = tf.tensor2d(rowWeight, [M, n]);
	const W = zerosVariable([M, dims]);
	const b = zerosVariable([M, 1]);
	const mW = zerosVariable([M, dims]);
	const vW = zerosVariable([M, dims]);
	const mb = zerosVariable([M, 1]);
	const vb = zerosVariable([M, 1]);
	const beta1 = 0.9;
	const beta2 = 0.999;
	const eps = 1e-8;
	try {
		for (let epoch = 1; epoch <= epochs; epoch++) {
			tf.tidy(() => {
				const P = tf.sigmoid(tf.add(tf.matMul(W, X, false, true), b));
				const G = tf.mul(tf.sub(P, Y), S);
				let gW = tf.matMul(G, X);
				if (l2 > 0) gW = tf.add(gW, tf.mul(W, l2));
				const gb = tf.sum(G, 1, true);
				if (optimizer === 'sgd') {
					W.assign(tf.sub(W, tf.mul(gW, learningRate)));
					b.assign(tf.sub(b, tf.mul(gb, learningRate)));
					return;
				}
				// Adam with bias correction folded into the step size (Kingma, Ba 2015, section 2).
				const step = (learningRate * Math.sqrt(1 - beta2 ** epoch)) / (1 - beta1 ** epoch);
				const update = (p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor) => {
					m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
					v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
					p.assign(tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), step)));
				};
				update(W, mW, vW, gW);
				update(b, mb, vb, gb);
			});
			if (epoch % yieldEvery === 0 || epoch === epochs) {
				onProgress?.(epoch, epochs);
				await yieldToEventLoop();
				throwIfAborted(signal);
			}
		}
		const weights = (await W.data()) as Float32Array;
		const biases = (await b.data()) as Float32Array;
		return {
			models: M,
			dims,
			weights,
			biases,
			scores: (rows) => logisticScores(weights, biases, dims, rows)
		};
	} finally {
		for (const t of [X, Y, S, W, b, mW, vW, mb, vb]) t.dispose();
	}
}

/** sigmoid(W x + b) for every model and row, in plain TypeScript: [models, rows] row-major. */
export function logisticScores(
	weights: Float32Array,
	biases: Float32Array,
	dims: number,
	features: Float32Array
): Float32Array {
	const M = biases.length;
	if (weights.length !== M * dims) {
		throw new Error(`logisticScores: ${weights.length} weights for ${M} models of ${dims} columns`);
	}
	if (features.length % dims !== 0) {
		throw new Error(
			`logisticScores: ${features.length} feature values do not make rows of ${dims}`
		);
	}
	const n = features.length / dims;
	const out = new Float32Array(M * n);
	for (let m = 0; m < M; m++) {
		const w = m * dims;
		for (let i = 0; i < n; i++) {
			let z = biases[m];
			for (let c = 0; c < dims; c++) z += weights[w + c] * features[i * dims + c];
			out[m * n + i] = 1 / (1 + Math.exp(-z));
		}
	}
	return out;
}
