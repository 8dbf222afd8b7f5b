/**
 * A pay-per-query prediction service standing in front of a victim model, as in the extraction
 * setting of Tramer et al. 2016, "Stealing Machine Learning Models via Prediction APIs": the
 * attacker sees only `query`, and the service decides how much of each answer to reveal (full
 * confidences, confidences rounded to a few decimals, or just the class label), what each query
 * costs, how many queries are allowed in all and how many per second.
 *
 * The service can also explain its answers, as explanation services return saliency maps: with
 * `explanations` on, each answer carries the input gradient of the victim's score (Milli, Schmidt,
 * Dragan, Hardt 2019, "Model Reconstruction from Model Explanations", FAT* 2019, who show how much
 * that gives away; see explanations.ts).
 *
 * Framework-free on purpose: the victims here are small, so answers are computed synchronously
 * in plain float64, and the same class serves the browser lab, the CLI and the tests.
 */
import { argmax } from '../../base/argmax';

/**
 * A victim model: `count * dims` inputs, row-major, in; `count * classes` class probabilities,
 * row-major, out (classes = output length / count).
 */
export type PredictFn = (inputs: Float64Array | Float32Array, dims: number) => Float64Array;

/**
 * A binary victim's explanation: for `count * dims` inputs, row-major, the `count * dims` partial
 * derivatives of P(class 1 | x) (the probability the API answers as `probs[1]`) with respect to
 * each input value, in the units the inputs were sent in. Exact, not estimated.
 */
export type GradientFn = (inputs: Float64Array | Float32Array, dims: number) => Float64Array;

/** A victim as the service holds it: its predictions and, when it can explain them, gradients. */
export interface VictimModel {
	predict: PredictFn;
	gradient?: GradientFn;
}

/** How much of each prediction the service reveals. */
export type OutputMode =
	{ kind: 'probs' } | { kind: 'round'; decimals: number } | { kind: 'label' };

/** One answer. `probs` is absent when the service reveals labels only. */
export interface QueryAnswer {
	/** The most probable class (the lowest index on a tie). */
	label: number;
	/** Class probabilities, possibly rounded; absent in label-only mode. */
	probs?: number[];
	/**
	 * With `explanations` on: dP(class 1)/dx for this input, one number per feature, in the units
	 * the input was sent in (per currency unit, per km, ...). Computed from the unrounded model and
	 * returned in full in every output mode, rounded or label-only included: the saliency map an
	 * explanation service shows is not the score it rounds.
	 */
	gradient?: number[];
}

/** One logged query, for an extraction detector (e.g. PRADA, Juuti et al. 2019) to inspect. */
export interface QueryLogEntry {
	input: number[];
	/** Clock time of the batch it arrived in, in milliseconds. */
	time: number;
}

export interface PredictionApiOptions {
	outputMode?: OutputMode;
	/** Price of one query (one input row); 0 by default. */
	costPerQuery?: number;
	/** Most queries the service will ever answer; unlimited when absent. */
	budget?: number;
	/** Most queries answered in any one-second window; unlimited when absent. */
	rateLimit?: { perSecond: number };
	/** Milliseconds; injectable so tests can move time by hand. Defaults to Date.now. */
	clock?: () => number;
	/**
	 * Keep every answered input in `log` (default true, for PRADA). An attack that sends tens of
	 * thousands of 784-pixel queries (the black-box inversion) turns it off.
	 */
	keepLog?: boolean;
	/**
	 * Answer every query with its explanation too: the gradient of P(class 1) with respect to the
	 * input (QueryAnswer.gradient). Default false. Needs a victim that provides gradients (the
	 * binary fraud victims); a query with its explanation costs one query, like any other.
	 */
	explanations?: boolean;
}

/** A batch would take the total past the budget; nothing in it was answered or counted. */
export class BudgetExceededError extends Error {
	constructor(
		readonly budget: number,
		readonly used: number,
		readonly requested: number
	) {
		super(
			`query budget exceeded: ${requested} more queries would make ${used + requested}, but the budget is ${budget} ` +
				`(${budget - used} left). Nothing in this batch was answered; send at most ${budget - used} inputs.`
		);
		this.name = 'BudgetExceededError';
	}
}

/** A batch would go over the per-second limit; nothing in it was answered or counted. */
export class RateLimitedError extends Error {
	constructor(
		readonly perSecond: number,
		readonly retryAfterMs: number
	) {
		super(
			`rate limited: at most ${perSecond} queries per second. Nothing in this batch was answered; ` +
				`retry in ${Math.ceil(retryAfterMs)} ms.`
		);
		this.name = 'RateLimitedError';
	}
}

const WINDOW_MS = 1000;

export class PredictionApi {
	readonly outputMode: OutputMode;
	readonly costPerQuery: number;
	readonly budget: number | undefined;
	readonly rateLimit: { perSecond: number } | undefined;
	readonly explanations: boolean;
	/** Input rows answered so far (a batch of n counts n). */
	queries = 0;
	readonly log: QueryLogEntry[] = [];
	readonly #predict: PredictFn;
	readonly #gradient: GradientFn | undefined;
	readonly #clock: () => number;
	readonly #keepLog: boolean;
	/** Answered batches still inside the rate-limit window, oldest first. */
	#recent: { time: number; count: number }[] = [];

	constructor(
		model: PredictFn | VictimModel,
		readonly dims: number,
		options: PredictionApiOptions = {}
	) {
		const { predict, gradient }: VictimModel =
			typeof model === 'function' ? { predict: model } : model;
		if (!Number.isInteger(dims) || dims < 1) {
			throw new Error(`PredictionApi: dims must be a whole number >= 1, got ${dims}`);
		}
		const mode = options.outputMode ?? { kind: 'probs' };
		if (
			mode.kind === 'round' &&
			!(Number.isInteger(mode.decimals) && mode.decimals >= 0 && mode.decimals <= 15)
		) {
			throw new Error(
				`PredictionApi: outputMode.decimals must be a whole number from 0 to 15, got ${mode.decimals}`
			);
		}
		const cost = options.costPerQuery ?? 0;
		if (!(Number.isFinite(cost) && cost >= 0)) {
			throw new Error(`PredictionApi: costPerQuery must be a finite number >= 0, got ${cost}`);
		}
		if (
			options.budget !== undefined &&
			!(Number.isInteger(options.budget) && options.budget >= 0)
		) {
			throw new Error(`PredictionApi: budget must be a whole number >= 0, got ${options.budget}`);
		}
		const perSecond = options.rateLimit?.perSecond;
		if (perSecond !== undefined && !(Number.isInteger(perSecond) && perSecond >= 1)) {
			throw new Error(
				`PredictionApi: rateLimit.perSecond must be a whole number >= 1, got ${perSecond}`
			);
		}
		const explanations = options.explanations ?? false;
		if (explanations && !gradient) {
			throw new Error(
				'PredictionApi: explanations need a victim that provides input gradients, and this one does not ' +
					'(the fraud logistic regression and the fraud MLP do); turn explanations off'
			);
		}
		this.#predict = predict;
		this.#gradient = explanations ? gradient : undefined;
		this.explanations = explanations;
		this.#clock = options.clock ?? Date.now;
		this.#keepLog = options.keepLog ?? true;
		this.outputMode = mode;
		this.costPerQuery = cost;
		this.budget = options.budget;
		this.rateLimit = options.rateLimit ? { perSecond: options.rateLimit.perSecond } : undefined;
	}

	/** What the attacker has been billed: queries * costPerQuery. */
	get cost(): number {
		return this.queries * this.costPerQuery;
	}

	/**
	 * Answers a batch of input rows, or none of them: a batch that breaks the budget or the rate
	 * limit throws before anything is predicted, counted or logged.
	 */
	query(inputs: number[][]): QueryAnswer[] {
		const n = inputs.length;
		const d = this.dims;
		const flat = new Float64Array(n * d);
		for (let i = 0; i < n; i++) {
			const row = inputs[i];
			if (!Array.isArray(row) || row.length !== d) {
				throw new Error(
					`query: input row ${i} must have ${d} numbers, got ${Array.isArray(row) ? row.length : typeof row}`
				);
			}
			for (let j = 0; j < d; j++) flat[i * d + j] = row[j];
		}
		return this.queryRows(flat);
	}

	/** `query` for rows packed row-major in one typed array (rows.length / dims of them). */
	queryRows(flat: Float64Array | Float32Array): QueryAnswer[] {
		const d = this.dims;
		if (flat.length % d !== 0)
			throw new Error(`query: ${flat.length} values do not make rows of ${d} numbers`);
		const n = flat.length / d;
		for (let k = 0; k < flat.length; k++)
			if (!Number.isFinite(flat[k]))
				throw new Error(
					`query: input row ${Math.floor(k / d)}, column ${k % d} is ${flat[k]}; send finite numbers`
				);
		if (this.budget !== undefined && this.queries + n > this.budget) {
			throw new BudgetExceededError(this.budget, this.queries, n);
		}
		const now = this.#clock();
		this.#checkRate(n, now);
		if (n === 0) return [];

		const probs = this.#predict(flat, d);
		if (probs.length === 0 || probs.length % n !== 0) {
			throw new Error(
				`victim returned ${probs.length} probabilities for ${n} inputs; expected n * classes`
			);
		}
		const k = probs.length / n;
		const gradients = this.#gradient?.(flat, d);
		if (gradients && gradients.length !== n * d) {
			throw new Error(
				`victim returned ${gradients.length} gradient values for ${n} inputs of ${d} features; expected ${n * d}`
			);
		}
		const answers: QueryAnswer[] = [];
		for (let i = 0; i < n; i++) {
			const label = argmax(probs, i * k, k);
			const mode = this.outputMode;
			const answer: QueryAnswer = { label };
			if (mode.kind !== 'label') {
				const row = Array.from(probs.subarray(i * k, (i + 1) * k));
				if (mode.kind === 'round') {
					const scale = 10 ** mode.decimals;
					for (let c = 0; c < k; c++) row[c] = Math.round(row[c] * scale) / scale;
				}
				answer.probs = row;
			}
			if (gradients) answer.gradient = Array.from(gradients.subarray(i * d, (i + 1) * d));
			answers.push(answer);
		}

		this.queries += n;
		if (this.rateLimit) this.#recent.push({ time: now, count: n });
		if (this.#keepLog)
			for (let i = 0; i < n; i++)
				this.log.push({ input: Array.from(flat.subarray(i * d, (i + 1) * d)), time: now });
		return answers;
	}

	/** Sliding one-second window over answered batches. */
	#checkRate(n: number, now: number): void {
		if (!this.rateLimit) return;
		const { perSecond } = this.rateLimit;
		if (n > perSecond) {
			throw new Error(
				`query: a batch of ${n} can never fit the rate limit of ${perSecond} per second; split it`
			);
		}
		this.#recent = this.#recent.filter((b) => b.time > now - WINDOW_MS);
		let used = 0;
		for (const b of this.#recent) used += b.count;
		const excess = used + n - perSecond;
		if (excess <= 0) return;
		// Wait until enough of the oldest batches have left the window.
		let freed = 0;
		for (const b of this.#recent) {
			freed += b.count;
			if (freed >= excess) throw new RateLimitedError(perSecond, b.time + WINDOW_MS - now);
		}
	}
}

/** sigmoid(z) computed without overflow for large |z|. */
export function sigmoid(z: number): number {
	if (z >= 0) return 1 / (1 + Math.exp(-z));
	const e = Math.exp(z);
	return e / (1 + e);
}

/**
 * A binary logistic regression as a victim: p = sigmoid(w.x + b), answered as [1 - p, p]. The
 * first entry is computed as sigmoid(-z) rather than 1 - p so that it keeps full relative
 * precision when p is close to 1. Its explanation is logisticGradient.
 */
export function logisticVictim(weights: Float64Array, bias: number): PredictFn {
	const d = weights.length;
	return (inputs, dims) => {
		if (dims !== d) {
			throw new Error(`logistic victim has ${d} weights but was given rows of ${dims} features`);
		}
		if (inputs.length % d !== 0) {
			throw new Error(`${inputs.length} values do not make rows of ${d}`);
		}
		const n = inputs.length / d;
		const out = new Float64Array(n * 2);
		for (let i = 0; i < n; i++) {
			let z = bias;
			for (let j = 0; j < d; j++) z += weights[j] * inputs[i * d + j];
			out[2 * i] = sigmoid(-z);
			out[2 * i + 1] = sigmoid(z);
		}
		return out;
	};
}

/**
 * The input gradient of the logistic regression's P(class 1): dp/dx = p (1 - p) w, with p (1 - p)
 * taken as sigmoid(z) sigmoid(-z) so that it keeps full relative precision when p is near 0 or 1.
 */
export function logisticGradient(weights: Float64Array, bias: number): GradientFn {
	const d = weights.length;
	return (inputs, dims) => {
		if (dims !== d) {
			throw new Error(`logistic victim has ${d} weights but was given rows of ${dims} features`);
		}
		const n = inputs.length / d;
		const out = new Float64Array(n * d);
		for (let i = 0; i < n; i++) {
			let z = bias;
			for (let j = 0; j < d; j++) z += weights[j] * inputs[i * d + j];
			const slope = sigmoid(z) * sigmoid(-z);
			for (let j = 0; j < d; j++) out[i * d + j] = slope * weights[j];
		}
		return out;
	};
}
