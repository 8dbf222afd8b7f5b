/**
 * The one epoch-and-batch loop every trainer in the lab runs on (the digit CNNs, the dense MLPs,
 * the extraction surrogate, DP-SGD and its non-private baseline, the batched logistic
 * regressions' first-order fit). The loop owns what they share: the seeded generator, batching,
 * yielding to the page about every 30 ms, progress, the running loss (kept on the backend until
 * the epoch ends: one read-back per epoch), epoch timing and the AbortSignal. A trainer supplies
 * only its step.
 *
 * Per epoch the loop draws, from one generator seeded with `seed` and in this order: the epoch's
 * permutation ('shuffle') or each step's Poisson lot ('poisson'), then, per step, one step seed
 * when `stepSeeds` is set; the step may draw more from the same generator (data augmentation).
 * Two trainers with the same seed, batching and step draws therefore see the same batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, permutation, type Rng } from '../base/rng';
import { pacedYield, throwIfAborted } from './yield';

/**
 * 'shuffle': a fresh permutation each epoch cut into batches of batchSize (the last may be
 * smaller). 'poisson': each example joins each step's lot with probability q = batchSize / n,
 * independently (Abadi et al. 2016's sampling, which the privacy accountant assumes). 'full': every
 * row, in order, in one step per epoch.
 */
export type Batching = 'shuffle' | 'poisson' | 'full';

export interface LoopOptions {
	/** examples in the training set */
	n: number;
	/** rows per step ('shuffle'); the expected lot size ('poisson'); unused by 'full' */
	batchSize: number;
	epochs: number;
	seed: number;
	/** default 'shuffle' */
	batching?: Batching;
	/** draw one seed per step from the run's generator, after the step's batch */
	stepSeeds?: boolean;
	/**
	 * how many of the following steps' seeds each step sees (StepInput.upcomingSeeds), so it can
	 * start work for them early (DP-SGD has their noise drawn in parallel). The loop then draws
	 * batches and seeds that many steps ahead, from the same generator in the same order: the
	 * batches and seeds are those of a run without lookahead, provided the step draws nothing
	 * itself (it is handed a generator that refuses). Default 0.
	 */
	lookahead?: number;
	signal?: AbortSignal;
	/** before each epoch's first step (e.g. a learning-rate schedule) */
	onEpochStart?: (epoch: number) => void;
	/** after each epoch, with its mean loss (NaN when the steps report none) and its time (see
	 * LoopReport.epochMs); awaited */
	onEpoch?: (epoch: number, loss: number, ms: number) => void | Promise<void>;
	onProgress?: (stepsDone: number, stepsTotal: number) => void;
}

export interface StepInput {
	/** the examples of this step */
	indices: ArrayLike<number>;
	/** 1-based */
	epoch: number;
	/** the run's generator, for draws the step itself makes */
	rng: Rng;
	/** this step's seed when `stepSeeds` is set, else 0 */
	seed: number;
	/** the seeds of up to `lookahead` following steps, in order (the run's last steps see fewer) */
	upcomingSeeds: number[];
}

export interface StepOutput {
	/** the step's loss; the loop adds it up on the backend and disposes it */
	loss?: tf.Scalar;
	/**
	 * what `loss` stands for: 1 when it is a batch mean (the epoch loss is then the mean of batch
	 * means), the batch size when it is a sum over the batch (a mean per example). Default 1.
	 */
	count?: number;
	/** rows actually computed on, padding included (default indices.length) */
	rows?: number;
}

export type Step = (input: StepInput) => StepOutput | void | Promise<StepOutput | void>;

export interface LoopReport {
	/** mean loss per epoch */
	losses: number[];
	/**
	 * wall time of each epoch's steps, the epoch-end read-back included; callbacks and the time
	 * handed back to the page (yields) excluded, so that a slower trainer is not charged for waiting
	 * on more animation frames
	 */
	epochMs: number[];
	/** total time spent in those yields */
	yieldedMs: number;
	steps: number;
	/** rows the steps computed on (padding included) and the examples those rows held */
	rowsComputed: number;
	examplesSeen: number;
}

/** Steps per epoch: ceil(n / batch) for 'shuffle' and 'poisson' (one pass on average), 1 for 'full'. */
export function stepsPerEpoch(
	n: number,
	batchSize: number,
	batching: Batching = 'shuffle'
): number {
	return batching === 'full' ? 1 : Math.ceil(n / batchSize);
}

/** The examples of one Poisson-sampled lot: each of n joins with probability q. */
function poissonLot(n: number, q: number, rng: Rng): number[] {
	const out: number[] = [];
	for (let i = 0; i < n; i++) if (rng() < q) out.push(i);
	return out;
}

function checkLoop(o: LoopOptions) {
	if (!(Number.isInteger(o.n) && o.n >= 1))
		throw new RangeError(`training: the training set is empty (n = ${o.n})`);
	if ((o.batching ?? 'shuffle') !== 'full' && !(Number.isInteger(o.batchSize) && o.batchSize >= 1))
		throw new RangeError(`training: batch size must be a whole number >= 1, got ${o.batchSize}`);
	if (!(Number.isInteger(o.epochs) && o.epochs >= 0))
		throw new RangeError(`training: epochs must be a whole number >= 0, got ${o.epochs}`);
	const ahead = o.lookahead ?? 0;
	if (!(Number.isInteger(ahead) && ahead >= 0))
		throw new RangeError(`training: lookahead must be a whole number >= 0, got ${ahead}`);
}

interface Planned {
	indices: ArrayLike<number>;
	seed: number;
}

/** Every step's batch and seed, in the order the loop draws them from `rng`. */
function* planSteps(opts: LoopOptions, rng: Rng): Generator<Planned> {
	const batching = opts.batching ?? 'shuffle';
	const { n, batchSize } = opts;
	const perEpoch = stepsPerEpoch(n, batchSize, batching);
	const all = batching === 'full' ? Int32Array.from({ length: n }, (_, i) => i) : null;
	for (let epoch = 1; epoch <= opts.epochs; epoch++) {
		const order = batching === 'shuffle' ? permutation(n, rng) : null;
		for (let s = 0; s < perEpoch; s++) {
			const indices =
				all ??
				(order
					? order.subarray(s * batchSize, Math.min(n, (s + 1) * batchSize))
					: poissonLot(n, batchSize / n, rng));
			const seed = opts.stepSeeds ? Math.floor(rng() * 2 ** 31) : 0;
			yield { indices, seed };
		}
	}
}

const refusingRng: Rng = () => {
	throw new Error('training: a step that draws from the run generator cannot use lookahead');
};

/** Runs `epochs` epochs of `step`; see the file comment for what the loop owns. */
export async function trainLoop(opts: LoopOptions, step: Step): Promise<LoopReport> {
	checkLoop(opts);
	const perEpoch = stepsPerEpoch(opts.n, opts.batchSize, opts.batching);
	const total = perEpoch * opts.epochs;
	const rng = createRng(opts.seed);
	const lookahead = opts.lookahead ?? 0;
	const plan = planSteps(opts, rng);
	const queue: Planned[] = [];
	const report: LoopReport = {
		losses: [],
		epochMs: [],
		yieldedMs: 0,
		steps: 0,
		rowsComputed: 0,
		examplesSeen: 0
	};
	let running: tf.Scalar | null = null;
	const pace = pacedYield();
	try {
		for (let epoch = 1; epoch <= opts.epochs; epoch++) {
			opts.onEpochStart?.(epoch);
			const t0 = performance.now();
			let paused = 0;
			let seen = 0;
			let counted = 0;
			running = null;
			for (let s = 0; s < perEpoch; s++) {
				throwIfAborted(opts.signal);
				while (queue.length <= lookahead) {
					const next = plan.next();
					if (next.done) break;
					queue.push(next.value);
				}
				const { indices, seed } = queue.shift()!;
				const out =
					(await step({
						indices,
						epoch,
						rng: lookahead ? refusingRng : rng,
						seed,
						upcomingSeeds: queue.map((p) => p.seed)
					})) ?? {};
				if (out.loss) {
					if (running) {
						const next: tf.Scalar = tf.add(running, out.loss);
						tf.dispose([running, out.loss]);
						running = next;
					} else running = out.loss;
					counted += out.count ?? 1;
				}
				seen += indices.length;
				report.rowsComputed += out.rows ?? indices.length;
				report.steps++;
				opts.onProgress?.(report.steps, total);
				paused += await pace.due();
			}
			let loss = NaN;
			if (running) {
				const sum = (await running.data())[0];
				running.dispose();
				running = null;
				loss = counted ? sum / counted : NaN;
			}
			const ms = performance.now() - t0 - paused;
			report.epochMs.push(ms);
			report.yieldedMs += paused;
			report.examplesSeen += seen;
			report.losses.push(loss);
			await opts.onEpoch?.(epoch, loss, ms);
		}
	} finally {
		// a cancel (or any error) part-way through an epoch leaves the running sum behind otherwise
		running?.dispose();
	}
	return report;
}
