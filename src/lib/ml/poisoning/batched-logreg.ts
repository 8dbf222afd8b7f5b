/**
 * Many logistic regressions trained at once, one per poisoned copy of the labels: the poisoning
 * sweep (11 flip rates x 5 seeds) fits 55 models in one computation rather than 55 fits.
 *
 * Plain logistic regression (Cox 1958; e.g. Hastie, Tibshirani, Friedman, "The Elements of
 * Statistical Learning", section 4.4.1): p = sigmoid(w . x + b), fitted by minimising the
 * (optionally class- and row-weighted) mean cross-entropy plus (l2 / 2) |w|^2.
 *
 * Default optimiser: Newton's method, i.e. iteratively reweighted least squares (ESL section
 * 4.4.1, eq. 4.26). The loss is convex with gradient X^T s(p - y) and Hessian X^T diag(s p (1-p)) X,
 * so from w = 0 a handful of Newton steps reach the optimum where first-order methods need
 * hundreds. Batching: the M weight vectors stack into W [M, d+1] (bias as a last column of ones),
 * one product W X^T gives every model's logits [M, n], (P - Y) X every gradient, and the Hessians
 * come out of a single product A [M, n] x O [n, (d+1)(d+2)/2], where O holds each row's outer
 * product x x^T (upper triangle) and A = s p (1 - p). The M small (d+1)-square systems are then
 * solved on the CPU by Cholesky. A step that raises a model's loss is halved (backtracking), so
 * nearly separable label sets cannot make it diverge. Adam (Kingma, Ba 2015) and plain gradient
 * descent stay available, e.g. to check the Newton fit against a long first-order run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sigmoidCrossEntropy } from '../losses';
import { trainLoop } from '../train-loop';
import { pacedYield, throwIfAborted } from '../yield';

export interface BatchedLogRegOptions {
	/** 'newton' (default, IRLS), 'adam' or 'sgd' (plain full-batch gradient descent). */
	optimizer?: 'newton' | 'adam' | 'sgd';
	/** Adam / SGD: full-batch steps (default 300). Newton: at most this many steps (default 30). */
	epochs?: number;
	/** Newton: a model is done once its largest gradient entry is below this. Default 1e-6. */
	tolerance?: number;
	/**
	 * Newton: ...or once its next step would move no weight by more than this (in units of the
	 * standardized features; float32 gradients are too noisy for tighter). Default 1e-3.
	 */
	stepTolerance?: number;
	/** Default 0.05 for Adam, 0.5 for plain gradient descent; unused by Newton. */
	learningRate?: number;
	/** L2 penalty on the weights (not the bias). Default 0; Newton adds 1e-6 to keep H invertible. */
	l2?: number;
	/**
	 * 'balanced' weighs each model's classes by n / (2 * class count) of that model's own labels,
	 * so rare fraud counts as much as legitimate spending in total. Default 'none'.
	 */
	classWeight?: 'none' | 'balanced';
	/**
	 * Per model, a weight >= 0 for every row (0 leaves the row out, as a sanitization defence
	 * does). The loss is the weighted mean over the rows. Default: every row weight 1.
	 */
	rowWeights?: readonly Float32Array[];
	/** Adam / SGD: epochs between progress reports (default 25). Newton reports every step. */
	yieldEvery?: number;
	onProgress?: (step: number, steps: number) => void;
	signal?: AbortSignal;
}

export interface BatchedLogReg {
	models: number;
	dims: number;
	/** [models, dims] row-major. */
	weights: Float32Array;
	/** [models]. */
	biases: Float32Array;
	/** Optimiser steps taken. */
	steps: number;
	/** Largest |gradient entry| over all models at the end (Newton; NaN for Adam / SGD). */
	gradientMax: number;
	/** Every model's fraud probabilities for rows scaled as in training: [models, rows] row-major. */
	scores(features: Float32Array): Float32Array;
}

/**
 * Newton keeps every row's outer product, n x (d+1)(d+2)/2 float32 values, on the backend at once
 * (plus a copy in JS while building it). Above this many values it refuses with a clear message
 * instead of exhausting a browser tab: 32 M values = 128 MB, e.g. 67,000 rows of 30 features or
 * 25,000 rows of 50. Adam needs only the rows themselves.
 */
export const NEWTON_MAX_VALUES = 32 * 1024 * 1024;

/** Values Newton's outer-product matrix holds for `rows` rows of `dims` features. */
export function newtonValues(rows: number, dims: number): number {
	return (rows * (dims + 1) * (dims + 2)) / 2;
}

/** The most rows Newton fits with `dims` features inside NEWTON_MAX_VALUES. */
export function newtonMaxRows(dims: number): number {
	return Math.floor(NEWTON_MAX_VALUES / newtonValues(1, dims));
}

/** tf.variable keeps its own reference to the data, so the starting tensor can go at once. */
function zerosVariable(shape: [number, number]): tf.Variable {
	const zeros = tf.zeros(shape);
	const v = tf.variable(zeros);
	zeros.dispose();
	return v;
}

interface Prepared {
	n: number;
	/** [M * n] labels as floats. */
	y: Float32Array;
	/** [M * n] per-row factor of the loss: class weight x row weight / total row weight. */
	factor: Float32Array;
}

function prepare(
	features: Float32Array,
	dims: number,
	labels: readonly Uint8Array[],
	classWeight: 'none' | 'balanced',
	rowWeights: readonly Float32Array[] | undefined
): Prepared {
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
	if (rowWeights && rowWeights.length !== M) {
		throw new Error(`trainLogRegBatch: ${rowWeights.length} row-weight sets for ${M} models`);
	}
	const y = new Float32Array(M * n);
	const factor = new Float32Array(M * n);
	labels.forEach((row, m) => {
		if (row.length !== n) {
			throw new Error(`trainLogRegBatch: labels[${m}] has ${row.length} rows, features have ${n}`);
		}
		const rw = rowWeights?.[m];
		if (rw && rw.length !== n) {
			throw new Error(
				`trainLogRegBatch: rowWeights[${m}] has ${rw.length} rows, features have ${n}`
			);
		}
		let ones = 0;
		let total = 0;
		for (let i = 0; i < n; i++) {
			if (row[i] > 1)
				throw new Error(`trainLogRegBatch: labels[${m}][${i}] is ${row[i]}; use 0 or 1`);
			const w = rw ? rw[i] : 1;
			if (!(w >= 0)) throw new Error(`trainLogRegBatch: rowWeights[${m}][${i}] is ${w}; use >= 0`);
			ones += row[i] * w;
			total += w;
		}
		if (!(total > 0)) throw new Error(`trainLogRegBatch: rowWeights[${m}] leaves no rows`);
		// A model with only one class gets weight 1 for it, as there is nothing to balance.
		const balance = classWeight === 'balanced' && ones > 0 && ones < total;
		const w1 = balance ? total / (2 * ones) : 1;
		const w0 = balance ? total / (2 * (total - ones)) : 1;
		for (let i = 0; i < n; i++) {
			y[m * n + i] = row[i];
			factor[m * n + i] = ((row[i] ? w1 : w0) * (rw ? rw[i] : 1)) / total;
		}
	});
	return { n, y, factor };
}

/**
 * Fits labels.length models on the shared features [n, dims] (row-major; z-score them first, e.g.
 * with standardize() from data/fraud). labels[m] is model m's own 0/1 labels for the n rows.
 * Every tensor it makes is disposed before it returns.
 */
export async function trainLogRegBatch(
	features: Float32Array,
	dims: number,
	labels: readonly Uint8Array[],
	opts: BatchedLogRegOptions = {}
): Promise<BatchedLogReg> {
	const { optimizer = 'newton', l2 = 0, classWeight = 'none' } = opts;
	const epochs = opts.epochs ?? (optimizer === 'newton' ? 30 : 300);
	if (!Number.isInteger(epochs) || epochs < 0) {
		throw new Error(`trainLogRegBatch: epochs must be a whole number >= 0, got ${epochs}`);
	}
	if (!(l2 >= 0)) throw new Error(`trainLogRegBatch: l2 must be >= 0, got ${l2}`);
	const prep = prepare(features, dims, labels, classWeight, opts.rowWeights);
	const fit =
		optimizer === 'newton'
			? await newton(features, dims, labels.length, prep, epochs, l2, opts)
			: await firstOrder(features, dims, labels.length, prep, epochs, l2, optimizer, opts);
	const { weights, biases } = fit;
	return {
		models: labels.length,
		dims,
		...fit,
		scores: (rows) => logisticScores(weights, biases, dims, rows)
	};
}

interface Fit {
	weights: Float32Array;
	biases: Float32Array;
	steps: number;
	gradientMax: number;
}

/** Solves H x = b for a symmetric positive definite H [k, k] by Cholesky; H is overwritten. */
function choleskySolve(H: Float64Array, b: Float64Array, k: number): Float64Array {
	for (let j = 0; j < k; j++) {
		let d = H[j * k + j];
		for (let p = 0; p < j; p++) d -= H[j * k + p] ** 2;
		// Floating-point noise can leave a (numerically) singular pivot; keep it positive.
		const ljj = Math.sqrt(Math.max(d, 1e-12));
		H[j * k + j] = ljj;
		for (let i = j + 1; i < k; i++) {
			let s = H[i * k + j];
			for (let p = 0; p < j; p++) s -= H[i * k + p] * H[j * k + p];
			H[i * k + j] = s / ljj;
		}
	}
	const x = Float64Array.from(b);
	for (let i = 0; i < k; i++) {
		for (let p = 0; p < i; p++) x[i] -= H[i * k + p] * x[p];
		x[i] /= H[i * k + i];
	}
	for (let i = k - 1; i >= 0; i--) {
		for (let p = i + 1; p < k; p++) x[i] -= H[p * k + i] * x[p];
		x[i] /= H[i * k + i];
	}
	return x;
}

/** Rows per Newton chunk: 5,000 rows for 55 models is about 30 ms on WASM. */
const NEWTON_CHUNK_ROWS = 5000;

async function newton(
	features: Float32Array,
	dims: number,
	M: number,
	{ n, y, factor }: Prepared,
	maxSteps: number,
	l2: number,
	opts: BatchedLogRegOptions
): Promise<Fit> {
	const tolerance = opts.tolerance ?? 1e-6;
	const stepTolerance = opts.stepTolerance ?? 1e-3;
	const ridge = Math.max(l2, 1e-6);
	const k = dims + 1;
	const tri = (k * (k + 1)) / 2;
	if (newtonValues(n, dims) > NEWTON_MAX_VALUES) {
		throw new Error(
			`trainLogRegBatch: Newton would hold ${n.toLocaleString('en')} rows x ${tri} outer-product values (${Math.round((n * tri * 4) / 2 ** 20)} MB), over its ${(NEWTON_MAX_VALUES * 4) / 2 ** 20} MB limit; with ${dims} features use at most ${newtonMaxRows(dims).toLocaleString('en')} rows, or optimizer 'adam'`
		);
	}
	// Rows with a trailing 1 for the bias, and each row's outer product (upper triangle).
	const xa = new Float32Array(n * k);
	const outer = new Float32Array(n * tri);
	for (let i = 0; i < n; i++) {
		for (let c = 0; c < dims; c++) xa[i * k + c] = features[i * dims + c];
		xa[i * k + dims] = 1;
		let t = 0;
		for (let a = 0; a < k; a++)
			for (let b = a; b < k; b++) outer[i * tri + t++] = xa[i * k + a] * xa[i * k + b];
	}
	// The rows go to the backend in chunks, each chunk's sums read back and added here, with a
	// pause between chunks when one is due: one pass over 20,000 rows for 55 models is a single
	// task of 100-200 ms on WASM otherwise.
	const chunks: { X: tf.Tensor2D; O: tf.Tensor2D; Y: tf.Tensor2D; S: tf.Tensor2D }[] = [];
	const width = 1 + k + tri;
	const data = new Float64Array(M * width);
	const w = new Float64Array(M * k);
	const prevW = new Float64Array(M * k);
	const prevLoss = new Float64Array(M).fill(Infinity);
	const step = new Float64Array(M * k);
	// Done for good: float32 noise could otherwise bounce a converged model between two points.
	const done = new Uint8Array(M);
	const gradient = new Float64Array(M).fill(Infinity);
	let steps = 0;
	const pace = pacedYield();
	const penalty = (m: number) => {
		let s = 0;
		for (let c = 0; c < dims; c++) s += w[m * k + c] ** 2;
		return 0.5 * ridge * s;
	};
	try {
		for (let r0 = 0; r0 < n; r0 += NEWTON_CHUNK_ROWS) {
			const r1 = Math.min(n, r0 + NEWTON_CHUNK_ROWS);
			const nc = r1 - r0;
			const yc = new Float32Array(M * nc);
			const sc = new Float32Array(M * nc);
			for (let m = 0; m < M; m++) {
				yc.set(y.subarray(m * n + r0, m * n + r1), m * nc);
				sc.set(factor.subarray(m * n + r0, m * n + r1), m * nc);
			}
			chunks.push({
				X: tf.tensor2d(xa.subarray(r0 * k, r1 * k), [nc, k]),
				O: tf.tensor2d(outer.subarray(r0 * tri, r1 * tri), [nc, tri]),
				Y: tf.tensor2d(yc, [M, nc]),
				S: tf.tensor2d(sc, [M, nc])
			});
		}
		for (let it = 0; it <= maxSteps; it++) {
			data.fill(0);
			for (const { X, O, Y, S } of chunks) {
				const stats = tf.tidy(() => {
					const Z = tf.matMul(tf.tensor2d(Float32Array.from(w), [M, k]), X, false, true);
					const P = tf.sigmoid(Z);
					const rowLoss = sigmoidCrossEntropy(Z, Y);
					const loss = tf.sum(tf.mul(rowLoss, S), 1, true);
					const grad = tf.matMul(tf.mul(tf.sub(P, Y), S), X);
					const hess = tf.matMul(tf.mul(tf.mul(P, tf.sub(1, P)), S), O);
					return tf.concat([loss, grad, hess], 1);
				});
				const part = await stats.data();
				stats.dispose();
				for (let i = 0; i < part.length; i++) data[i] += part[i];
				await pace.due();
			}
			let active = 0;
			for (let m = 0; m < M; m++) {
				if (done[m]) continue;
				const row = m * width;
				const loss = data[row] + penalty(m);
				// The loss is summed in float32: changes below its rounding are noise, not overshoot.
				if (loss > prevLoss[m] + 1e-6 * Math.abs(prevLoss[m]) + 1e-7) {
					// The step overshot: go back and take half of it, unless it is already negligible.
					let sMax = 0;
					for (let c = 0; c < k; c++) {
						step[m * k + c] /= 2;
						sMax = Math.max(sMax, Math.abs(step[m * k + c]));
						w[m * k + c] = prevW[m * k + c] + step[m * k + c];
					}
					if (sMax < stepTolerance) {
						for (let c = 0; c < k; c++) w[m * k + c] = prevW[m * k + c];
						done[m] = 1;
						continue;
					}
					active++;
					continue;
				}
				prevLoss[m] = loss;
				prevW.set(w.subarray(m * k, (m + 1) * k), m * k);
				const g = new Float64Array(k);
				let gMax = 0;
				for (let c = 0; c < k; c++) {
					g[c] = data[row + 1 + c] + (c < dims ? ridge * w[m * k + c] : 0);
					gMax = Math.max(gMax, Math.abs(g[c]));
				}
				gradient[m] = gMax;
				if (gMax < tolerance) {
					done[m] = 1;
					continue;
				}
				const H = new Float64Array(k * k);
				let t = 0;
				for (let a = 0; a < k; a++)
					for (let b = a; b < k; b++) {
						const v = data[row + 1 + k + t++];
						H[a * k + b] = v;
						H[b * k + a] = v;
					}
				for (let c = 0; c < k; c++) H[c * k + c] += c < dims ? ridge : 1e-9;
				const delta = choleskySolve(H, g, k);
				let dMax = 0;
				for (let c = 0; c < k; c++) {
					step[m * k + c] = -delta[c];
					dMax = Math.max(dMax, Math.abs(delta[c]));
				}
				// A step too small to matter: take it, and call this model converged.
				if (dMax < stepTolerance) {
					for (let c = 0; c < k; c++) prevW[m * k + c] = w[m * k + c] += step[m * k + c];
					done[m] = 1;
					continue;
				}
				active++;
				for (let c = 0; c < k; c++) w[m * k + c] += step[m * k + c];
			}
			if (active === 0 || it === maxSteps) {
				// Converged (or out of steps): the accepted weights are the answer.
				w.set(prevW);
				break;
			}
			steps = it + 1;
			opts.onProgress?.(steps, maxSteps);
			await pace.due();
			throwIfAborted(opts.signal);
		}
	} finally {
		for (const c of chunks) tf.dispose([c.X, c.O, c.Y, c.S]);
	}
	const weights = new Float32Array(M * dims);
	const biases = new Float32Array(M);
	for (let m = 0; m < M; m++) {
		for (let c = 0; c < dims; c++) weights[m * dims + c] = w[m * k + c];
		biases[m] = w[m * k + dims];
	}
	return { weights, biases, steps, gradientMax: Math.max(...gradient) };
}

async function firstOrder(
	features: Float32Array,
	dims: number,
	M: number,
	{ n, y, factor }: Prepared,
	epochs: number,
	l2: number,
	optimizer: 'adam' | 'sgd',
	opts: BatchedLogRegOptions
): Promise<Fit> {
	const { yieldEvery = 25, onProgress, signal } = opts;
	const learningRate = opts.learningRate ?? (optimizer === 'adam' ? 0.05 : 0.5);
	if (!(learningRate > 0))
		throw new Error(`trainLogRegBatch: learningRate must be > 0, got ${learningRate}`);
	const X = tf.tensor2d(features, [n, dims]);
	const Y = tf.tensor2d(y, [M, n]);
	const S = tf.tensor2d(factor, [M, n]);
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
		// Full-batch steps on the shared loop, which yields to the page and reports progress.
		await trainLoop(
			{
				n,
				batchSize: n,
				epochs,
				seed: 0,
				batching: 'full',
				signal,
				onProgress: (epoch, total) => {
					if (epoch % yieldEvery === 0 || epoch === total) onProgress?.(epoch, total);
				}
			},
			({ epoch }) => {
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
					const stepSize = (learningRate * Math.sqrt(1 - beta2 ** epoch)) / (1 - beta1 ** epoch);
					const update = (p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor) => {
						m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
						v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
						p.assign(tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), stepSize)));
					};
					update(W, mW, vW, gW);
					update(b, mb, vb, gb);
				});
			}
		);
		const weights = (await W.data()) as Float32Array;
		const biases = (await b.data()) as Float32Array;
		return { weights, biases, steps: epochs, gradientMax: NaN };
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
