/**
 * The extraction lab's victims, trained by our code on seeded data and then sealed: what leaves
 * this module for the attacker is a PredictionApi whose only door is `query(inputs)`. The grader
 * side (`Victim`) keeps the plain predictor, the held-out inputs and, for the logistic regression,
 * the true weights, so the lab can score what was stolen.
 *
 * Fraud victims answer raw transactions (currency units, km, days, as FRAUD_FEATURES lists them)
 * and standardise inside, as a deployed service would. Their forward pass runs in plain float64
 * on weights copied out of the trained tfjs MLP, so answering a query allocates no tensors; so
 * does the backward pass that explains an answer (the input gradient of P(fraud), for an API with
 * explanations on).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
	FRAUD_DIMS,
	FRAUD_FEATURES,
	generateTransactions,
	splitTransactions,
	standardize,
	type FeatureKind
} from '../../data/fraud';
import { MNIST_PIXELS, MNIST_SIDE, type DigitSet } from '../../data/mnist';
import type { Classifier } from '../classifier';
import { createMlp, disposeMlp, trainMlp } from '../mlp';
import { createRng, randomInt } from '../../base/rng';
import type { LogisticParams } from './equation-solving';
import {
	PredictionApi,
	sigmoid,
	type GradientFn,
	type PredictFn,
	type PredictionApiOptions
} from './victim-api';
import { argmaxRows } from '../../base/argmax';

export const VICTIM_IDS = ['fraud-logreg', 'fraud-mlp', 'mnist-cnn'] as const;
export type VictimId = (typeof VICTIM_IDS)[number];

export const VICTIM_LABELS: Record<VictimId, string> = {
	'fraud-logreg': 'fraud logistic regression',
	'fraud-mlp': 'fraud MLP',
	'mnist-cnn': 'mnist-cnn (digits)'
};

/** Input width of each victim, known before it is trained or loaded. */
export const VICTIM_DIMS: Record<VictimId, number> = {
	'fraud-logreg': FRAUD_DIMS,
	'fraud-mlp': FRAUD_DIMS,
	'mnist-cnn': MNIST_PIXELS
};

export function isVictimId(value: string): value is VictimId {
	return (VICTIM_IDS as readonly string[]).includes(value);
}

/** A labelled set of inputs, `dims` numbers per row. */
export interface LabelledInputs {
	inputs: Float64Array;
	labels: Uint8Array;
	count: number;
}

/** The grader's view of a victim; the attacker only ever sees `api(...)`. */
export interface Victim {
	id: VictimId;
	dims: number;
	classes: number;
	/** The public input domain, per feature (documented by the API, so the attacker knows it). */
	low: Float64Array;
	high: Float64Array;
	kinds: readonly FeatureKind[];
	/** Tabular inputs are z-scored by the attacker's surrogate; pixels are used as they are. */
	tabular: boolean;
	/** Natural inputs from the victim's own distribution, never queried: fidelity is measured here. */
	heldOut: LabelledInputs;
	/** Accuracy of the victim itself on heldOut. */
	accuracy: number;
	/** The true logistic-regression parameters in raw input units (fraud-logreg only). */
	truth?: LogisticParams;
	/** Grader-only: class probabilities, row-major. Attacks must go through api(). */
	predict: PredictFn;
	/**
	 * Grader-only: dP(class 1)/dx in raw input units, row-major (the binary fraud victims only);
	 * what an API with explanations on answers beside each prediction.
	 */
	gradient?: GradientFn;
	/**
	 * The attacker's natural data: a different distribution than the victim was trained on
	 * (see naturalPool), labels unknown to the attacker.
	 */
	naturalPool(count: number, seed: number): Float64Array;
	/** Ordinary customers' queries, from the victim's own distribution: PRADA's benign traffic. */
	benign(count: number, seed: number): Float64Array;
	/** How the service scales inputs before measuring distances (PRADA): (x - shift) / scale. */
	monitorScale: { shift: Float64Array; scale: Float64Array };
	/** A prediction service in front of this victim. */
	api(options?: PredictionApiOptions): PredictionApi;
}

export interface FraudVictimOptions {
	seed?: number;
	signal?: AbortSignal;
	onProgress?: (done: number, total: number) => void;
}

const FRAUD_COUNT = 4000;
const FRAUD_EPOCHS = { 'fraud-logreg': 40, 'fraud-mlp': 30 } as const;
const FRAUD_SIZES = { 'fraud-logreg': [FRAUD_DIMS, 1], 'fraud-mlp': [FRAUD_DIMS, 32, 16, 1] };

/** A float64 forward pass over copied weights: ReLU hidden layers, one sigmoid output. */
function denseBinaryPredictor(
	sizes: readonly number[],
	weights: Float64Array[],
	biases: Float64Array[],
	mean: Float32Array,
	std: Float32Array
): PredictFn {
	const d = sizes[0];
	const widest = Math.max(...sizes);
	return (inputs, dims) => {
		if (dims !== d) throw new Error(`fraud victim takes ${d} features per row, got ${dims}`);
		const n = inputs.length / d;
		const out = new Float64Array(2 * n);
		let a = new Float64Array(widest);
		let b = new Float64Array(widest);
		for (let i = 0; i < n; i++) {
			for (let j = 0; j < d; j++) a[j] = (inputs[i * d + j] - mean[j]) / std[j];
			for (let l = 0; l + 1 < sizes.length; l++) {
				const fanIn = sizes[l];
				const fanOut = sizes[l + 1];
				const w = weights[l];
				for (let o = 0; o < fanOut; o++) {
					let z = biases[l][o];
					for (let k = 0; k < fanIn; k++) z += a[k] * w[k * fanOut + o];
					b[o] = l + 2 < sizes.length ? Math.max(0, z) : z;
				}
				[a, b] = [b, a];
			}
			// [1 - p, p] with each side computed directly, so neither loses precision near 0 or 1.
			out[2 * i] = sigmoid(-a[0]);
			out[2 * i + 1] = sigmoid(a[0]);
		}
		return out;
	};
}

/**
 * The input gradient of denseBinaryPredictor's P(class 1), by a float64 backward pass over the
 * same weights: dp/dz_out = p (1 - p) (as sigmoid(z) sigmoid(-z), exact near 0 and 1), back
 * through each layer (a ReLU passes the gradient where its input was > 0), then through the
 * standardisation, d/dx_j = d/da_j / std_j, so the gradient is in raw units.
 */
function denseBinaryGradient(
	sizes: readonly number[],
	weights: Float64Array[],
	biases: Float64Array[],
	mean: Float32Array,
	std: Float32Array
): GradientFn {
	const d = sizes[0];
	const layers = sizes.length - 1;
	return (inputs, dims) => {
		if (dims !== d) throw new Error(`fraud victim takes ${d} features per row, got ${dims}`);
		const n = inputs.length / d;
		const out = new Float64Array(n * d);
		// Each layer's input activations, and the pre-activations of each hidden layer.
		const acts = sizes.slice(0, -1).map((s) => new Float64Array(s));
		const pre = sizes.slice(1).map((s) => new Float64Array(s));
		const widest = Math.max(...sizes);
		let delta = new Float64Array(widest);
		let next = new Float64Array(widest);
		for (let i = 0; i < n; i++) {
			for (let j = 0; j < d; j++) acts[0][j] = (inputs[i * d + j] - mean[j]) / std[j];
			for (let l = 0; l < layers; l++) {
				const fanIn = sizes[l];
				const fanOut = sizes[l + 1];
				const w = weights[l];
				for (let o = 0; o < fanOut; o++) {
					let z = biases[l][o];
					for (let k = 0; k < fanIn; k++) z += acts[l][k] * w[k * fanOut + o];
					pre[l][o] = z;
					if (l + 1 < layers) acts[l + 1][o] = Math.max(0, z);
				}
			}
			const z = pre[layers - 1][0];
			delta[0] = sigmoid(z) * sigmoid(-z);
			for (let l = layers - 1; l >= 0; l--) {
				const fanIn = sizes[l];
				const fanOut = sizes[l + 1];
				const w = weights[l];
				for (let k = 0; k < fanIn; k++) {
					let g = 0;
					for (let o = 0; o < fanOut; o++) g += w[k * fanOut + o] * delta[o];
					// below the first layer the gradient reaches the inputs; above it, a ReLU
					next[k] = l === 0 || pre[l - 1][k] > 0 ? g : 0;
				}
				[delta, next] = [next, delta];
			}
			for (let j = 0; j < d; j++) out[i * d + j] = delta[j] / std[j];
		}
		return out;
	};
}

/** The victim's label for each row (grader side: what the API would answer as its top class). */
export function victimLabelsFor(
	victim: Pick<Victim, 'predict' | 'dims'>,
	rows: Float64Array
): Uint8Array {
	return argmaxRows(victim.predict(rows, victim.dims), rows.length / victim.dims);
}

function accuracyOf(predict: PredictFn, set: LabelledInputs, dims: number): number {
	const labels = argmaxRows(predict(set.inputs, dims), set.count);
	let right = 0;
	for (let i = 0; i < set.count; i++) if (labels[i] === set.labels[i]) right++;
	return right / set.count;
}

/**
 * The attacker's natural transactions: another bank's customers. A different seed, five times
 * the fraud (15 %), amounts 1.5 times larger (another currency) and the clock two hours later
 * (another time zone): plausible transactions, but not the victim's training distribution.
 */
export function shiftedTransactions(count: number, seed: number): Float64Array {
	const set = generateTransactions({ count, seed: 1_000_003 + seed, fraudRate: 0.15 });
	const out = Float64Array.from(set.features);
	const amount = FRAUD_FEATURES.findIndex((f) => f.key === 'amount');
	const hour = FRAUD_FEATURES.findIndex((f) => f.key === 'hour');
	for (let i = 0; i < count; i++) {
		const row = i * FRAUD_DIMS;
		out[row + amount] = Math.min(FRAUD_FEATURES[amount].max, out[row + amount] * 1.5);
		out[row + hour] = (out[row + hour] + 2) % 24;
	}
	return out;
}

/**
 * Trains a fraud victim: 4,000 seeded transactions (3 % fraud), 70/30 split, z-scored, then a
 * class-balanced logistic regression (an MLP with sizes [10, 1]) or an MLP [10, 32, 16, 1],
 * Adam. The held-out 30 % is where fidelity is measured.
 */
export async function trainFraudVictim(
	id: 'fraud-logreg' | 'fraud-mlp',
	{ seed = 1, signal, onProgress }: FraudVictimOptions = {}
): Promise<Victim> {
	const data = generateTransactions({ count: FRAUD_COUNT, seed });
	const { train, test } = splitTransactions(data, 0.3, seed);
	const scaler = standardize(train.features, FRAUD_DIMS);
	const sizes = FRAUD_SIZES[id];
	const mlp = createMlp(sizes, seed);
	const epochs = FRAUD_EPOCHS[id];
	let weights: Float64Array[];
	let biases: Float64Array[];
	try {
		await trainMlp(mlp, scaler.apply(train.features), train.labels, {
			epochs,
			batchSize: 64,
			learningRate: id === 'fraud-logreg' ? 0.05 : 0.01,
			seed,
			classWeight: 'balanced',
			signal,
			onEpoch: (epoch) => onProgress?.(epoch, epochs)
		});
		weights = await Promise.all(mlp.weights.map(async (w) => Float64Array.from(await w.data())));
		biases = await Promise.all(mlp.biases.map(async (b) => Float64Array.from(await b.data())));
	} finally {
		disposeMlp(mlp);
	}
	const predict = denseBinaryPredictor(sizes, weights, biases, scaler.mean, scaler.std);
	const gradient = denseBinaryGradient(sizes, weights, biases, scaler.mean, scaler.std);
	const heldOut: LabelledInputs = {
		inputs: Float64Array.from(test.features),
		labels: test.labels,
		count: test.count
	};
	let truth: LogisticParams | undefined;
	if (id === 'fraud-logreg') {
		// w.((x - mean) / std) + b = (w / std).x + (b - sum w mean / std): linear in raw units too.
		const w = new Float64Array(FRAUD_DIMS);
		let bias = biases[0][0];
		for (let j = 0; j < FRAUD_DIMS; j++) {
			w[j] = weights[0][j] / scaler.std[j];
			bias -= (weights[0][j] * scaler.mean[j]) / scaler.std[j];
		}
		truth = { weights: w, bias };
	}
	return {
		id,
		dims: FRAUD_DIMS,
		classes: 2,
		low: Float64Array.from(FRAUD_FEATURES, (f) => f.min),
		high: Float64Array.from(FRAUD_FEATURES, (f) => f.max),
		kinds: FRAUD_FEATURES.map((f) => f.kind),
		tabular: true,
		heldOut,
		accuracy: accuracyOf(predict, heldOut, FRAUD_DIMS),
		truth,
		predict,
		gradient,
		naturalPool: shiftedTransactions,
		benign: (count, s) =>
			Float64Array.from(generateTransactions({ count, seed: 2_000_003 + s }).features),
		monitorScale: { shift: Float64Array.from(scaler.mean), scale: Float64Array.from(scaler.std) },
		api: (options) => new PredictionApi({ predict, gradient }, FRAUD_DIMS, options)
	};
}

/**
 * The attacker's natural digits: training-split digits (which the attacker may have found
 * anywhere) moved by one to three pixels in a random direction, so not the distribution of the
 * centred digits the victim is tested on.
 */
export function shiftedDigits(set: DigitSet, count: number, seed: number): Float64Array {
	const rng = createRng(seed);
	const out = new Float64Array(count * MNIST_PIXELS);
	for (let k = 0; k < count; k++) {
		const src = randomInt(rng, set.count) * MNIST_PIXELS;
		const dx = randomInt(rng, 7) - 3;
		const dy = randomInt(rng, 7) - 3;
		for (let r = 0; r < MNIST_SIDE; r++) {
			const sr = r - dy;
			if (sr < 0 || sr >= MNIST_SIDE) continue;
			for (let c = 0; c < MNIST_SIDE; c++) {
				const sc = c - dx;
				if (sc < 0 || sc >= MNIST_SIDE) continue;
				out[k * MNIST_PIXELS + r * MNIST_SIDE + c] = set.pixels[src + sr * MNIST_SIDE + sc] / 255;
			}
		}
	}
	return out;
}

/**
 * mnist-cnn behind an API. Answers with tf.tidy + dataSync so the API stays synchronous; the
 * classifier stays owned by the caller (the runtime's cache in the page, the CLI in Node).
 * `heldOutCount` test digits from the start of the split are where fidelity is measured.
 */
export function cnnVictim(
	classifier: Classifier,
	train: DigitSet,
	test: DigitSet,
	heldOutCount = 1000
): Victim {
	const dims = MNIST_PIXELS;
	const predict: PredictFn = (inputs, d) => {
		if (d !== dims) throw new Error(`mnist-cnn takes ${dims} pixels per row, got ${d}`);
		const n = inputs.length / dims;
		const probs = tf.tidy(() =>
			tf.softmax(
				classifier.logits(tf.tensor4d(Float32Array.from(inputs), [n, MNIST_SIDE, MNIST_SIDE, 1]))
			)
		);
		try {
			return Float64Array.from(probs.dataSync());
		} finally {
			probs.dispose();
		}
	};
	// Keep some test digits back as benign traffic for PRADA.
	const count = Math.min(heldOutCount, test.count - 100);
	const inputs = new Float64Array(count * dims);
	for (let i = 0; i < inputs.length; i++) inputs[i] = test.pixels[i] / 255;
	const heldOut: LabelledInputs = { inputs, labels: test.labels.slice(0, count), count };
	return {
		id: 'mnist-cnn',
		dims,
		classes: 10,
		low: new Float64Array(dims).fill(0),
		high: new Float64Array(dims).fill(1),
		kinds: new Array<FeatureKind>(dims).fill('continuous'),
		tabular: false,
		heldOut,
		accuracy: accuracyOf(predict, heldOut, dims),
		predict,
		naturalPool: (n, seed) => shiftedDigits(train, n, seed),
		benign: (n, seed) => {
			// Held-out digits past the ones fidelity is measured on, in a random order.
			const rng = createRng(seed);
			const spare = test.count - count;
			const out = new Float64Array(n * dims);
			for (let k = 0; k < n; k++) {
				const src = (count + randomInt(rng, spare)) * dims;
				for (let p = 0; p < dims; p++) out[k * dims + p] = test.pixels[src + p] / 255;
			}
			return out;
		},
		monitorScale: { shift: new Float64Array(dims), scale: new Float64Array(dims).fill(1) },
		api: (options) => new PredictionApi(predict, dims, options)
	};
}
