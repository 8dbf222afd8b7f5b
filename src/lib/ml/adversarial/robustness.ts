/**
 * Accuracy under attack: robustness curves over eps (white-box, against a defence, or
 * transferred to another model) and transfer matrices between models.
 *
 * Examples are always crafted on `source` with the true labels and scored on `evaluateOn`. The
 * forward passes for all eps of a batch run as one batch, and each batch is read back once.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DigitSet } from '../../data/mnist';
import type { Classifier } from '../classifier';
import { fgsm, lossGradientSign, stepAlong } from './fgsm';
import { pgd, type PgdOptions } from './pgd';
import { createRng, type Rng } from '../../base/rng';
import { digitTensor, labelTensor } from '../tensors';
import { pacedYield, throwIfAborted, yieldToEventLoop } from '../yield';

/** Which attack crafts the examples. PGD with randomStart false is BIM. */
export type AttackSpec =
	| { kind: 'fgsm' }
	| { kind: 'pgd'; steps: number; stepSize?: number; randomStart: boolean; seed: number };

export interface RobustnessPoint {
	eps: number;
	accuracy: number;
	errorRate: number;
	/** mean predicted-class probability over the misclassified digits (0 when none) */
	meanConfidenceOnErrors: number;
	/** with `keepCorrect`: 1 where the digit was still classified right, 0 where the attack won */
	correct?: Uint8Array;
}

export interface RobustnessOptions {
	attack: AttackSpec;
	/** the model the examples are scored on; default `source` (white-box) */
	evaluateOn?: Classifier;
	/** use the first `limit` digits of the set */
	limit?: number;
	/** digits per batch; default 250 for FGSM, 100 for PGD */
	batchSize?: number;
	signal?: AbortSignal;
	/** keep which digits survived at each eps (`RobustnessPoint.correct`), for per-digit worst cases */
	keepCorrect?: boolean;
	/** counts attacked examples, i.e. (digit, eps) pairs */
	onProgress?: (done: number, total: number) => void;
}

function checkCount(name: string, value: number | undefined) {
	if (value !== undefined && (!Number.isInteger(value) || value < 1))
		throw new Error(`robustness: ${name} must be a whole number >= 1, got ${value}`);
}

function checkEps(eps: number) {
	if (!(eps >= 0) || !Number.isFinite(eps))
		throw new Error(`robustness: every eps must be a number >= 0, got ${eps}`);
}

/**
 * The random start of PGD for one eps. Every eps (and every source model in a transfer matrix)
 * gets a generator seeded with the same seed: a digit's start direction is then the same at
 * every eps, so points do not depend on which other eps were asked for, nor on the batching.
 */
function startRng(attack: AttackSpec) {
	return attack.kind === 'pgd' && attack.randomStart ? createRng(attack.seed) : undefined;
}

function pgdOptions(
	attack: AttackSpec & { kind: 'pgd' },
	eps: number,
	rng: Rng | undefined,
	signal: AbortSignal | undefined
): PgdOptions & { signal?: AbortSignal } {
	const { steps, stepSize, randomStart } = attack;
	return { eps, steps, stepSize, randomStart, rng, signal };
}

/** How many digits a run attacks, in batches of how many (checked). */
function runSize(data: DigitSet, attack: AttackSpec, opts: { limit?: number; batchSize?: number }) {
	checkCount('limit', opts.limit);
	checkCount('batchSize', opts.batchSize);
	return {
		total: Math.min(opts.limit ?? data.count, data.count),
		batchSize: opts.batchSize ?? (attack.kind === 'fgsm' ? 250 : 100)
	};
}

/**
 * The first `total` digits of a set, batch by batch, as pixel and label tensors that are disposed
 * when the loop moves on (or leaves). Checks the signal before each batch.
 */
async function* digitBatches(
	data: DigitSet,
	total: number,
	batchSize: number,
	signal: AbortSignal | undefined
) {
	for (let start = 0; start < total; start += batchSize) {
		throwIfAborted(signal);
		const end = Math.min(start + batchSize, total);
		const x = digitTensor(data, start, end);
		const y = labelTensor(data, start, end);
		try {
			yield { start, end, n: end - start, x, y };
		} finally {
			tf.dispose([x, y]);
		}
	}
}

/**
 * [2, rows] float tensor: the predicted class of each row of x and its probability.
 * Allocates; the caller owns tf.tidy.
 */
function predictionsAndConfidence(classifier: Classifier, x: tf.Tensor4D): tf.Tensor2D {
	const probs = tf.softmax(classifier.logits(x));
	return tf.stack([tf.cast(tf.argMax(probs, 1), 'float32'), tf.max(probs, 1)]) as tf.Tensor2D;
}

/** Rows per forward pass when scoring: about 15 ms of CNN on WASM, so no task runs long. */
const SCORE_ROWS = 500;

/**
 * [2, count * n]: predictionsAndConfidence of `target` on the examples of each eps in turn
 * (`examples(e)` makes eps e's [n, 28, 28, 1] batch), several eps to a forward pass of at most
 * SCORE_ROWS rows, pausing between passes as `pace` says. One tensor out, so one readback.
 */
async function scoreInChunks(
	target: Classifier,
	count: number,
	n: number,
	pace: ReturnType<typeof pacedYield>,
	examples: (e: number) => tf.Tensor4D
): Promise<tf.Tensor2D> {
	const perPass = Math.max(1, Math.floor(SCORE_ROWS / n));
	const parts: tf.Tensor2D[] = [];
	try {
		for (let e0 = 0; e0 < count; e0 += perPass) {
			const e1 = Math.min(count, e0 + perPass);
			parts.push(
				tf.tidy(() => {
					const batch = Array.from({ length: e1 - e0 }, (_, k) => examples(e0 + k));
					return predictionsAndConfidence(target, tf.concat(batch, 0) as tf.Tensor4D);
				})
			);
			await pace.due();
		}
		return tf.tidy(() => tf.concat(parts, 1) as tf.Tensor2D);
	} finally {
		tf.dispose(parts);
	}
}

/**
 * Accuracy of `evaluateOn` on examples crafted on `source` at each eps.
 *
 * FGSM: its direction, sign(grad_x J), does not depend on eps, so one gradient per digit serves
 * the whole curve (Goodfellow et al. 2015). PGD/BIM: one run per eps (Madry et al. 2018;
 * Kurakin et al. 2017), yielding between steps. eps = 0 is clean accuracy for either.
 */
export async function robustnessCurve(
	source: Classifier,
	data: DigitSet,
	epsValues: number[],
	opts: RobustnessOptions
): Promise<RobustnessPoint[]> {
	const { attack } = opts;
	if (epsValues.length === 0)
		throw new Error('robustness: epsValues is empty; give at least one eps');
	epsValues.forEach(checkEps);
	const target = opts.evaluateOn ?? source;
	const { total, batchSize } = runSize(data, attack, opts);
	const work = total * epsValues.length;
	const rngs = epsValues.map(() => startRng(attack));
	const errors = new Float64Array(epsValues.length);
	const confidenceOnErrors = new Float64Array(epsValues.length);
	const correct = opts.keepCorrect ? epsValues.map(() => new Uint8Array(total)) : undefined;
	const pace = pacedYield();
	for await (const { start, end, n, x, y } of digitBatches(data, total, batchSize, opts.signal)) {
		let out: tf.Tensor2D;
		if (attack.kind === 'fgsm') {
			const direction = tf.tidy(() => lossGradientSign(source, x, y));
			try {
				out = await scoreInChunks(target, epsValues.length, n, pace, (e) =>
					stepAlong(x, direction, epsValues[e])
				);
			} finally {
				direction.dispose();
			}
		} else {
			const crafted: tf.Tensor4D[] = [];
			try {
				for (let e = 0; e < epsValues.length; e++) {
					const eps = epsValues[e];
					crafted.push(
						eps === 0
							? tf.clone(x)
							: await pgd(source, x, y, pgdOptions(attack, eps, rngs[e], opts.signal))
					);
					opts.onProgress?.(start * epsValues.length + (e + 1) * n, work);
					await yieldToEventLoop();
					throwIfAborted(opts.signal);
				}
				out = await scoreInChunks(target, epsValues.length, n, pace, (e) => crafted[e]);
			} finally {
				tf.dispose(crafted);
			}
		}
		const values = await out.data();
		out.dispose();
		const m = epsValues.length * n;
		for (let e = 0; e < epsValues.length; e++) {
			for (let i = 0; i < n; i++) {
				const k = e * n + i;
				if (values[k] !== data.labels[start + i]) {
					errors[e]++;
					confidenceOnErrors[e] += values[m + k];
				} else if (correct) correct[e][start + i] = 1;
			}
		}
		if (attack.kind === 'fgsm') opts.onProgress?.(end * epsValues.length, work);
		await yieldToEventLoop();
	}
	return epsValues.map((eps, e) => ({
		eps,
		accuracy: total ? (total - errors[e]) / total : 0,
		errorRate: total ? errors[e] / total : 0,
		meanConfidenceOnErrors: errors[e] ? confidenceOnErrors[e] / errors[e] : 0,
		...(correct ? { correct: correct[e] } : {})
	}));
}

/** Accuracy under FGSM over many eps values at once (robustnessCurve with attack fgsm). */
export function fgsmRobustness(
	classifier: Classifier,
	data: DigitSet,
	epsValues: number[],
	opts: Omit<RobustnessOptions, 'attack' | 'evaluateOn'> = {}
): Promise<RobustnessPoint[]> {
	return robustnessCurve(classifier, data, epsValues, { ...opts, attack: { kind: 'fgsm' } });
}

export interface TransferMatrix {
	/** row ids: the models the examples were crafted on */
	sources: string[];
	/** column ids: the models that classified them */
	targets: string[];
	/** accuracy[row][column]; the diagonal is the white-box accuracy */
	accuracy: number[][];
}

/**
 * Transferability of adversarial examples (Szegedy et al. 2014, "Intriguing properties of neural
 * networks"; Goodfellow et al. 2015, section 8; Papernot et al. 2017): examples crafted on each
 * row model at one eps, scored by every column model. One readback per batch and source.
 */
export async function transferMatrix(
	models: { id: string; classifier: Classifier }[],
	data: DigitSet,
	eps: number,
	opts: {
		attack: AttackSpec;
		limit?: number;
		batchSize?: number;
		signal?: AbortSignal;
		/** counts attacked examples, i.e. (digit, source model) pairs */
		onProgress?: (done: number, total: number) => void;
	}
): Promise<TransferMatrix> {
	const { attack } = opts;
	checkEps(eps);
	const { total, batchSize } = runSize(data, attack, opts);
	const rngs = models.map(() => startRng(attack));
	const correct = models.map(() => new Float64Array(models.length));
	for await (const { start, n, x, y } of digitBatches(data, total, batchSize, opts.signal)) {
		for (let s = 0; s < models.length; s++) {
			const source = models[s].classifier;
			const adv =
				attack.kind === 'fgsm'
					? tf.tidy(() => fgsm(source, x, y, eps))
					: await pgd(source, x, y, pgdOptions(attack, eps, rngs[s], opts.signal));
			let predicted: tf.Tensor;
			try {
				predicted = tf.tidy(() =>
					tf.stack(models.map((m) => tf.argMax(m.classifier.logits(adv), 1)))
				);
			} finally {
				adv.dispose();
			}
			const values = await predicted.data();
			predicted.dispose();
			for (let t = 0; t < models.length; t++)
				for (let i = 0; i < n; i++)
					if (values[t * n + i] === data.labels[start + i]) correct[s][t]++;
			opts.onProgress?.(start * models.length + (s + 1) * n, total * models.length);
			await yieldToEventLoop();
			throwIfAborted(opts.signal);
		}
	}
	const ids = models.map((m) => m.id);
	return {
		sources: ids,
		targets: [...ids],
		accuracy: correct.map((row) => Array.from(row, (c) => (total ? c / total : 0)))
	};
}
