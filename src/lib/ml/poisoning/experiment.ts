/**
 * The label-flipping experiment that the page, the `lab poison` CLI and the bench all run: poison
 * the training labels, optionally sanitize, train, and score a held-out set. Nothing runs at
 * import; tensors live only inside the training calls.
 *
 * Decision threshold: a transaction is flagged when P(fraud) >= 0.1, the cost-sensitive rule
 * for a bank that counts a missed fraud as nine false alarms (flag when p * 9 >= (1 - p); Elkan
 * 2001, "The Foundations of Cost-Sensitive Learning", section 2). Training is unweighted: class
 * weights computed from the (poisoned) labels would undo targeted flips by re-inflating the rare
 * class, and a bank does not know its true fraud share either.
 */
import { generateTransactions, FRAUD_FEATURES, standardize } from '../../data/fraud';
import {
	classificationMetrics,
	confusion,
	recallAtFpr,
	type ClassificationMetrics,
	type Confusion
} from '../../base/metrics';
import { createMlp, disposeMlp, mlpPredict, trainMlp } from '../mlp';
import { newtonMaxRows, trainLogRegBatch } from './batched-logreg';
import { knnNeighboursAsync, sanitizeWithNeighbours } from './knn-sanitize';
import { flipLabels, type FlipAttack } from './label-flips';
import { lossFilter } from './loss-filter';
import * as tf from '@tensorflow/tfjs-core';
import { pacedYield, throwIfAborted, yieldToEventLoop } from '../yield';
import { createRng } from '../../base/rng';
import { stratifiedSplit } from '../../base/split';

export const DECISION_THRESHOLD = 0.1;
export const FLIP_ATTACKS = [
	'random',
	'targeted',
	'boundary'
] as const satisfies readonly FlipAttack[];
export const POISON_MODELS = ['logreg', 'mlp'] as const;
export type PoisonModel = (typeof POISON_MODELS)[number];
export const POISON_DEFENCES = ['none', 'knn', 'loss'] as const;
export type PoisonDefence = (typeof POISON_DEFENCES)[number];
/**
 * Sweep metrics. recallAt1Fpr is fraud recall with the alarm threshold re-set so that 1 % of
 * legitimate payments raise it: it judges the ranking, not the fixed 0.1 threshold.
 */
export const METRIC_KEYS = [
	'accuracy',
	'precision',
	'recall',
	'f1',
	'auc',
	'recallAt1Fpr'
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/**
 * kNN sanitization (Paudice, Muñoz-González, Lupu 2018, Algorithm 1, which leaves k and the
 * threshold eta as parameters): k = 10 and eta = 0.5 are our defaults, not values from the paper.
 */
export const KNN_K = 10;
export const KNN_ETA = 0.5;
/**
 * Exact kNN costs up to n^2 x d distance terms (the k-d tree degrades to brute force in high
 * dimensions): 20,000 x 10 rows = 4e9 takes ~2 s in Node. The defence refuses above 1e10.
 */
export const KNN_MAX_WORK = 1e10;
/** Most training rows the kNN defence takes with `dims` features. */
export const knnMaxRows = (dims: number) => Math.floor(Math.sqrt(KNN_MAX_WORK / dims));
/** Loss-based filtering drops this share of each class (see loss-filter.ts). */
export const LOSS_DROP = 0.05;
/** The small MLP: one hidden layer of 16 ReLU units, minibatch Adam. */
export const MLP_HIDDEN = 16;
export const MLP_TRAINING = { epochs: 6, batchSize: 128, learningRate: 0.01 } as const;

export interface Split {
	/** Standardized with the training split's statistics, [count * dims]. */
	features: Float32Array;
	labels: Uint8Array;
	count: number;
}

export interface PoisonData {
	name: string;
	dims: number;
	featureNames: string[];
	train: Split;
	test: Split;
	/** Raw (unscaled) training rows, for showing the data as it came. */
	rawTrain: Float32Array;
	/** kNN neighbours of the training rows, computed once on first use (labels play no part). */
	neighbours?: Int32Array;
	/** the neighbour search under way, which a second caller waits for instead of starting one */
	neighboursPending?: Promise<Int32Array>;
	/**
	 * The clean model's scores, fitted once per model, seed, backend and extra block: flip rate,
	 * attack and defence change only the poisoned model, so a slider step or a scene switch
	 * trains one model, not two. Training is deterministic from the seed on a backend.
	 */
	cleanFits?: Map<string, CleanFit>;
}

interface CleanFit {
	extra: Float32Array;
	/** scores of [training rows, test rows, extra rows] */
	scores: Float32Array[];
}

/** Scales both splits with the training split's mean and standard deviation. */
export function preparePoisonData(
	name: string,
	featureNames: string[],
	train: { features: Float32Array; labels: Uint8Array },
	test: { features: Float32Array; labels: Uint8Array }
): PoisonData {
	const dims = featureNames.length;
	const scaler = standardize(train.features, dims);
	return {
		name,
		dims,
		featureNames,
		train: {
			features: scaler.apply(train.features),
			labels: train.labels,
			count: train.labels.length
		},
		test: { features: scaler.apply(test.features), labels: test.labels, count: test.labels.length },
		rawTrain: train.features
	};
}

/** The lab's default data: 20,000 seeded training transactions (seed 1), 5,000 held out (seed 2). */
export function fraudPoisonData(trainCount = 20000, testCount = 5000): PoisonData {
	const train = generateTransactions({ count: trainCount, seed: 1 });
	const test = generateTransactions({ count: testCount, seed: 2 });
	return preparePoisonData(
		`${trainCount.toLocaleString('en')} generated transactions`,
		FRAUD_FEATURES.map((f) => f.key),
		train,
		test
	);
}

export interface FitRequest {
	model: PoisonModel;
	labelSets: Uint8Array[];
	/** Per model, 0 for rows left out (loss filtering). */
	rowWeights?: Float32Array[];
	/** Row blocks (scaled like training) to score with every model. */
	blocks: Float32Array[];
	/** Seeds the MLP initialisation and batch order, per model. */
	seeds: number[];
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
}

/** Trains one model per label set and returns scores[model][block]. */
export async function fitAndScore(data: PoisonData, req: FitRequest): Promise<Float32Array[][]> {
	const { dims, train } = data;
	const M = req.labelSets.length;
	if (req.model === 'logreg') {
		// Logistic regression: all M models in one batched Newton fit.
		const fit = await trainLogRegBatch(train.features, dims, req.labelSets, {
			rowWeights: req.rowWeights,
			signal: req.signal,
			onProgress: (s, total) => req.onProgress?.(s / total)
		});
		const perBlock = req.blocks.map((b) => ({ scores: fit.scores(b), rows: b.length / dims }));
		return Array.from({ length: M }, (_, m) =>
			perBlock.map(({ scores, rows }) => scores.subarray(m * rows, (m + 1) * rows))
		);
	}
	const out: Float32Array[][] = [];
	for (let m = 0; m < M; m++) {
		throwIfAborted(req.signal);
		const keep = req.rowWeights?.[m];
		let rows = train.features;
		let labels = req.labelSets[m];
		if (keep) {
			const idx: number[] = [];
			for (let i = 0; i < keep.length; i++) if (keep[i] > 0) idx.push(i);
			rows = new Float32Array(idx.length * dims);
			labels = new Uint8Array(idx.length);
			idx.forEach((i, j) => {
				rows.set(train.features.subarray(i * dims, (i + 1) * dims), j * dims);
				labels[j] = req.labelSets[m][i];
			});
		}
		const mlp = createMlp([dims, MLP_HIDDEN, 1], req.seeds[m]);
		try {
			await trainMlp(mlp, rows, labels, {
				...MLP_TRAINING,
				seed: req.seeds[m],
				signal: req.signal,
				onEpoch: (e) => req.onProgress?.((m + e / MLP_TRAINING.epochs) / M)
			});
			const scores: Float32Array[] = [];
			for (const b of req.blocks) scores.push(await mlpPredict(mlp, b));
			out.push(scores);
		} finally {
			disposeMlp(mlp);
		}
	}
	return out;
}

/**
 * The kNN defence's neighbours of every training row, searched once per data set: the presenter
 * starts the search when the scene before the kNN scene is shown, so the defence is ready on
 * arrival. The search runs to the end once started (it yields to the page, and its result is
 * kept); `signal` stops only this caller's wait.
 */
export function neighboursOf(data: PoisonData, signal?: AbortSignal): Promise<Int32Array> {
	throwIfAborted(signal);
	if (data.neighbours) return Promise.resolve(data.neighbours);
	data.neighboursPending ??= knnNeighboursAsync(
		data.train.features,
		data.dims,
		data.train.count,
		KNN_K,
		{ standardize: false }
	).then(
		(nb) => (data.neighbours = nb),
		(err: unknown) => {
			data.neighboursPending = undefined;
			throw err;
		}
	);
	if (!signal) return data.neighboursPending;
	const pending = data.neighboursPending;
	return new Promise((resolve, reject) => {
		const stop = () => reject(new DOMException('The operation was cancelled', 'AbortError'));
		signal.addEventListener('abort', stop, { once: true });
		pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
	});
}

export interface DefendedSets {
	labelSets: Uint8Array[];
	rowWeights?: Float32Array[];
	/** Per set, rows relabelled (kNN) or dropped (loss). */
	touched: number[];
}

/** Applies a defence to each poisoned label set; 'loss' fits a first model on each set. */
export async function defend(
	data: PoisonData,
	defence: PoisonDefence,
	model: PoisonModel,
	labelSets: Uint8Array[],
	seeds: number[],
	signal?: AbortSignal
): Promise<DefendedSets> {
	if (defence === 'none') return { labelSets, touched: labelSets.map(() => 0) };
	if (defence === 'knn') {
		const { count } = data.train;
		if (count > knnMaxRows(data.dims)) {
			throw new Error(
				`The kNN defence compares every training row with every other; ${data.name} has ${count.toLocaleString('en')} training rows of ${data.dims} features, and at ${data.dims} features it takes at most ${knnMaxRows(data.dims).toLocaleString('en')}. Upload a sample of the rows or choose loss filtering.`
			);
		}
		const nb = await neighboursOf(data, signal);
		const results = labelSets.map((l) => sanitizeWithNeighbours(nb, KNN_K, l, { eta: KNN_ETA }));
		return {
			labelSets: results.map((r) => r.labels),
			touched: results.map((r) => r.changed.length)
		};
	}
	const first = await fitAndScore(data, {
		model,
		labelSets,
		blocks: [data.train.features],
		seeds,
		signal
	});
	const filters = labelSets.map((l, m) => lossFilter(first[m][0], l, LOSS_DROP));
	return {
		labelSets,
		rowWeights: filters.map((f) => f.keep),
		touched: filters.map((f) => f.dropped.length)
	};
}

/** The empty extra block, one object so that cached fits without extra rows match. */
const NO_ROWS = new Float32Array(0);
/** Most clean fits a data set keeps (each holds its scores, ~0.3 MB with the page's grid). */
const CLEAN_FITS_KEPT = 8;

/**
 * The model trained on the true labels, scored on the training rows (the boundary attack ranks
 * them), the test rows and `extra`; cached on the data (see PoisonData.cleanFits). With no
 * `extra`, any cached fit of the model and seed serves.
 */
async function cleanFit(
	data: PoisonData,
	model: PoisonModel,
	seed: number,
	extra: Float32Array | undefined,
	signal?: AbortSignal
): Promise<CleanFit> {
	const cache = (data.cleanFits ??= new Map());
	const key = `${model}|${seed}|${tf.getBackend()}`;
	const hit = cache.get(key);
	if (hit && (extra === undefined || hit.extra === extra)) return hit;
	const block = extra ?? NO_ROWS;
	const [scores] = await fitAndScore(data, {
		model,
		labelSets: [data.train.labels],
		blocks: [data.train.features, data.test.features, block],
		seeds: [seed],
		signal
	});
	const fit = { extra: block, scores };
	cache.delete(key);
	cache.set(key, fit);
	if (cache.size > CLEAN_FITS_KEPT) cache.delete(cache.keys().next().value!);
	return fit;
}

/** Clean-model training scores, which the boundary attack ranks rows by. */
async function cleanTrainScores(
	data: PoisonData,
	model: PoisonModel,
	seed: number,
	signal?: AbortSignal
) {
	return (await cleanFit(data, model, seed, undefined, signal)).scores[0];
}

export interface PairOptions {
	attack: FlipAttack;
	rate: number;
	seed: number;
	model: PoisonModel;
	defence: PoisonDefence;
	/** Extra rows (scaled) to score with both models, e.g. a heat-map grid. */
	extra?: Float32Array;
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
}

export interface ModelView {
	testScores: Float32Array;
	extraScores: Float32Array;
	metrics: ClassificationMetrics;
	confusion: Confusion;
}

export interface PairResult {
	clean: ModelView;
	poisoned: ModelView;
	flipped: number;
	/** rows the defence relabelled or dropped */
	touched: number;
	/** the training rows the attack flipped, ascending */
	flippedRows: Int32Array;
	/** the training labels the poisoned model saw (after flips and any kNN relabelling) */
	poisonedLabels: Uint8Array;
}

function view(data: PoisonData, testScores: Float32Array, extraScores: Float32Array): ModelView {
	const pred = Uint8Array.from(testScores, (s) => (s >= DECISION_THRESHOLD ? 1 : 0));
	return {
		testScores,
		extraScores,
		metrics: classificationMetrics(data.test.labels, testScores, DECISION_THRESHOLD),
		confusion: confusion(data.test.labels, pred)
	};
}

/** The page's side-by-side: a model on clean labels, and one on poisoned (and defended) labels. */
export async function poisonPair(data: PoisonData, opts: PairOptions): Promise<PairResult> {
	const extra = opts.extra ?? NO_ROWS;
	const clean = await cleanFit(data, opts.model, opts.seed, extra, opts.signal);
	const { labels, flipped } = flipLabels(data.train.labels, opts.rate, opts.attack, {
		seed: opts.seed,
		scores: opts.attack === 'boundary' ? clean.scores[0] : undefined,
		threshold: DECISION_THRESHOLD
	});
	const defended = await defend(data, opts.defence, opts.model, [labels], [opts.seed], opts.signal);
	opts.onProgress?.(0.2);
	const [poisoned] = await fitAndScore(data, {
		model: opts.model,
		labelSets: [defended.labelSets[0]],
		rowWeights: defended.rowWeights,
		blocks: [data.test.features, extra],
		seeds: [opts.seed],
		signal: opts.signal,
		onProgress: (f) => opts.onProgress?.(0.2 + 0.8 * f)
	});
	return {
		clean: view(data, clean.scores[1], clean.scores[2]),
		poisoned: view(data, poisoned[0], poisoned[1]),
		flipped: flipped.length,
		touched: defended.touched[0],
		flippedRows: flipped,
		poisonedLabels: defended.labelSets[0]
	};
}

export interface SweepOptions {
	attack: FlipAttack;
	rates: number[];
	/** How many seeds per rate: seed, seed + 1, ... */
	seeds: number;
	/** First seed. Default 1. */
	seed?: number;
	model: PoisonModel;
	defence: PoisonDefence;
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
}

export type SweepPoint = { rate: number } & Record<MetricKey, number> & {
		[K in MetricKey as `${K}Std`]: number;
	};

export interface SweepResult {
	attack: FlipAttack;
	model: PoisonModel;
	defence: PoisonDefence;
	seeds: number[];
	threshold: number;
	points: SweepPoint[];
	/** models trained, not counting the boundary attack's clean model or loss filtering's first fits */
	models: number;
	ms: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (n - 1); 0 for a single seed. */
const std = (xs: number[]) => {
	if (xs.length < 2) return 0;
	const m = mean(xs);
	return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

/** Every rate x seed as one batch of models: the mean and spread of each metric per rate. */
export async function poisonSweep(data: PoisonData, opts: SweepOptions): Promise<SweepResult> {
	const started = performance.now();
	if (opts.rates.length === 0) throw new Error('poisonSweep: give at least one flip rate');
	if (!Number.isInteger(opts.seeds) || opts.seeds < 1)
		throw new Error(`poisonSweep: seeds must be a whole number >= 1, got ${opts.seeds}`);
	const first = opts.seed ?? 1;
	const seeds = Array.from({ length: opts.seeds }, (_, s) => first + s);
	const scores =
		opts.attack === 'boundary'
			? await cleanTrainScores(data, opts.model, first, opts.signal)
			: undefined;
	const labelSets: Uint8Array[] = [];
	const modelSeeds: number[] = [];
	// 55 flipped label sets and, at the end, 55 sets of metrics: paced, so neither is one long task
	const pace = pacedYield();
	for (const rate of opts.rates)
		for (const seed of seeds) {
			labelSets.push(
				flipLabels(data.train.labels, rate, opts.attack, {
					seed,
					scores,
					threshold: DECISION_THRESHOLD
				}).labels
			);
			modelSeeds.push(seed);
			await pace.due();
			throwIfAborted(opts.signal);
		}
	await yieldToEventLoop();
	const defended = await defend(data, opts.defence, opts.model, labelSets, modelSeeds, opts.signal);
	const fits = await fitAndScore(data, {
		model: opts.model,
		labelSets: defended.labelSets,
		rowWeights: defended.rowWeights,
		blocks: [data.test.features],
		seeds: modelSeeds,
		signal: opts.signal,
		onProgress: opts.onProgress
	});
	const points: SweepPoint[] = [];
	for (const [r, rate] of opts.rates.entries()) {
		const ms = seeds.map((_, s) =>
			classificationMetrics(data.test.labels, fits[r * seeds.length + s][0], DECISION_THRESHOLD)
		);
		const point: Record<string, number> = { rate };
		for (const key of METRIC_KEYS) {
			const xs = ms.map((m, s) =>
				key === 'recallAt1Fpr'
					? recallAtFpr(fits[r * seeds.length + s][0], data.test.labels, 0.01)
					: m[key]
			);
			point[key] = mean(xs);
			point[`${key}Std`] = std(xs);
		}
		points.push(point as SweepPoint);
		await pace.due();
	}
	return {
		attack: opts.attack,
		model: opts.model,
		defence: opts.defence,
		seeds,
		threshold: DECISION_THRESHOLD,
		points,
		models: labelSets.length,
		ms: Math.round(performance.now() - started)
	};
}

/**
 * Uploaded rows as lab data: a seeded, stratified 80/20 train/test split (each class split on its
 * own, so the rare class keeps its share on both sides), scaled like the generated data.
 */
export function poisonDataFromRows(
	name: string,
	featureNames: string[],
	features: Float32Array,
	labels: Uint8Array,
	seed = 1
): PoisonData {
	const d = featureNames.length;
	const split = stratifiedSplit(labels, 0.2, createRng(seed), { inOrder: true });
	const pick = (idx: Int32Array) => {
		const f = new Float32Array(idx.length * d);
		idx.forEach((i, j) => f.set(features.subarray(i * d, (i + 1) * d), j * d));
		return { features: f, labels: Uint8Array.from(idx, (i) => labels[i]) };
	};
	const train = pick(split.train);
	const test = pick(split.test);
	const minTrain = KNN_K + 1;
	if (train.labels.length < minTrain) {
		throw new Error(
			`${name}: the 80/20 split leaves ${train.labels.length} training rows; the lab needs at least ${minTrain} (the kNN defence compares each row with ${KNN_K} others). Add rows.`
		);
	}
	const maxTrain = newtonMaxRows(d);
	if (train.labels.length > maxTrain) {
		throw new Error(
			`${name}: ${train.labels.length.toLocaleString('en')} training rows of ${d} features are too many for the in-browser logistic-regression fit (Newton keeps (d+1)(d+2)/2 values per row); at ${d} features it takes at most ${maxTrain.toLocaleString('en')} training rows (${Math.floor(maxTrain / 0.8).toLocaleString('en')} in the file). Upload a sample or fewer columns.`
		);
	}
	return preparePoisonData(name, featureNames, train, test);
}
