/**
 * DP-SGD on the shared dense MLP (src/lib/ml/mlp.ts), with per-example gradients computed for a
 * whole batch at once rather than one example at a time.
 *
 * For a dense layer z = a W + b, example i's weight gradient is the outer product a_i^T delta_i,
 * where delta_i = d loss_i / d z_i. So its squared norm is ||a_i||^2 ||delta_i||^2 (plus
 * ||delta_i||^2 for the bias), and the sum of clipped per-example gradients is
 * a^T (delta * factor): one matrix product per layer, with no [B, in, out] tensor ever built
 * (Goodfellow 2015, "Efficient per-example gradient computations", arXiv:1510.01799).
 *
 * Nothing runs at import. Functions that return tensors leave tidy to the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { labelCrossEntropy, meanCrossEntropy } from '../losses';
import { mlpLogits, mlpVariables, type Mlp } from '../mlp';
import { inlineNoise, type NoiseSource } from './noise';
import {
	stepsPerEpoch as loopStepsPerEpoch,
	trainLoop,
	type LoopOptions,
	type LoopReport
} from '../train-loop';

/** 'poisson': each example joins each batch with probability q = batch / n, as the accountant
 * assumes; 'shuffle': a fresh permutation each epoch cut into fixed batches. */
export type Sampling = 'poisson' | 'shuffle';

interface Forward {
	/** inputs[l]: what layer l multiplies, [B, sizes[l]] */
	inputs: tf.Tensor2D[];
	/** pre[l]: layer l's output before ReLU, [B, sizes[l + 1]] */
	pre: tf.Tensor2D[];
	logits: tf.Tensor2D;
}

function forwardKeepingActivations(mlp: Mlp, x: tf.Tensor2D): Forward {
	const inputs: tf.Tensor2D[] = [];
	const pre: tf.Tensor2D[] = [];
	let h = x;
	const last = mlp.weights.length - 1;
	for (let l = 0; l <= last; l++) {
		inputs.push(h);
		const z = tf.add(tf.matMul(h, mlp.weights[l]), mlp.biases[l]) as tf.Tensor2D;
		pre.push(z);
		h = l < last ? tf.relu(z) : z;
	}
	return { inputs, pre, logits: h };
}

/**
 * deltas[l] = d loss_i / d z_l for every example i at once, [B, sizes[l + 1]], by backpropagation
 * written out: at the logits sigmoid(z) - y (one output) or softmax(z) - onehot(y) (several),
 * then delta_{l-1} = (delta_l W_l^T) * relu'(z_{l-1}) (Rumelhart, Hinton, Williams 1986).
 */
function perExampleDeltas(mlp: Mlp, fwd: Forward, labels: tf.Tensor1D): tf.Tensor2D[] {
	const k = fwd.logits.shape[1];
	const out =
		k === 1
			? tf.sub(tf.sigmoid(fwd.logits), tf.reshape(tf.cast(labels, 'float32'), [-1, 1]))
			: tf.sub(tf.softmax(fwd.logits), tf.oneHot(tf.cast(labels, 'int32'), k));
	const deltas: tf.Tensor2D[] = new Array(mlp.weights.length);
	deltas[deltas.length - 1] = out as tf.Tensor2D;
	for (let l = deltas.length - 1; l > 0; l--) {
		const back = tf.matMul(deltas[l], mlp.weights[l], false, true);
		// ReLU's derivative, 1 where z > 0 (tf.step, as tfjs's own Relu gradient uses).
		deltas[l - 1] = tf.mul(back, tf.step(fwd.pre[l - 1])) as tf.Tensor2D;
	}
	return deltas;
}

/** Squared L2 norm of each row, [B]. */
const rowSquares = (t: tf.Tensor2D) => tf.sum(tf.square(t), 1) as tf.Tensor1D;

/**
 * Every example's full gradient, materialised: for each variable in mlpVariables order, a tensor
 * [B, ...variable shape]. Memory grows with B x parameters, so training never calls this; the
 * tests compare it with one-at-a-time gradients. Allocates; the caller owns tidy.
 */
export function perExampleGradients(mlp: Mlp, x: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor[] {
	const fwd = forwardKeepingActivations(mlp, x);
	const deltas = perExampleDeltas(mlp, fwd, labels);
	return deltas.flatMap((delta, l) => [
		tf.mul(tf.expandDims(fwd.inputs[l], 2), tf.expandDims(delta, 1)),
		delta
	]);
}

/**
 * The L2 norm of each example's gradient over all weights and biases, [B], without building the
 * gradients: sum over layers of (||a_i||^2 + 1) ||delta_i||^2 (Goodfellow 2015).
 */
export function perExampleGradientNorms(
	mlp: Mlp,
	x: tf.Tensor2D,
	labels: tf.Tensor1D
): tf.Tensor1D {
	const fwd = forwardKeepingActivations(mlp, x);
	return normsOf(fwd, perExampleDeltas(mlp, fwd, labels));
}

function normsOf(fwd: Forward, deltas: tf.Tensor2D[]): tf.Tensor1D {
	let sq: tf.Tensor1D | null = null;
	for (let l = 0; l < deltas.length; l++) {
		const term = tf.mul(tf.add(rowSquares(fwd.inputs[l]), 1), rowSquares(deltas[l])) as tf.Tensor1D;
		sq = sq ? (tf.add(sq, term) as tf.Tensor1D) : term;
	}
	return tf.sqrt(sq as tf.Tensor1D);
}

export interface ClippedSum {
	/** sum over examples of the clipped gradients, one tensor per variable (mlpVariables order) */
	grads: tf.Tensor[];
	/** each example's gradient norm before clipping, [B] */
	norms: tf.Tensor1D;
	/** sum of the examples' losses (masked rows excluded) */
	lossSum: tf.Scalar;
}

/**
 * Abadi et al. 2016, "Deep Learning with Differential Privacy", Algorithm 1, the clipping step:
 * each example's gradient g_i is scaled by min(1, C / ||g_i||), and the clipped gradients are
 * summed, one matrix product per layer. `clip` = Infinity leaves gradients unclipped. `mask`
 * ([B], 0 or 1) drops padding rows. Allocates; the caller owns tidy.
 */
export function clippedGradientSum(
	mlp: Mlp,
	x: tf.Tensor2D,
	labels: tf.Tensor1D,
	clip: number,
	mask?: tf.Tensor1D
): ClippedSum {
	if (!(clip > 0)) throw new RangeError(`clip norm C must be > 0 (or Infinity), got ${clip}`);
	const fwd = forwardKeepingActivations(mlp, x);
	const deltas = perExampleDeltas(mlp, fwd, labels);
	const norms = normsOf(fwd, deltas);
	let factor: tf.Tensor1D | null = null;
	if (Number.isFinite(clip)) {
		// min(1, C / ||g||); a zero gradient stays zero whatever the factor.
		factor = tf.minimum(1, tf.div(clip, tf.maximum(norms, 1e-12))) as tf.Tensor1D;
	}
	if (mask) factor = factor ? (tf.mul(factor, mask) as tf.Tensor1D) : mask;
	const grads = deltas.flatMap((delta, l) => {
		const scaled = factor ? tf.mul(delta, tf.expandDims(factor, 1)) : delta;
		return [tf.matMul(fwd.inputs[l], scaled, true, false), tf.sum(scaled, 0)];
	});
	const losses = labelCrossEntropy(fwd.logits, labels);
	const lossSum = tf.sum(mask ? tf.mul(losses, mask) : losses) as tf.Scalar;
	return { grads, norms, lossSum };
}

export interface SgdOptions {
	/** expected batch (lot) size L under Poisson sampling; the batch size under shuffling */
	batchSize: number;
	epochs: number;
	learningRate: number;
	/** heavy-ball momentum; 0 (default) is plain SGD */
	momentum?: number;
	seed: number;
	signal?: AbortSignal;
	/** after each epoch, with the mean training loss of its batches; awaited */
	onEpoch?: (epoch: number, loss: number) => void | Promise<void>;
	onProgress?: (stepsDone: number, stepsTotal: number) => void;
}

export interface DpSgdOptions extends SgdOptions {
	/** noise multiplier: the noise's standard deviation is sigma * clip */
	sigma: number;
	/** per-example clipping norm C (Infinity: no clipping, allowed only with sigma = 0) */
	clip: number;
	/** default 'poisson' */
	sampling?: Sampling;
	/** where the noise is drawn (the same bits from any source); default inlineNoise */
	noise?: NoiseSource;
}

/** Steps whose noise is announced ahead, so a parallel source has it ready when they start. */
const NOISE_LOOKAHEAD = 2;

/** What a run reports: the shared loop's report (losses, epoch times, steps, rows). */
export type TrainReport = LoopReport;

/** Steps per epoch: ceil(n / batch) under both samplings, so an epoch is one pass on average. */
export const stepsPerEpoch = (n: number, batchSize: number) => loopStepsPerEpoch(n, batchSize);

function checkCommon(mlp: Mlp, rows: Float32Array, labels: ArrayLike<number>, o: SgdOptions) {
	const d = mlp.sizes[0];
	const n = labels.length;
	const where = 'DP-SGD';
	if (rows.length !== n * d)
		throw new RangeError(`${where}: ${rows.length} feature values do not make ${n} rows of ${d}`);
	if (n < 1) throw new RangeError(`${where}: the training set is empty`);
	if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1 && o.batchSize <= n))
		throw new RangeError(
			`${where}: batch size must be a whole number from 1 to ${n}, got ${o.batchSize}`
		);
	if (!(Number.isInteger(o.epochs) && o.epochs >= 0))
		throw new RangeError(`${where}: epochs must be a whole number >= 0, got ${o.epochs}`);
	if (!(o.learningRate > 0))
		throw new RangeError(`${where}: learning rate must be > 0, got ${o.learningRate}`);
	const m = o.momentum ?? 0;
	if (!(m >= 0 && m < 1)) throw new RangeError(`${where}: momentum must be in [0, 1), got ${m}`);
}

/**
 * Plain SGD, or heavy-ball momentum (Polyak 1964): v <- mu v + g, w <- w - lr v, as tfjs's
 * MomentumOptimizer without Nesterov. Written out because that optimizer's dispose() leaves its
 * learning-rate scalar behind in tfjs 4.22. Owns its velocity variables.
 */
class SgdStep {
	#velocity: tf.Variable[] | null;
	constructor(
		private readonly variables: tf.Variable[],
		private readonly lr: number,
		private readonly momentum: number
	) {
		this.#velocity =
			momentum > 0
				? variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)))
				: null;
	}
	apply(grads: tf.Tensor[]) {
		tf.tidy(() => {
			this.variables.forEach((w, k) => {
				let step = grads[k];
				if (this.#velocity) {
					const v = this.#velocity[k];
					v.assign(tf.add(tf.mul(v, this.momentum), step));
					step = v;
				}
				w.assign(tf.sub(w, tf.mul(step, this.lr)));
			});
		});
	}
	dispose() {
		if (this.#velocity) tf.dispose(this.#velocity);
	}
}

/** Copies the rows at `indices` into the front of the batch buffers; the rest is padding. */
function gather(
	rows: Float32Array,
	labels: ArrayLike<number>,
	d: number,
	indices: ArrayLike<number>,
	bx: Float32Array,
	by: Int32Array,
	bm: Float32Array
) {
	bm.fill(0);
	for (let j = 0; j < indices.length; j++) {
		const i = indices[j];
		bx.set(rows.subarray(i * d, (i + 1) * d), j * d);
		by[j] = labels[i];
		bm[j] = 1;
	}
}

/**
 * Poisson batches vary in size; on WebGL, padding them up to a multiple of 16 rows keeps the
 * number of distinct tensor shapes (and so of compiled shader programs) small. Padding rows carry
 * a zero mask. WASM and CPU compile nothing per shape, so they compute on the lot's own rows.
 */
const padRows = () => (tf.getBackend() === 'webgl' ? 16 : 1);

/** The loop options both trainers pass: the same seed and sampling give the same batches. */
function loopOptions(n: number, opts: SgdOptions, batching: Sampling, lookahead = 0): LoopOptions {
	return {
		lookahead,
		n,
		batchSize: opts.batchSize,
		epochs: opts.epochs,
		seed: opts.seed,
		batching,
		// one seed per step, drawn after its batch: DP-SGD seeds its noise with it
		stepSeeds: true,
		signal: opts.signal,
		onEpoch: opts.onEpoch,
		onProgress: opts.onProgress
	};
}

/**
 * Abadi et al. 2016, "Deep Learning with Differential Privacy", Algorithm 1 (DP-SGD): for each
 * step, sample a lot (Poisson with q = L / n, or a shuffled batch), compute per-example
 * gradients, clip each to norm C, add Gaussian noise N(0, sigma^2 C^2) to the sum, divide by the
 * expected lot size L (the actual batch size under shuffling) and take an SGD (or momentum) step.
 * Noise comes from base/gaussian.ts (xoshiro128** and the ziggurat), seeded per step from `seed`,
 * the same bytes in every engine. Returns losses and epoch times.
 */
export async function trainDpSgd(
	mlp: Mlp,
	rows: Float32Array,
	labels: ArrayLike<number>,
	opts: DpSgdOptions
): Promise<TrainReport> {
	checkCommon(mlp, rows, labels, opts);
	if (!(opts.sigma >= 0 && Number.isFinite(opts.sigma)))
		throw new RangeError(`DP-SGD: noise multiplier sigma must be a number >= 0, got ${opts.sigma}`);
	if (!(opts.clip > 0))
		throw new RangeError(`DP-SGD: clip norm C must be > 0 (or Infinity), got ${opts.clip}`);
	if (opts.sigma > 0 && !Number.isFinite(opts.clip))
		throw new RangeError('DP-SGD: noise needs a finite clip norm C (its std is sigma * C)');
	const sampling = opts.sampling ?? 'poisson';
	const d = mlp.sizes[0];
	const optimizer = new SgdStep(mlpVariables(mlp), opts.learningRate, opts.momentum ?? 0);
	const noiseCount = mlpVariables(mlp).reduce((n, v) => n + v.size, 0);
	const std = opts.sigma * opts.clip;
	const source = opts.noise ?? inlineNoise;
	const lookahead = opts.sigma > 0 ? NOISE_LOOKAHEAD : 0;
	try {
		return await trainLoop(
			loopOptions(labels.length, opts, sampling, lookahead),
			async ({ indices, seed, upcomingSeeds }) => {
				// One fresh draw of N(0, sigma^2 C^2) noise for every weight, seeded for this step;
				// the next steps' draws are announced so a parallel source makes them meanwhile.
				let noise: Float32Array | null = null;
				if (opts.sigma > 0) {
					source.ahead(upcomingSeeds.map((s) => ({ count: noiseCount, std, seed: s })));
					noise = await source.draw({ count: noiseCount, std, seed });
				}
				const m = indices.length;
				// Poisson lots vary in size, so they are padded (see padRows); shuffled batches need not be.
				const pad = sampling === 'poisson' ? padRows() : 1;
				const padded = Math.max(pad, Math.ceil(m / pad) * pad);
				const bx = new Float32Array(padded * d);
				const by = new Int32Array(padded);
				const bm = new Float32Array(padded);
				gather(rows, labels, d, indices, bx, by, bm);
				// The denominator is public: the expected lot size, not the (private) actual count.
				const denominator = sampling === 'poisson' ? opts.batchSize : Math.max(1, m);
				const lossSum = tf.tidy(() => {
					const x = tf.tensor2d(bx, [padded, d]);
					const y = tf.tensor1d(by, 'int32');
					const mask = tf.tensor1d(bm);
					const { grads, lossSum } = clippedGradientSum(mlp, x, y, opts.clip, mask);
					let offset = 0;
					optimizer.apply(
						grads.map((g) => {
							if (!noise) return tf.div(g, denominator);
							const part = noise.subarray(offset, offset + g.size);
							offset += g.size;
							return tf.div(tf.add(g, tf.tensor(part, g.shape)), denominator);
						})
					);
					return lossSum;
				});
				return { loss: lossSum, count: m, rows: padded };
			}
		);
	} finally {
		source.reset();
		optimizer.dispose();
	}
}

/**
 * Plain minibatch SGD (or momentum) through tfjs's own autodiff on the mean batch loss, with the
 * same shuffled batches as trainDpSgd's 'shuffle' sampling (the shared loop draws the same
 * numbers): the non-private baseline, and the reference that DP-SGD with sigma = 0 and no
 * clipping must reproduce.
 */
export async function trainSgd(
	mlp: Mlp,
	rows: Float32Array,
	labels: ArrayLike<number>,
	opts: SgdOptions
): Promise<TrainReport> {
	checkCommon(mlp, rows, labels, opts);
	const d = mlp.sizes[0];
	const variables = mlpVariables(mlp);
	const optimizer = new SgdStep(variables, opts.learningRate, opts.momentum ?? 0);
	try {
		return await trainLoop(loopOptions(labels.length, opts, 'shuffle'), ({ indices }) => {
			const m = indices.length;
			const bx = new Float32Array(m * d);
			const by = new Int32Array(m);
			gather(rows, labels, d, indices, bx, by, new Float32Array(m));
			const lossSum = tf.tidy(() => {
				const x = tf.tensor2d(bx, [m, d]);
				const y = tf.tensor1d(by, 'int32');
				const { value: loss, grads } = tf.variableGrads(
					() => meanCrossEntropy(mlpLogits(mlp, x), y),
					variables
				);
				optimizer.apply(variables.map((v) => grads[v.name]));
				return tf.mul(loss, m) as tf.Scalar;
			});
			return { loss: lossSum, count: m, rows: m };
		});
	} finally {
		optimizer.dispose();
	}
}
