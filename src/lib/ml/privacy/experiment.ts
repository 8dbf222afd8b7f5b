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
import { createMlp, disposeMlp, type Mlp } from '../mlp';
import { createRng, permutation } from '../../base/rng';
import { trainDpSgd, trainSgd, stepsPerEpoch, type Sampling } from './dp-sgd';
import type { NoiseSource } from './noise';
import {
	advantageBound,
	chanceAdvantage,
	empiricalEpsilon,
	lossThresholdAttack,
	mlpAccuracy,
	perExampleLosses,
	yeomAdvantageBound
} from './membership';
import { epsilonFor, sigmaFor } from './rdp';

/** What `accountingNote` says when lots are shuffled rather than Poisson-sampled. */
export const SHUFFLE_ACCOUNTING_NOTE =
	'epsilon is accounted as if lots were Poisson-sampled (q = batch / n); these lots were shuffled fixed batches, so it is the customary approximation, not a proven bound';

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
	/** true when the run has a finite (epsilon, delta) guarantee: false for the non-private
	 * baseline and for sigma = 0, whose epsilon is infinite */
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
	/** set when the epsilon is only an approximation (shuffled lots); null otherwise */
	accountingNote: string | null;
	order: number;
	/** held-out accuracy */
	accuracy: number;
	trainAccuracy: number;
	miaAuc: number;
	miaAdvantage: number;
	/** the advantage chance alone exceeds 5 % of the time with these group sizes */
	miaChance: number;
	/**
	 * the epsilon the attack's counts prove at 95 % confidence (membership.ts empiricalEpsilon,
	 * Jagielski et al. 2020): an audit the accountant's epsilon should stand above
	 */
	empiricalEpsilon: number;
	/** what (eps, delta)-DP allows the advantage to be at most (1 when eps is infinite) */
	advantageBound: number;
	/**
	 * Yeom et al.'s e^eps - 1 (capped at 1), evaluated at this run's epsilon. It holds only for pure
	 * eps-DP (delta = 0), which DP-SGD never gives, so it is NOT this run's bound (that is
	 * `advantageBound`); kept for comparison with the paper.
	 */
	pureDpAdvantageBound: number;
	history: EpochPoint[];
	/** mean compute time of an epoch's training steps (callbacks and yields excluded) */
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

/**
 * The smallest noise multiplier whose epsilon after this training does not exceed
 * `targetEpsilon` (the accountant solved for sigma, rdp.ts sigmaFor), with the epsilon it gives.
 */
export function sigmaOf(
	members: number,
	cfg: Pick<RunConfig, 'batchSize' | 'epochs' | 'delta'> & { targetEpsilon: number }
): { sigma: number; epsilon: number; q: number; steps: number } {
	const q = cfg.batchSize / members;
	const steps = stepsPerEpoch(members, cfg.batchSize) * cfg.epochs;
	const r = sigmaFor({ targetEpsilon: cfg.targetEpsilon, q, steps, delta: cfg.delta });
	return { sigma: r.sigma, epsilon: r.epsilon, q, steps };
}

export interface RunHooks {
	signal?: AbortSignal;
	onEpoch?: (point: EpochPoint) => void;
	onProgress?: (done: number, total: number) => void;
	/**
	 * The trained model, before the attack and before it is disposed: another lab's attack on
	 * the very same model (the inversion lab inverts it). Awaited.
	 */
	onTrained?: (mlp: Mlp) => Promise<void> | void;
	/** where DP-SGD's noise is drawn (default on the spot; the same bits from any source) */
	noise?: NoiseSource;
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
						sampling: cfg.sampling,
						noise: hooks.noise
					});
		await hooks.onTrained?.(mlp);
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
			private: Number.isFinite(privacy.epsilon),
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
			accountingNote:
				Number.isFinite(privacy.epsilon) && cfg.sampling === 'shuffle'
					? SHUFFLE_ACCOUNTING_NOTE
					: null,
			order: privacy.order,
			accuracy,
			trainAccuracy,
			miaAuc: mia.auc,
			miaAdvantage: mia.advantage,
			miaChance: chanceAdvantage(mia.members, mia.nonMembers),
			empiricalEpsilon: empiricalEpsilon(memberLosses, nonMemberLosses, cfg.delta).epsilon,
			advantageBound: advantageBound(privacy.epsilon, cfg.delta),
			pureDpAdvantageBound: yeomAdvantageBound(privacy.epsilon),
			history,
			epochMs
		};
	} finally {
		disposeMlp(mlp);
	}
}

export interface EpochTimes {
	/** mean compute time of one DP-SGD epoch as the lab trains it: Poisson lots (padded to a
	 * multiple of 16 rows on WebGL), per-example clipping, noise */
	dpEpochMs: number;
	/** mean compute time of one DP-SGD epoch on the same shuffled exact batches as plain SGD: the
	 * cost of clipping and noise alone, without sampling and padding */
	dpExactEpochMs: number;
	/** mean compute time of one plain SGD epoch: same model, data and batch size */
	plainEpochMs: number;
	/** rows per step the Poisson DP-SGD computed on (padding included), and plain SGD */
	dpRowsPerStep: number;
	plainRowsPerStep: number;
	/** epochs timed per trainer per round, and the rounds */
	epochs: number;
	rounds: number;
}

/**
 * Times DP-SGD against plain SGD on the same data and batch size. Each trainer first trains one
 * warm-up epoch (kernels compile, buffers grow); then `rounds` rounds each train a fresh model for
 * `epochs` epochs with every trainer, the order rotated each round so background load and drift
 * hit all alike. Times are the trainers' epochMs: compute only, yields to the event loop excluded
 * (a yield in the browser waits for an animation frame, which would charge the slower trainer
 * for more frames). Means over all timed epochs.
 */
export async function measureEpochTimes(
	data: PrivacyData,
	cfg: Pick<RunConfig, 'sigma' | 'clip' | 'batchSize' | 'learningRate' | 'seed'>,
	epochs: number,
	{ signal, noise, rounds = 3 }: { signal?: AbortSignal; noise?: NoiseSource; rounds?: number } = {}
): Promise<EpochTimes> {
	if (!(Number.isInteger(epochs) && epochs >= 1 && Number.isInteger(rounds) && rounds >= 1))
		throw new RangeError(`measureEpochTimes: epochs and rounds must be whole numbers >= 1`);
	const info = DATASET_INFO[data.dataset];
	const { rows, labels } = data.members;
	const dpNoise = { sigma: cfg.sigma ?? 1, clip: cfg.clip };
	type Trainer = 'dp' | 'dpExact' | 'plain';
	const trainers: Trainer[] = ['dp', 'dpExact', 'plain'];
	const times: Record<Trainer, number[]> = { dp: [], dpExact: [], plain: [] };
	const rowsPerStep: Record<Trainer, number[]> = { dp: [], dpExact: [], plain: [] };
	const once = async (t: Trainer, e: number, seed: number) => {
		const mlp = createMlp(info.sizes, cfg.seed);
		try {
			const common = { batchSize: cfg.batchSize, epochs: e, learningRate: cfg.learningRate };
			const o = { ...common, seed, signal };
			return t === 'plain'
				? await trainSgd(mlp, rows, labels, o)
				: await trainDpSgd(mlp, rows, labels, {
						...o,
						...dpNoise,
						noise,
						sampling: t === 'dp' ? 'poisson' : 'shuffle'
					});
		} finally {
			disposeMlp(mlp);
		}
	};
	for (const t of trainers) await once(t, 1, cfg.seed);
	for (let r = 0; r < rounds; r++) {
		for (let k = 0; k < trainers.length; k++) {
			const t = trainers[(k + r) % trainers.length];
			const report = await once(t, epochs, cfg.seed + 1 + r);
			times[t].push(...report.epochMs);
			rowsPerStep[t].push(report.rowsComputed / report.steps);
		}
	}
	const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
	return {
		dpEpochMs: mean(times.dp),
		dpExactEpochMs: mean(times.dpExact),
		plainEpochMs: mean(times.plain),
		dpRowsPerStep: mean(rowsPerStep.dp),
		plainRowsPerStep: mean(rowsPerStep.plain),
		epochs,
		rounds
	};
}
