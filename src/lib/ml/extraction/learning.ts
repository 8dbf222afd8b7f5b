/**
 * Learning-based extraction: query the API, train a surrogate on the answers, and measure how
 * closely it copies the victim as the queries add up. Three ways to choose the queries:
 *
 * - random: uniformly from the documented feature ranges (integer features rounded, yes/no
 *   features 0 or 1). Tramer et al. 2016, section 5 ("learning-based" extraction with uniformly
 *   random queries).
 * - natural: data the attacker happens to have, from another distribution than the victim's
 *   (victims.ts: another bank's transactions, or shifted digits).
 * - jacobian: Papernot, McDaniel, Goodfellow, Jha, Celik, Swami 2017, "Practical Black-Box
 *   Attacks against Machine Learning", section 4 (Algorithm 1): start from a few natural seeds;
 *   each substitute epoch trains the surrogate on everything labelled so far, then adds
 *   x + lambda * sign(dF_label(x)/dx) for every point (Jacobian-based dataset augmentation),
 *   with the periodic step size lambda_rho = lambda * (-1)^floor(rho / tau) (lambda changes sign
 *   every tau substitute epochs), a refinement from Papernot, McDaniel, Goodfellow 2016,
 *   "Transferability in Machine Learning" (arXiv:1605.07277), not part of Algorithm 1 itself.
 *
 * When the API explains its answers (input gradients, victim-api.ts), every strategy's copy also
 * fits the explained gradients (Milli, Schmidt, Dragan, Hardt 2019; see
 * surrogate.ts trainSurrogate).
 *
 * The attacker's side goes through the PredictionApi only; the grader's side (held-out inputs,
 * the victim's own predictions) is used for the fidelity numbers and never for training.
 */
import { createRng, type Rng } from '../../base/rng';
import { throwIfAborted } from '../yield';
import {
	createSurrogate,
	disposeSurrogate,
	GRADIENT_WEIGHT,
	surrogateLossSign,
	surrogatePredict,
	trainSurrogate,
	type Surrogate
} from './surrogate';
import {
	RateLimitedError,
	type OutputMode,
	type PredictionApi,
	type QueryAnswer
} from './victim-api';
import { argmaxRows } from '../../base/argmax';
import { victimLabelsFor, type Victim } from './victims';

export const STRATEGIES = ['random', 'natural', 'jacobian'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const STRATEGY_LABELS: Record<Strategy, string> = {
	random: 'random queries',
	natural: 'natural data (other distribution)',
	jacobian: 'Jacobian augmentation'
};

export interface FidelityPoint {
	/** Queries answered by the API so far. */
	queries: number;
	/** Share of held-out inputs on which surrogate and victim give the same class. */
	agreement: number;
	/** Surrogate accuracy on the held-out inputs' true labels. */
	accuracy: number;
}

export interface FidelityOptions {
	/** Query counts at which to train and measure, increasing; the last is the total spent. */
	checkpoints: number[];
	seed: number;
	/** Epochs of surrogate training at each checkpoint (and each substitute epoch). Default 6. */
	epochs?: number;
	/**
	 * At least this many Adam steps at each checkpoint: a small set gets more epochs (6 epochs of
	 * 20 rows are 6 steps, too few to fit anything). Default 0.
	 */
	minSteps?: number;
	/** Jacobian: natural seed inputs. Default min(100, first checkpoint). */
	seeds?: number;
	/** Jacobian step, in the surrogate's scaled units. Default 0.3 for tables, 0.1 for pixels. */
	lambda?: number;
	/** Jacobian: lambda flips sign every tau substitute epochs. Default 3. */
	tau?: number;
	/**
	 * When the API explains its answers: lambda, the weight of the gradient-matching term (default
	 * GRADIENT_WEIGHT); 0 trains on the answers alone, as if the explanations were not there.
	 */
	gradientWeight?: number;
	signal?: AbortSignal;
	onPoint?: (point: FidelityPoint) => void;
	onProgress?: (queries: number, total: number) => void;
}

export interface FidelityResult {
	points: FidelityPoint[];
	/** The last surrogate; the caller owns it (disposeSurrogate). */
	surrogate: Surrogate;
	/** Every input sent, row-major, in order (what the API's monitor saw). */
	queried: Float64Array;
	/** The class the API answered for each of them (what the service's monitor knows). */
	answered: Uint8Array;
}

/** Rows per Adam step of the copy's training. */
const BATCH = 64;

/** Even checkpoints: `count` points up to `total` queries. */
export function evenCheckpoints(total: number, count: number): number[] {
	const out: number[] = [];
	for (let i = 1; i <= count; i++) out.push(Math.max(1, Math.round((total * i) / count)));
	return [...new Set(out)];
}

/** What an attacker knows of a victim: the API's documented inputs and its own natural data. */
export type AttackerKnowledge = Pick<
	Victim,
	'dims' | 'classes' | 'low' | 'high' | 'kinds' | 'tabular' | 'naturalPool'
>;

/** One uniformly random input from the documented ranges, respecting feature kinds. */
function randomInput(victim: AttackerKnowledge, rng: Rng, out: Float64Array, offset: number) {
	for (let j = 0; j < victim.dims; j++) {
		const lo = victim.low[j];
		const hi = victim.high[j];
		const kind = victim.kinds[j];
		out[offset + j] =
			kind === 'continuous'
				? lo + (hi - lo) * rng()
				: Math.min(hi, lo + Math.floor((hi - lo + 1) * rng()));
	}
}

/** What the surrogate learns from one answer: probabilities, or one-hot in label-only mode. */
function targetsOf(answers: QueryAnswer[], width: number): Float32Array {
	const out = new Float32Array(answers.length * width);
	answers.forEach((a, i) => {
		if (width === 1) out[i] = a.probs ? a.probs[1] : a.label;
		else if (a.probs) for (let c = 0; c < width; c++) out[i * width + c] = a.probs[c];
		else out[i * width + a.label] = 1;
	});
	return out;
}

/** The explained gradients of a batch of answers, row-major. */
function gradientsOf(answers: QueryAnswer[], dims: number): Float64Array {
	const out = new Float64Array(answers.length * dims);
	answers.forEach((a, i) => {
		if (!a.gradient || a.gradient.length !== dims)
			throw new Error(`the API promised explanations but answer ${i} carries no gradient`);
		out.set(a.gradient, i * dims);
	});
	return out;
}

/**
 * api.query, waiting out the rate limit: the attacker slows down rather than gives up, which is
 * what a rate limit buys the defender (time, not safety).
 */
async function queryPolitely(
	api: PredictionApi,
	rows: number[][],
	signal: AbortSignal | undefined
): Promise<QueryAnswer[]> {
	for (;;) {
		try {
			return api.query(rows);
		} catch (err) {
			if (!(err instanceof RateLimitedError)) throw err;
			await new Promise((resolve) => setTimeout(resolve, err.retryAfterMs));
			throwIfAborted(signal);
		}
	}
}

/** Grows a Float64Array buffer by appending. */
class Rows {
	data: Float64Array;
	length = 0;
	constructor(readonly width: number) {
		this.data = new Float64Array(width * 256);
	}
	push(values: Float64Array) {
		while (this.length + values.length > this.data.length) {
			const grown = new Float64Array(this.data.length * 2);
			grown.set(this.data);
			this.data = grown;
		}
		this.data.set(values, this.length);
		this.length += values.length;
	}
	get view(): Float64Array {
		return this.data.subarray(0, this.length);
	}
	get rows(): number {
		return this.length / this.width;
	}
}

/** Victim labels on the held-out set, computed once per victim (grader side). */
const victimLabelCache = new WeakMap<Victim, Uint8Array>();
export function heldOutVictimLabels(victim: Victim): Uint8Array {
	let labels = victimLabelCache.get(victim);
	if (!labels) {
		labels = victimLabelsFor(victim, victim.heldOut.inputs);
		victimLabelCache.set(victim, labels);
	}
	return labels;
}

/** Agreement with the victim and accuracy on true labels, over the victim's held-out inputs. */
export async function scoreSurrogate(
	victim: Victim,
	surrogate: Surrogate
): Promise<{ agreement: number; accuracy: number }> {
	const { heldOut } = victim;
	const mine = argmaxRows(await surrogatePredict(surrogate, heldOut.inputs), heldOut.count);
	const theirs = heldOutVictimLabels(victim);
	let same = 0;
	let right = 0;
	for (let i = 0; i < heldOut.count; i++) {
		if (mine[i] === theirs[i]) same++;
		if (mine[i] === heldOut.labels[i]) right++;
	}
	return { agreement: same / heldOut.count, accuracy: right / heldOut.count };
}

/** Share of held-out inputs where the victim's label is the majority one: a do-nothing copy. */
export function majorityAgreement(victim: Victim): number {
	const labels = heldOutVictimLabels(victim);
	const counts = new Array<number>(victim.classes).fill(0);
	for (const l of labels) counts[l]++;
	return Math.max(...counts) / labels.length;
}

/**
 * Runs one learning-based extraction against `api` and returns its fidelity curve. The API's
 * output mode decides what the surrogate learns from; a budget or rate-limit error from the API
 * ends the run with the error (the points so far were already reported through onPoint).
 */
export async function fidelityCurve(
	victim: Victim,
	api: PredictionApi,
	strategy: Strategy,
	options: FidelityOptions
): Promise<FidelityResult> {
	const { checkpoints, seed, signal } = options;
	if (
		!checkpoints.length ||
		checkpoints.some((c, i) => !(c >= 1 && (i === 0 || c > checkpoints[i - 1])))
	) {
		throw new Error(
			`fidelity curve: checkpoints must be increasing counts >= 1, got [${checkpoints}]`
		);
	}
	// Everything that chooses queries or trains the copy sees only this, the API and its answers;
	// `victim` itself (its predictor, held-out set) is used for the fidelity numbers alone.
	const known: AttackerKnowledge = {
		dims: victim.dims,
		classes: victim.classes,
		low: victim.low,
		high: victim.high,
		kinds: victim.kinds,
		tabular: victim.tabular,
		naturalPool: victim.naturalPool
	};
	const d = known.dims;
	const total = checkpoints[checkpoints.length - 1];
	const epochs = options.epochs ?? 6;
	const lambda = options.lambda ?? (known.tabular ? 0.3 : 0.1);
	const tau = options.tau ?? 3;
	const rng = createRng(seed);
	const width = known.classes === 2 ? 1 : known.classes;
	const inputs = new Rows(d);
	const gradientWeight = options.gradientWeight ?? GRADIENT_WEIGHT;
	// the explained gradients, row for row with inputs, when the API explains and they are used
	const explained = api.explanations && gradientWeight > 0 ? new Rows(d) : null;
	const targets: Float32Array[] = [];
	const labels: number[] = [];
	let surrogate: Surrogate | null = null;
	let trainSeed = seed;
	const pool = strategy === 'natural' ? known.naturalPool(total, seed) : null;
	let poolNext = 0;
	// Jacobian: points waiting to be labelled, and how many substitute epochs have run.
	let queue: Float64Array = new Float64Array(0);
	let queueNext = 0;
	let substituteEpoch = 0;

	const allTargets = () => {
		const out = new Float32Array(inputs.rows * width);
		let o = 0;
		for (const t of targets) {
			out.set(t, o);
			o += t.length;
		}
		return out;
	};
	const train = async () => {
		surrogate ??= createSurrogate(known, inputs.view, seed);
		const batches = Math.ceil(inputs.rows / BATCH);
		await trainSurrogate(surrogate, inputs.view, allTargets(), {
			epochs: Math.max(epochs, Math.ceil((options.minSteps ?? 0) / batches)),
			batchSize: BATCH,
			seed: trainSeed++,
			signal,
			gradients: explained?.view,
			gradientWeight
		});
	};

	const nextInputs = async (count: number): Promise<Float64Array> => {
		const out = new Float64Array(count * d);
		if (strategy === 'random') {
			for (let i = 0; i < count; i++) randomInput(known, rng, out, i * d);
			return out;
		}
		if (strategy === 'natural') {
			out.set(pool!.subarray(poolNext * d, (poolNext + count) * d));
			poolNext += count;
			return out;
		}
		// Jacobian-based dataset augmentation.
		let filled = 0;
		while (filled < count) {
			if (queueNext * d >= queue.length) {
				if (inputs.rows === 0) {
					const seeds = Math.min(options.seeds ?? 100, checkpoints[0]);
					queue = known.naturalPool(seeds, seed);
				} else {
					await train();
					const sign = Math.floor(substituteEpoch / tau) % 2 === 0 ? 1 : -1;
					substituteEpoch++;
					const grads = await surrogateLossSign(surrogate!, inputs.view, labels);
					queue = new Float64Array(inputs.length);
					const scale = surrogate!.scale;
					for (let i = 0; i < inputs.length; i++) {
						const j = i % d;
						// + lambda * sign(dF_label/dx) = - lambda * sign(dCE/dx), clipped to the domain.
						const v = inputs.data[i] - sign * lambda * scale[j] * grads[i];
						queue[i] = Math.min(known.high[j], Math.max(known.low[j], v));
					}
				}
				queueNext = 0;
			}
			const take = Math.min(count - filled, queue.length / d - queueNext);
			out.set(queue.subarray(queueNext * d, (queueNext + take) * d), filled * d);
			queueNext += take;
			filled += take;
		}
		return out;
	};

	const points: FidelityPoint[] = [];
	let sent = 0;
	try {
		for (const checkpoint of checkpoints) {
			while (sent < checkpoint) {
				throwIfAborted(signal);
				// Batches of at most 100 keep the page responsive and fit a modest rate limit.
				const count = Math.min(100, checkpoint - sent, api.rateLimit?.perSecond ?? Infinity);
				const batch = await nextInputs(count);
				const rows: number[][] = [];
				for (let i = 0; i < count; i++) rows.push(Array.from(batch.subarray(i * d, (i + 1) * d)));
				const answers = await queryPolitely(api, rows, signal);
				inputs.push(batch);
				if (explained) explained.push(gradientsOf(answers, d));
				targets.push(targetsOf(answers, width));
				for (const a of answers) labels.push(a.label);
				sent += count;
				options.onProgress?.(sent, total);
			}
			await train();
			const point = { queries: api.queries, ...(await scoreSurrogate(victim, surrogate!)) };
			points.push(point);
			options.onPoint?.(point);
		}
	} catch (err) {
		if (surrogate) disposeSurrogate(surrogate);
		throw err;
	}
	return {
		points,
		surrogate: surrogate!,
		queried: Float64Array.from(inputs.view),
		answered: Uint8Array.from(labels)
	};
}

/** "probs", "round:K" or "label" as an OutputMode; throws a message naming the bad part. */
export function parseOutputMode(text: string): OutputMode {
	if (text === 'probs') return { kind: 'probs' };
	if (text === 'label') return { kind: 'label' };
	const match = /^round:(\d+)$/.exec(text);
	if (match && Number(match[1]) <= 15) return { kind: 'round', decimals: Number(match[1]) };
	throw new Error(`output must be probs, round:K (K decimals, 0 to 15) or label, got "${text}"`);
}

export function formatOutputMode(mode: OutputMode): string {
	return mode.kind === 'round' ? `round:${mode.decimals}` : mode.kind;
}
