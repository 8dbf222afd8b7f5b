/**
 * The attacker's stolen copy: a small src/lib/ml/mlp.ts MLP trained on what the API answered.
 * Tabular inputs are z-scored with the mean and spread of the attacker's own first queries (the
 * attacker never sees the victim's scaler); pixels are used as they are.
 *
 * It learns from soft targets (the API's probabilities, rounded or not) or from one-hot labels in
 * label-only mode, with one loss for both so that the output modes compare fairly: the
 * cross-entropy against the answered distribution, i.e. distillation (Hinton, Vinyals, Dean 2015,
 * section 2) at temperature 1, on the shared training loop. When the API explains its answers
 * (input gradients, see victim-api.ts), the same loss gains a term that fits the copy's own input
 * gradient to the explained one (Milli, Schmidt, Dragan, Hardt 2019).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createMlp, disposeMlp, mlpLogits, mlpVariables, type Mlp } from '../mlp';
import { targetCrossEntropy } from '../losses';
import { exactSign } from '../tensors';
import { trainLoop } from '../train-loop';

export interface Surrogate {
	mlp: Mlp;
	dims: number;
	/** Victim classes; a binary surrogate has one logit but answers [1 - p, p]. */
	classes: number;
	/** The attacker's input scaling: (x - shift) / scale per feature. */
	shift: Float64Array;
	scale: Float64Array;
}

export interface SurrogateShape {
	dims: number;
	classes: number;
	tabular: boolean;
}

/** Hidden layers: [32, 16] for transactions, [64] for digits (cheap enough to retrain often). */
export function surrogateSizes(shape: SurrogateShape): number[] {
	const out = shape.classes === 2 ? 1 : shape.classes;
	return shape.tabular ? [shape.dims, 32, 16, out] : [shape.dims, 64, out];
}

/** A fresh surrogate whose scaling comes from `firstQueries` (rows of dims raw values). */
export function createSurrogate(
	shape: SurrogateShape,
	firstQueries: Float64Array,
	seed: number
): Surrogate {
	const d = shape.dims;
	const shift = new Float64Array(d);
	const scale = new Float64Array(d).fill(1);
	const n = firstQueries.length / d;
	if (shape.tabular && n > 0) {
		for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) shift[j] += firstQueries[i * d + j] / n;
		const sq = new Float64Array(d);
		for (let i = 0; i < n; i++)
			for (let j = 0; j < d; j++) sq[j] += (firstQueries[i * d + j] - shift[j]) ** 2 / n;
		for (let j = 0; j < d; j++) scale[j] = Math.sqrt(sq[j]) || 1;
	}
	return {
		mlp: createMlp(surrogateSizes(shape), seed),
		dims: d,
		classes: shape.classes,
		shift,
		scale
	};
}

export function disposeSurrogate(s: Surrogate) {
	disposeMlp(s.mlp);
}

function scaled(s: Surrogate, raw: Float64Array): Float32Array {
	const d = s.dims;
	const out = new Float32Array(raw.length);
	for (let i = 0; i < raw.length; i++) out[i] = (raw[i] - s.shift[i % d]) / s.scale[i % d];
	return out;
}

/** Summed cross-entropy against the answered targets (see targetCrossEntropy). */
const softCrossEntropy = (logits: tf.Tensor2D, targets: tf.Tensor): tf.Scalar =>
	tf.sum(targetCrossEntropy(logits, targets));

export interface TrainSurrogateOptions {
	epochs: number;
	batchSize?: number;
	learningRate?: number;
	seed: number;
	signal?: AbortSignal;
	/**
	 * The API's explanations of the same rows (binary surrogates only): dP(class 1)/dx per raw
	 * input value, dims per row. With them the loss also fits the copy's input gradient.
	 */
	gradients?: Float64Array | Float32Array;
	/** lambda, the weight of the gradient term; default GRADIENT_WEIGHT */
	gradientWeight?: number;
}

/**
 * lambda in the gradient-matching loss. The gradients are compared in the copy's z-scored units
 * (per standard deviation of each feature): near the fraud MLP's boundary they reach 1 to 5, far
 * from it 1e-5, so lambda = 0.3 lets them count about as much as the cross-entropy where they are
 * large. Chosen from 0.03, 0.1, 0.3 and 1 on victim seeds 1 to 5 (natural queries, 10 to 2,000).
 */
export const GRADIENT_WEIGHT = 0.3;

/** Width of one target row: 1 for a binary surrogate (P(class 1)), else the class count. */
export function targetWidth(s: Surrogate): number {
	return s.classes === 2 ? 1 : s.classes;
}

/**
 * The copy's dP(class 1)/dz for scaled rows z [n, d]: one backward pass of the summed
 * probabilities (row i's sum term depends on row i only). Differentiable in the weights, so a
 * loss on it trains them (double backpropagation). Allocates; the caller owns tidy.
 */
function probabilityInputGradient(s: Surrogate, z: tf.Tensor2D): tf.Tensor2D {
	return tf.grad((input) => tf.sum(tf.sigmoid(mlpLogits(s.mlp, input as tf.Tensor2D))))(
		z
	) as tf.Tensor2D;
}

/**
 * Minibatch Adam (Kingma, Ba 2015) on raw rows and their targets (targetWidth values per row),
 * continuing from the current weights. With `gradients`, each row's loss is
 * CE(target, copy) + lambda * sum_j (dp_copy/dz_j - dp_victim/dz_j)^2, a copy fitted to both the
 * answers and their gradient explanations as in Milli, Schmidt, Dragan, Hardt 2019, "Model
 * Reconstruction from Model Explanations" (arXiv:1807.05185). The output term is the lab's
 * cross-entropy, so a copy trained with explanations differs from one trained without in the
 * gradient term alone. The explained gradients are in raw units; times the copy's scale they
 * are per z unit, where they are compared.
 */
export async function trainSurrogate(
	s: Surrogate,
	raw: Float64Array,
	targets: Float32Array,
	{
		epochs,
		batchSize = 64,
		learningRate = 0.01,
		seed,
		signal,
		gradients,
		gradientWeight = GRADIENT_WEIGHT
	}: TrainSurrogateOptions
): Promise<void> {
	const d = s.dims;
	const k = targetWidth(s);
	const n = raw.length / d;
	if (targets.length !== n * k) {
		throw new Error(`trainSurrogate: ${targets.length} targets do not make ${n} rows of ${k}`);
	}
	if (gradients) {
		if (k !== 1)
			throw new Error(
				`trainSurrogate: explained gradients are of P(class 1), for a binary copy; this one has ${s.classes} classes`
			);
		if (gradients.length !== n * d)
			throw new Error(
				`trainSurrogate: ${gradients.length} gradient values do not make ${n} rows of ${d}`
			);
		if (!(Number.isFinite(gradientWeight) && gradientWeight >= 0))
			throw new Error(
				`trainSurrogate: gradientWeight must be a finite number >= 0, got ${gradientWeight}`
			);
	}
	if (n === 0) return;
	const x = scaled(s, raw);
	const g = gradients ? new Float32Array(n * d) : null;
	if (g && gradients) for (let i = 0; i < g.length; i++) g[i] = gradients[i] * s.scale[i % d];
	const optimizer = tf.train.adam(learningRate);
	const variables = mlpVariables(s.mlp);
	const bx = new Float32Array(batchSize * d);
	const by = new Float32Array(batchSize * k);
	const bg = g ? new Float32Array(batchSize * d) : null;
	try {
		await trainLoop({ n, batchSize, epochs, seed, signal }, ({ indices }) => {
			const m = indices.length;
			for (let j = 0; j < m; j++) {
				const i = indices[j];
				bx.set(x.subarray(i * d, (i + 1) * d), j * d);
				by.set(targets.subarray(i * k, (i + 1) * k), j * k);
				if (bg && g) bg.set(g.subarray(i * d, (i + 1) * d), j * d);
			}
			tf.tidy(() => {
				const xb = tf.tensor2d(bx.subarray(0, m * d), [m, d]);
				const yb =
					k === 1 ? tf.tensor1d(by.subarray(0, m)) : tf.tensor2d(by.subarray(0, m * k), [m, k]);
				const gb = bg ? tf.tensor2d(bg.subarray(0, m * d), [m, d]) : null;
				optimizer.minimize(
					() => {
						const ce = softCrossEntropy(mlpLogits(s.mlp, xb), yb);
						if (!gb) return tf.div(ce, m) as tf.Scalar;
						const misfit = tf.sum(tf.squaredDifference(probabilityInputGradient(s, xb), gb));
						return tf.div(tf.add(ce, tf.mul(gradientWeight, misfit)), m) as tf.Scalar;
					},
					false,
					variables
				);
			});
		});
	} finally {
		optimizer.dispose();
	}
}

/**
 * The copy's own explanation: dP(class 1)/dx per raw input value (binary copies), to compare with
 * what the victim's API explains. Read back; nothing stays allocated.
 */
export async function surrogateGradient(s: Surrogate, raw: Float64Array): Promise<Float64Array> {
	if (targetWidth(s) !== 1)
		throw new Error(`surrogateGradient: P(class 1) needs a binary copy; this one has ${s.classes}`);
	const n = raw.length / s.dims;
	const grad = tf.tidy(() => probabilityInputGradient(s, tf.tensor2d(scaled(s, raw), [n, s.dims])));
	try {
		const perZ = await grad.data();
		// dz_j/dx_j = 1 / scale_j
		return Float64Array.from(perZ, (v, i) => v / s.scale[i % s.dims]);
	} finally {
		grad.dispose();
	}
}

/** Class probabilities [n, classes] row-major for raw rows (binary: [1 - p, p]). */
export async function surrogatePredict(s: Surrogate, raw: Float64Array): Promise<Float64Array> {
	const n = raw.length / s.dims;
	const out = tf.tidy(() => {
		const logits = mlpLogits(s.mlp, tf.tensor2d(scaled(s, raw), [n, s.dims]));
		if (logits.shape[1] > 1) return tf.softmax(logits);
		const p = tf.sigmoid(logits);
		return tf.concat([tf.sub(1, p), p], 1);
	});
	try {
		return Float64Array.from(await out.data());
	} finally {
		out.dispose();
	}
}

/**
 * sign(d CE(surrogate(x), label) / dx) per raw input value, -1, 0 or +1: FGSM's direction
 * (Goodfellow et al. 2015) and, negated, the Jacobian augmentation direction of Papernot et al.
 * 2017 (the sign of d log F_label / dx, which has the sign of d F_label / dx). The sign is taken
 * by comparisons, not tf.sign, whose WASM kernel zeroes tiny gradients (see attacks/fgsm.ts).
 * The gradient is taken in the surrogate's scaled space; the scales are positive, so the signs
 * are the same in raw units.
 */
export async function surrogateLossSign(
	s: Surrogate,
	raw: Float64Array,
	labels: ArrayLike<number>
): Promise<Float32Array> {
	const n = raw.length / s.dims;
	const k = targetWidth(s);
	const target = new Float32Array(n * k);
	for (let i = 0; i < n; i++) {
		if (k === 1) target[i] = labels[i];
		else target[i * k + labels[i]] = 1;
	}
	const signs = tf.tidy(() => {
		const x = tf.tensor2d(scaled(s, raw), [n, s.dims]);
		const y = k === 1 ? tf.tensor1d(target) : tf.tensor2d(target, [n, k]);
		const grad = tf.grad((input) => softCrossEntropy(mlpLogits(s.mlp, input as tf.Tensor2D), y))(x);
		return exactSign(grad);
	});
	try {
		return (await signs.data()) as Float32Array;
	} finally {
		signs.dispose();
	}
}
