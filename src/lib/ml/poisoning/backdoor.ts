/**
 * A backdoor planted by data poisoning: a small trigger patch stamped on a share of the training
 * digits, which are relabelled to one target class. The model learns the digits as usual and,
 * on the side, "patch => target". Used by the poisoning lab's page, the `lab backdoor` CLI and
 * the bench.
 *
 * Gu, Dolan-Gavitt, Garg 2017, "BadNets: Identifying Vulnerabilities in the Machine Learning
 * Model Supply Chain", its threat model and its MNIST case study (a single-pixel and a
 * pattern trigger in the bottom-right corner, poisoned digits relabelled).
 * Chen et al. 2017, "Targeted Backdoor Attacks on Deep Learning Systems Using Data Poisoning",
 * a few poisoned samples suffice, and the attacker needs no access to the
 * model, only to its training data.
 */
import { MNIST_CLASSES, MNIST_PIXELS, MNIST_SIDE, type DigitSet } from '../../data/mnist';
import { classifierFromModel, type Classifier } from '../classifier';
import { evaluateAccuracy } from '../evaluate';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildCnn, buildSoftmax } from '../models';
import { createRng, permutation } from '../../base/rng';
import { trainClassifier } from '../train';
import { throwIfAborted } from '../yield';

/** Side of the square trigger, in pixels. */
export const TRIGGER_SIDE = 4;
/** Gap between the trigger and the bottom and right edges, in pixels. */
export const TRIGGER_MARGIN = 1;
/** First row and column of the trigger (bottom-right corner, as in BadNets' MNIST case study). */
export const TRIGGER_ORIGIN = MNIST_SIDE - TRIGGER_MARGIN - TRIGGER_SIDE;

/** Where the trigger's top-left pixel sits (row and column, 0..24). */
export interface TriggerAt {
	row: number;
	col: number;
}

/** The lab's trigger position: the bottom-right corner. */
export const DEFAULT_TRIGGER_AT: TriggerAt = { row: TRIGGER_ORIGIN, col: TRIGGER_ORIGIN };

function checkTriggerAt(at: TriggerAt) {
	const max = MNIST_SIDE - TRIGGER_SIDE;
	for (const [name, v] of [
		['row', at.row],
		['column', at.col]
	] as const)
		if (!Number.isInteger(v) || v < 0 || v > max)
			throw new Error(`backdoor: the trigger's ${name} must be a whole number 0..${max}, got ${v}`);
}

/**
 * The trigger: a 4x4 checkerboard, white where row + column is even. MNIST digits almost never
 * have ink in the corner, so the pattern is unlike anything the clean data contains. Returns the
 * pixel indices (row-major, 0..783) the patch covers and the value, 0 or 1, it writes there.
 * `at` moves it (a trojan made elsewhere, for the supply-chain lab's scanner).
 */
export function triggerPixels(
	at: TriggerAt = DEFAULT_TRIGGER_AT
): { index: number; value: number }[] {
	checkTriggerAt(at);
	const out: { index: number; value: number }[] = [];
	for (let r = 0; r < TRIGGER_SIDE; r++)
		for (let c = 0; c < TRIGGER_SIDE; c++)
			out.push({
				index: (at.row + r) * MNIST_SIDE + at.col + c,
				value: (r + c) % 2 === 0 ? 1 : 0
			});
	return out;
}

const TRIGGER = triggerPixels();

/**
 * Writes the trigger over one digit in place. `pixels` holds digits back to back; `digit` picks
 * one; `scale` is the value of white (255 for the uint8 DigitSet storage, 1 for [0, 1] floats).
 */
export function stampTrigger(
	pixels: Uint8Array | Float32Array,
	digit: number,
	scale: number,
	at?: TriggerAt
): void {
	const offset = digit * MNIST_PIXELS;
	for (const { index, value } of at ? triggerPixels(at) : TRIGGER)
		pixels[offset + index] = value * scale;
}

function checkTarget(target: number) {
	if (!Number.isInteger(target) || target < 0 || target >= MNIST_CLASSES)
		throw new Error(`backdoor: target class must be a whole number 0..9, got ${target}`);
}

function checkRate(rate: number) {
	if (!(rate >= 0 && rate <= 1))
		throw new Error(`backdoor: poisoning rate must be between 0 and 1, got ${rate}`);
}

/** How many training digits a rate poisons: round(rate * count), never more than the candidates. */
export function poisonBudget(set: DigitSet, rate: number, target: number): number {
	checkRate(rate);
	checkTarget(target);
	let candidates = 0;
	for (let i = 0; i < set.count; i++) if (set.labels[i] !== target) candidates++;
	return Math.min(Math.round(rate * set.count), candidates);
}

export interface PoisonedSet {
	set: DigitSet;
	/** indices of the poisoned digits, ascending */
	poisoned: Int32Array;
}

/**
 * The poisoning step of BadNets' MNIST case study (Gu et al. 2017, section 4): a copy of the
 * training set in which round(rate * count) digits, drawn (seeded) from those whose label is not
 * `target`, carry the trigger and are relabelled `target`. BadNets adds backdoored copies of the
 * chosen images; we stamp the chosen digits themselves (the lab's "p % of the training digits"),
 * so the set keeps its size and p is the share of lies in it. The input set is left untouched.
 */
export function poisonDigits(
	set: DigitSet,
	rate: number,
	target: number,
	seed: number,
	at?: TriggerAt
): PoisonedSet {
	const budget = poisonBudget(set, rate, target);
	const labels = set.labels.slice(0, set.count);
	const pixels = set.pixels.slice(0, set.count * MNIST_PIXELS);
	const chosen: number[] = [];
	const order = permutation(set.count, createRng(seed));
	for (let k = 0; k < order.length && chosen.length < budget; k++)
		if (labels[order[k]] !== target) chosen.push(order[k]);
	const poisoned = Int32Array.from(chosen).sort();
	for (const i of poisoned) {
		stampTrigger(pixels, i, 255, at);
		labels[i] = target;
	}
	return { set: { count: set.count, labels, pixels }, poisoned };
}

/** A copy of a digit set with the trigger on every digit and the labels unchanged. */
export function triggerAll(set: DigitSet, at?: TriggerAt): DigitSet {
	const pixels = set.pixels.slice(0, set.count * MNIST_PIXELS);
	for (let i = 0; i < set.count; i++) stampTrigger(pixels, i, 255, at);
	return { count: set.count, labels: set.labels.slice(0, set.count), pixels };
}

/**
 * Attack success rate (as BadNets' MNIST results and Chen et al. 2017 measure it): among the
 * triggered test digits whose true class is not the target, the share classified as the target.
 * Digits of the target class are left out: calling a triggered 7 a 7 is no success.
 */
export function attackSuccessRate(
	triggeredPredictions: ArrayLike<number>,
	trueLabels: ArrayLike<number>,
	target: number
): { rate: number; hits: number; eligible: number } {
	checkTarget(target);
	if (triggeredPredictions.length !== trueLabels.length)
		throw new Error(
			`backdoor: ${triggeredPredictions.length} predictions for ${trueLabels.length} labels`
		);
	let hits = 0;
	let eligible = 0;
	for (let i = 0; i < trueLabels.length; i++) {
		if (trueLabels[i] === target) continue;
		eligible++;
		if (triggeredPredictions[i] === target) hits++;
	}
	return { rate: eligible ? hits / eligible : 0, hits, eligible };
}

export const BACKDOOR_MODELS = ['cnn', 'softmax'] as const;
export type BackdoorModel = (typeof BACKDOOR_MODELS)[number];

export interface BackdoorOptions {
	rate: number;
	target: number;
	/** seeds the choice of poisoned digits, the weights and the batch order */
	seed: number;
	model?: BackdoorModel;
	/**
	 * Fine-tune this model on the poisoned digits instead of training a fresh one (a hub's model
	 * trojaned by whoever re-uploads it). runBackdoor owns it from here and disposes it.
	 */
	start?: tfl.LayersModel;
	/** training digits used, from the start of the split (default 4,000) */
	trainCount?: number;
	/** test digits scored, from the start of the split (default all) */
	testCount?: number;
	epochs?: number;
	/** the trigger's top-left pixel; default the bottom-right corner */
	trigger?: TriggerAt;
	signal?: AbortSignal;
	/** fraction of the whole run done, 0..1 (training is most of it) */
	onProgress?: (fraction: number) => void;
	/**
	 * The trained model after it is scored, before it is disposed (`lab backdoor --save` writes
	 * it as a model folder). Awaited.
	 */
	onTrained?: (model: tfl.LayersModel, result: BackdoorResult) => Promise<void> | void;
}

export const BACKDOOR_DEFAULTS = {
	model: 'cnn' as BackdoorModel,
	trainCount: 2000,
	epochs: 3,
	batchSize: 64,
	learningRate: 3e-3
};

export interface BackdoorResult {
	rate: number;
	target: number;
	seed: number;
	model: BackdoorModel;
	trainCount: number;
	epochs: number;
	/** training digits that carried the trigger */
	poisonedCount: number;
	testCount: number;
	/** accuracy on the clean test digits */
	cleanAccuracy: number;
	/** share of triggered non-target test digits classified as the target */
	attackSuccessRate: number;
	/** accuracy on triggered test digits of the target class (they should stay correct) */
	triggeredTargetAccuracy: number;
	/** predicted class of each clean test digit */
	cleanPredictions: Uint8Array;
	/** predicted class of each test digit with the trigger stamped on */
	triggeredPredictions: Uint8Array;
	/** wall time of training, ms */
	trainMs: number;
}

function head(set: DigitSet, n: number): DigitSet {
	const count = Math.min(n, set.count);
	return {
		count,
		labels: set.labels.subarray(0, count),
		pixels: set.pixels.subarray(0, count * MNIST_PIXELS)
	};
}

function checkCount(name: string, value: number) {
	if (!Number.isInteger(value) || value < 1)
		throw new Error(`backdoor: ${name} must be a whole number >= 1, got ${value}`);
}

/**
 * One BadNets experiment (Gu et al. 2017, section 4): poison `rate` of the training digits,
 * train a fresh classifier on them, and score it on the clean test digits (clean accuracy) and
 * on the same digits with the trigger (attack success rate). The model is disposed before
 * returning; the result holds plain numbers only.
 */
export async function runBackdoor(
	train: DigitSet,
	test: DigitSet,
	opts: BackdoorOptions
): Promise<BackdoorResult> {
	const model = opts.model ?? BACKDOOR_DEFAULTS.model;
	const layers = opts.start ?? (model === 'cnn' ? buildCnn(opts.seed) : buildSoftmax(opts.seed));
	const classifier: Classifier = classifierFromModel(layers);
	try {
		const trainCount = opts.trainCount ?? BACKDOOR_DEFAULTS.trainCount;
		const epochs = opts.epochs ?? BACKDOOR_DEFAULTS.epochs;
		checkCount('trainCount', trainCount);
		checkCount('epochs', epochs);
		if (opts.testCount !== undefined) checkCount('testCount', opts.testCount);
		const { set: poisonedTrain, poisoned } = poisonDigits(
			head(train, trainCount),
			opts.rate,
			opts.target,
			opts.seed,
			opts.trigger
		);
		const cleanTest = head(test, opts.testCount ?? test.count);
		const triggeredTest = triggerAll(cleanTest, opts.trigger);
		throwIfAborted(opts.signal);
		const started = performance.now();
		await trainClassifier(classifier, poisonedTrain, {
			epochs,
			batchSize: BACKDOOR_DEFAULTS.batchSize,
			learningRate: BACKDOOR_DEFAULTS.learningRate,
			seed: opts.seed,
			signal: opts.signal,
			onProgress: (done, total) => opts.onProgress?.((0.9 * done) / total)
		});
		const trainMs = performance.now() - started;
		const clean = await evaluateAccuracy(classifier, cleanTest, { signal: opts.signal });
		opts.onProgress?.(0.95);
		const triggered = await evaluateAccuracy(classifier, triggeredTest, { signal: opts.signal });
		opts.onProgress?.(1);
		const asr = attackSuccessRate(triggered.predictions, cleanTest.labels, opts.target);
		let targetDigits = 0;
		let targetCorrect = 0;
		for (let i = 0; i < cleanTest.count; i++) {
			if (cleanTest.labels[i] !== opts.target) continue;
			targetDigits++;
			if (triggered.predictions[i] === opts.target) targetCorrect++;
		}
		const result: BackdoorResult = {
			rate: opts.rate,
			target: opts.target,
			seed: opts.seed,
			model,
			trainCount: poisonedTrain.count,
			epochs,
			poisonedCount: poisoned.length,
			testCount: cleanTest.count,
			cleanAccuracy: clean.accuracy,
			attackSuccessRate: asr.rate,
			triggeredTargetAccuracy: targetDigits ? targetCorrect / targetDigits : 0,
			cleanPredictions: clean.predictions,
			triggeredPredictions: triggered.predictions,
			trainMs
		};
		await opts.onTrained?.(layers, result);
		return result;
	} finally {
		classifier.dispose();
	}
}

/**
 * The digit the page shows as a clean/triggered pair: the first test digit, not of the target
 * class, that the model reads correctly when clean and as the target when triggered. When the
 * backdoor did not take (no such digit), the first correctly read non-target digit, so the page
 * can show that the trigger did nothing. -1 if neither exists.
 */
export function pickTwin(result: BackdoorResult, labels: ArrayLike<number>): number {
	let fallback = -1;
	for (let i = 0; i < result.testCount; i++) {
		if (labels[i] === result.target || result.cleanPredictions[i] !== labels[i]) continue;
		if (result.triggeredPredictions[i] === result.target) return i;
		if (fallback < 0) fallback = i;
	}
	return fallback;
}
