/**
 * One privacy experiment, as the page, the `lab dp-train` command and the bench all run it: train
 * the MLP with DP-SGD (or plain SGD for the non-private baseline) on a small training set, measure
 * held-out accuracy, attack membership with the loss threshold, and account for the privacy spent.
 *
 * Small training sets on purpose: the leak that DP closes is overfitting, and a model trained
 * for many epochs on a thousand examples remembers them measurably.
 */
import { generateTransactions, splitTransactions, standardize, FRAUD_DIMS } from '../../data/fraud';
import { MNIST_CLASSES, MNIST_PIXELS, gatherDigits, type DigitSet } from '../../data/mnist';
import { createMlp, disposeMlp } from '../mlp';
import { createRng, permutation } from '../rng';
import { trainDpSgd, trainSgd, stepsPerEpoch, type Sampling } from './dp-sgd';
import {
	advantageBound,
	chanceAdvantage,
	lossThresholdAttack,
	mlpAccuracy,
	perExampleLosses,
	yeomAdvantageBound
} from './membership';
import { epsilonFor } from './rdp';

export const PRIVACY_DATASETS = ['fraud', 'mnist'] as const;
export type PrivacyDataset = (typeof PRIVACY_DATASETS)[number];

export const DATASET_INFO: Record<
	PrivacyDataset,
	{ label: string; sizes: readonly number[]; members: number; learningRate: number }
> = {
	fraud: {
		label: 'Card transactions (fraud MLP)',
		sizes: [FRAUD_DIMS, 32, 16, 1],
		members: 500,
		learningRate: 0.5
	},
	mnist: {
		label: 'Handwritten digits (MLP on 784 pixels)',
		sizes: [MNIST_PIXELS, 64, MNIST_CLASSES],
		members: 1000,
		learningRate: 0.5
	}
};

/** The lab's starting point (page and CLI): plain SGD as in Abadi et al. 2016, Poisson lots. */
export const RUN_DEFAULTS = {
	sigma: 1,
	clip: 1,
	batchSize: 50,
	epochs: 30,
	delta: 1e-5,
	momentum: 0,
	sampling: 'poisson' as Sampling,
	seed: 1
};

/** Fraud share of the generated transactions: high enough that accuracy is not just "say legit". */
export const FRAUD_RATE = 0.3;

export interface Rows {
	rows: Float32Array;
	labels: Int32Array;
}

export interface PrivacyData {
	dataset: PrivacyDataset;
	/** the training set, whose membership the attacker tries to infer */
	members: Rows;
	/** as many held-out examples, never trained on: the attack's non-members and the test set */
	nonMembers: Rows;
}

/**
 * Seeded transactions: 2 x `members` rows, split half and half (stratified), standardised on the
 * training half.
 */
export function fraudPrivacyData(members: number, seed: number): PrivacyData {
	const all = generateTransactions({ count: 2 * members, seed, fraudRate: FRAUD_RATE });
	const { train, test } = splitTransactions(all, 0.5, seed + 1);
	const scale = standardize(train.features, train.dims);
	// Rounding in the stratified split can leave one side a row longer; the attack compares equal sets.
	const m = Math.min(train.count, test.count);
	const take = (set: typeof train) => ({
		rows: scale.apply(set.features.subarray(0, m * set.dims)),
		labels: Int32Array.from(set.labels.subarray(0, m))
	});
	return { dataset: 'fraud', members: take(train), nonMembers: take(test) };
}

/** `members` digits drawn (seeded) from the training split, as many from the held-out split. */
export function mnistPrivacyData(
	train: DigitSet,
	test: DigitSet,
	members: number,
	seed: number
): PrivacyData {
	if (members > train.count || members > test.count)
		throw new RangeError(
			`mnist: ${members} members need ${members} digits per split (have ${train.count} and ${test.count})`
		);
	const rng = createRng(seed);
	const pick = (set: DigitSet) => {
		const { pixels, labels } = gatherDigits(set, permutation(set.count, rng).subarray(0, members));
		return { rows: pixels, labels };
	};
	return { dataset: 'mnist', members: pick(train), nonMembers: pick(test) };
}

export interface RunConfig {
	/** noise multiplier; null trains the non-private baseline (plain SGD, no clipping) */
	sigma: number | null;
	clip: number;
	batchSize: number;
	epochs: number;
	delta: number;
	learningRate: number;
	momentum: number;
	sampling: Sampling;
	seed: number;
}

export interface EpochPoint {
	epoch: number;
	loss: number;
	accuracy: number;
}

export interface RunResult {
	dataset: PrivacyDataset;
	private: boolean;
	sigma: number | null;
	clip: number;
	batchSize: number;
	epochs: number;
	delta: number;
	sampling: Sampling;
	seed: number;
	members: number;
	/** sampling rate q = batch / members and the steps taken */
	q: number;
	steps: number;
	/** Infinity when sigma is 0 or the run is the baseline */
	epsilon: number;
	order: number;
	/** held-out accuracy */
	accuracy: number;
	trainAccuracy: number;
	miaAuc: number;
	miaAdvantage: number;
	/** the advantage chance alone exceeds 5 % of the time with these group sizes */
	miaChance: number;
	/** what (eps, delta)-DP allows the advantage to be at most (1 when eps is infinite) */
	advantageBound: number;
	/** Yeom et al.'s e^eps - 1 for pure eps-DP (capped at 1) */
	yeomBound: number;
	history: EpochPoint[];
	/** mean wall time of an epoch's training steps */
	epochMs: number;
}

/** The privacy guarantee of a configuration, before anything is trained. */
export function epsilonOf(
	members: number,
	cfg: Pick<RunConfig, 'sigma' | 'batchSize' | 'epochs' | 'delta'>
): { epsilon: number; order: number; q: number; steps: number } {
	const q = cfg.batchSize / members;
	const steps = stepsPerEpoch(members, cfg.batchSize) * cfg.epochs;
	if (cfg.sigma === null) return { epsilon: Infinity, order: NaN, q, steps };
	return { ...epsilonFor({ q, sigma: cfg.sigma, steps, delta: cfg.delta }), q, steps };
}

export interface RunHooks {
	signal?: AbortSignal;
	onEpoch?: (point: EpochPoint) => void;
	onProgress?: (done: number, total: number) => void;
}

/** Trains a fresh MLP on `data` with `cfg`, evaluates it, attacks it, disposes it. */
export async function runPrivacyExperiment(
	data: PrivacyData,
	cfg: RunConfig,
	hooks: RunHooks = {}
): Promise<RunResult> {
	const info = DATASET_INFO[data.dataset];
	const n = data.members.labels.length;
	const privacy = epsilonOf(n, cfg);
	const mlp = createMlp(info.sizes, cfg.seed);
	const history: EpochPoint[] = [];
	try {
		const common = {
			batchSize: cfg.batchSize,
			epochs: cfg.epochs,
			learningRate: cfg.learningRate,
			momentum: cfg.momentum,
			seed: cfg.seed + 1,
			signal: hooks.signal,
			onProgress: hooks.onProgress,
			onEpoch: async (epoch: number, loss: number) => {
				const accuracy = await mlpAccuracy(mlp, data.nonMembers.rows, data.nonMembers.labels);
				const point = { epoch, loss, accuracy };
				history.push(point);
				hooks.onEpoch?.(point);
			}
		};
		const report =
			cfg.sigma === null
				? await trainSgd(mlp, data.members.rows, data.members.labels, common)
				: await trainDpSgd(mlp, data.members.rows, data.members.labels, {
						...common,
						sigma: cfg.sigma,
						clip: cfg.clip,
						sampling: cfg.sampling
					});
		const [memberLosses, nonMemberLosses] = [
			await perExampleLosses(mlp, data.members.rows, data.members.labels),
			await perExampleLosses(mlp, data.nonMembers.rows, data.nonMembers.labels)
		];
		const mia = lossThresholdAttack(memberLosses, nonMemberLosses);
		const accuracy =
			history.at(-1)?.accuracy ??
			(await mlpAccuracy(mlp, data.nonMembers.rows, data.nonMembers.labels));
		const trainAccuracy = await mlpAccuracy(mlp, data.members.rows, data.members.labels);
		const epochMs = report.epochMs.length
			? report.epochMs.reduce((s, t) => s + t, 0) / report.epochMs.length
			: 0;
		return {
			dataset: data.dataset,
			private: cfg.sigma !== null,
			sigma: cfg.sigma,
			clip: cfg.clip,
			batchSize: cfg.batchSize,
			epochs: cfg.epochs,
			delta: cfg.delta,
			sampling: cfg.sampling,
			seed: cfg.seed,
			members: n,
			q: privacy.q,
			steps: privacy.steps,
			epsilon: privacy.epsilon,
			order: privacy.order,
			accuracy,
			trainAccuracy,
			miaAuc: mia.auc,
			miaAdvantage: mia.advantage,
			miaChance: chanceAdvantage(mia.members, mia.nonMembers),
			advantageBound: advantageBound(privacy.epsilon, cfg.delta),
			yeomBound: yeomAdvantageBound(privacy.epsilon),
			history,
			epochMs
		};
	} finally {
		disposeMlp(mlp);
	}
}

export interface EpochTimes {
	/** mean wall time of one DP-SGD epoch (Poisson lots, per-example clipping, noise) */
	dpEpochMs: number;
	/** mean wall time of one plain SGD epoch: same model, data and batch size */
	plainEpochMs: number;
	epochs: number;
}

/**
 * Times DP-SGD against plain SGD on the same fresh model, data and batch size: one warm-up epoch
 * of each (kernels compile, buffers grow), then `epochs` timed epochs of each, interleaved so
 * that background load hits both alike.
 */
export async function measureEpochTimes(
	data: PrivacyData,
	cfg: Pick<RunConfig, 'sigma' | 'clip' | 'batchSize' | 'learningRate' | 'seed'>,
	epochs: number,
	signal?: AbortSignal
): Promise<EpochTimes> {
	const info = DATASET_INFO[data.dataset];
	const { rows, labels } = data.members;
	const dp: number[] = [];
	const plain: number[] = [];
	const common = { batchSize: cfg.batchSize, epochs: 1, learningRate: cfg.learningRate, signal };
	for (let e = 0; e <= epochs; e++) {
		const a = createMlp(info.sizes, cfg.seed);
		const b = createMlp(info.sizes, cfg.seed);
		try {
			const r1 = await trainDpSgd(a, rows, labels, {
				...common,
				seed: cfg.seed + e,
				sigma: cfg.sigma ?? 1,
				clip: cfg.clip
			});
			const r2 = await trainSgd(b, rows, labels, { ...common, seed: cfg.seed + e });
			if (e > 0) {
				dp.push(r1.epochMs[0]);
				plain.push(r2.epochMs[0]);
			}
		} finally {
			disposeMlp(a);
			disposeMlp(b);
		}
	}
	const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
	return { dpEpochMs: mean(dp), plainEpochMs: mean(plain), epochs };
}
