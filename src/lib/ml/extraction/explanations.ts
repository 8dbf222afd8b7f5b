/**
 * Transparency against security: what a prediction API's explanations give away, and what they
 * show an auditor. An API with explanations on answers each query with the gradient of the
 * victim's P(class 1) with respect to the input, the saliency map of an explanation service
 * (victim-api.ts). Milli, Schmidt, Dragan, Hardt 2019, "Model Reconstruction from Model
 * Explanations" (FAT* 2019, arXiv:1807.05185) show that such gradients reveal the model itself,
 * with far fewer queries than the predictions alone. Three uses of the same explanations:
 *
 * - the logistic regression falls to one query (explanationAttack), where equation solving
 *   (Tramer et al. 2016) needs d + 1;
 * - a learning attack on the MLP fits the gradients beside the answers (the surrogate's
 *   gradient-matching loss, surrogate.ts), measured against the same attack without them at the
 *   same query counts (compareGradientLearning);
 * - an auditor reads which features the fraud model relies on (auditExplanations).
 */
import { createRng, type Rng } from '../../base/rng';
import { agreement, maxParamError, type LogisticParams } from './equation-solving';
import { fidelityCurve, type FidelityPoint, type Strategy } from './learning';
import { attackProblem, equationBox, runEquation, type EquationOutcome } from './run';
import { disposeSurrogate, GRADIENT_WEIGHT } from './surrogate';
import {
	logisticVictim,
	type OutputMode,
	type PredictionApi,
	type PredictionApiOptions
} from './victim-api';
import type { Victim, VictimId } from './victims';

/** The victims whose API can explain (binary models with an exact input gradient). */
export const EXPLAINABLE_VICTIMS: readonly VictimId[] = ['fraud-logreg', 'fraud-mlp'];

/** Why an API in front of this victim cannot explain its answers, or null when it can. */
export function explanationsProblem(victimId: VictimId): string | null {
	return EXPLAINABLE_VICTIMS.includes(victimId)
		? null
		: `explanations are the gradient of P(class 1) of a binary victim; ${victimId} has none here (use fraud-logreg or fraud-mlp)`;
}

/** Why the one-query attack cannot run against this victim and output, or null when it can. */
export function explanationAttackProblem(victimId: VictimId, mode: OutputMode): string | null {
	if (victimId !== 'fraud-logreg')
		return `the one-query attack recovers a logistic regression; ${victimId} is not one (use fraud-logreg)`;
	if (mode.kind === 'label')
		return 'the one-query attack needs the probability beside the gradient, and this API answers with labels only (use probs or round:K)';
	return null;
}

export interface ExplanationAttackOptions {
	rng: Rng;
	/** The box queries are drawn from, per feature. */
	low: ArrayLike<number>;
	high: ArrayLike<number>;
	/** Queries to try before giving up on saturated answers. Default 5. */
	maxQueries?: number;
}

export interface ExplanationAttackResult extends LogisticParams {
	/** Queries spent: 1 unless answers came back saturated. */
	queries: number;
	/** The query whose answer gave the parameters. */
	point: number[];
}

/**
 * A logistic regression from one explained answer, the simplest case of Milli, Schmidt, Dragan,
 * Hardt 2019's point that gradient explanations reveal the model. The API answers p = sigmoid(w.x + b) and its
 * gradient g = dp/dx = p (1 - p) w in the raw units sent, so
 *   w = g / (p (1 - p)),   b = logit(p) - w.x = log(p1) - log(p0) - w.x.
 * p (1 - p) is taken as p0 * p1 from the two answered probabilities, each exact near its own 0.
 *
 * Saturation: when an answer's p0 or p1 is 0 (an underflow, or a probability rounded to 0 or 1),
 * p (1 - p) = 0 and the gradient, 0 or not, says nothing of the weights' size. The attack then
 * draws another point and asks again, each try costing a query, up to maxQueries; after that it
 * throws, saying so. Label-only answers carry no p and are refused before anything is spent.
 */
export function explanationAttack(
	api: PredictionApi,
	dims: number,
	{ rng, low, high, maxQueries = 5 }: ExplanationAttackOptions
): ExplanationAttackResult {
	if (!api.explanations)
		throw new Error(
			'explanation attack: this API does not explain its answers; turn explanations on'
		);
	if (api.outputMode.kind === 'label')
		throw new Error(
			'explanation attack: the gradient alone gives the direction of w, not its size; it needs ' +
				'the probability beside it, and this API answers with labels only (use probs or round:K)'
		);
	if (low.length !== dims || high.length !== dims)
		throw new Error(
			`explanation attack: the query box has ${low.length} and ${high.length} bounds for ${dims} features`
		);
	if (!(Number.isInteger(maxQueries) && maxQueries >= 1))
		throw new Error(
			`explanation attack: maxQueries must be a whole number >= 1, got ${maxQueries}`
		);
	const before = api.queries;
	for (let attempt = 0; attempt < maxQueries; attempt++) {
		const x = Array.from({ length: dims }, (_, j) => low[j] + (high[j] - low[j]) * rng());
		const [answer] = api.query([x]);
		const { probs, gradient } = answer;
		if (!probs || probs.length !== 2)
			throw new Error(
				`explanation attack targets a binary logistic regression; the API answered ${probs?.length ?? 0} probabilities`
			);
		if (!gradient || gradient.length !== dims)
			throw new Error(
				`explanation attack: the answer carries ${gradient?.length ?? 0} gradient values for ${dims} features`
			);
		const [p0, p1] = probs;
		if (!(p0 > 0 && p1 > 0)) continue; // saturated: ask elsewhere
		const slope = p0 * p1;
		const weights = Float64Array.from(gradient, (g) => g / slope);
		let wx = 0;
		for (let j = 0; j < dims; j++) wx += weights[j] * x[j];
		return {
			weights,
			bias: Math.log(p1) - Math.log(p0) - wx,
			queries: api.queries - before,
			point: x
		};
	}
	const mode = api.outputMode;
	throw new Error(
		`explanation attack: all ${maxQueries} answers were saturated (p = 0 or 1${
			mode.kind === 'round' ? ` after rounding to ${mode.decimals} decimals` : ''
		}), where p (1 - p) = 0 hides the size of w; query nearer the decision boundary${
			mode.kind === 'round' ? ' or keep more decimals' : ''
		}`
	);
}

/** |t - r| / |t|: 0 when they are equal, Infinity when only the truth is 0. */
const relative = (t: number, r: number) => (t === r ? 0 : Math.abs(t - r) / Math.abs(t));

/** Largest |true - recovered| / |true| over the weights and the bias. */
export function maxRelativeError(truth: LogisticParams, recovered: LogisticParams): number {
	let worst = relative(truth.bias, recovered.bias);
	for (let j = 0; j < truth.weights.length; j++)
		worst = Math.max(worst, relative(truth.weights[j], recovered.weights[j]));
	return worst;
}

export interface ExplanationOutcome {
	recovered: LogisticParams;
	truth: LogisticParams;
	queries: number;
	maxParamError: number;
	maxRelativeError: number;
	/** agreement of the recovered model with the victim on the held-out transactions */
	agreement: number;
}

/**
 * The one-query attack against a fraud logistic regression, its query drawn from the same box as
 * equation solving's (run.ts equationBox), scored like equation solving.
 */
export function runExplanationAttack(
	victim: Victim,
	api: PredictionApi,
	seed: number
): ExplanationOutcome {
	const problem = explanationAttackProblem(victim.id, api.outputMode);
	if (problem) throw new Error(problem);
	const truth = victim.truth;
	if (!truth) throw new Error(`runExplanationAttack: ${victim.id} carries no true weights`);
	const stolen = explanationAttack(api, victim.dims, {
		rng: createRng(seed),
		...equationBox(victim, seed)
	});
	const recovered = { weights: stolen.weights, bias: stolen.bias };
	const copy = logisticVictim(recovered.weights, recovered.bias);
	return {
		recovered,
		truth,
		queries: stolen.queries,
		maxParamError: maxParamError(truth, recovered),
		maxRelativeError: maxRelativeError(truth, recovered),
		agreement: agreement(victim.predict, copy, victim.heldOut.inputs, victim.dims)
	};
}

export interface RecoveryComparison {
	explanations: ExplanationOutcome;
	/** equation solving against the same API without explanations, or null when it cannot run */
	equation: EquationOutcome | null;
	/** why equation solving could not run (a budget below d + 1), or null */
	equationProblem: string | null;
}

/**
 * Queries needed to recover the fraud logistic regression with explanations (one) and without
 * them (equation solving, d + 1), each on its own API with the given settings.
 */
export function compareRecovery(
	victim: Victim,
	apiOptions: PredictionApiOptions,
	seed: number
): RecoveryComparison {
	const explanations = runExplanationAttack(
		victim,
		victim.api({ ...apiOptions, explanations: true }),
		seed
	);
	const equationProblem = attackProblem(
		'equation',
		victim.id,
		apiOptions.outputMode ?? { kind: 'probs' },
		apiOptions.budget
	);
	return {
		explanations,
		equation: equationProblem
			? null
			: runEquation(victim, victim.api({ ...apiOptions, explanations: false }), seed),
		equationProblem
	};
}

/**
 * Adam steps at each checkpoint of the with/without comparison, for both: the smallest query
 * counts (10, 20) would otherwise train for a handful of steps, and the comparison would measure
 * training time rather than what the answers teach.
 */
export const COMPARISON_MIN_STEPS = 300;

/** 10, 20, 50, 100, 200, 500, ... below the budget, then the budget itself. */
export function comparisonCheckpoints(budget: number): number[] {
	const out: number[] = [];
	for (let decade = 10; decade < budget; decade *= 10)
		for (const m of [1, 2, 5]) if (m * decade < budget) out.push(m * decade);
	out.push(budget);
	return out;
}

export interface GradientComparison {
	strategy: Strategy;
	gradientWeight: number;
	checkpoints: number[];
	/** the copy that fits answers and explained gradients */
	with: FidelityPoint[];
	/** the same attack on the same kind of API without explanations */
	without: FidelityPoint[];
}

export interface GradientComparisonOptions {
	checkpoints: number[];
	seed: number;
	/** lambda; default GRADIENT_WEIGHT */
	gradientWeight?: number;
	/** default COMPARISON_MIN_STEPS */
	minSteps?: number;
	signal?: AbortSignal;
	/** queries sent so far over both runs, of twice the last checkpoint */
	onProgress?: (done: number, total: number) => void;
	onPoint?: (run: 'with' | 'without', point: FidelityPoint) => void;
}

/**
 * The learning attack `strategy` twice at the same checkpoints and seed: against an API that
 * explains (the copy also fits the gradients, Milli et al. 2019) and against the same API without
 * explanations. Each run has its own API, with `apiOptions` (budget, output mode, ...).
 */
export async function compareGradientLearning(
	victim: Victim,
	apiOptions: PredictionApiOptions,
	strategy: Strategy,
	options: GradientComparisonOptions
): Promise<GradientComparison> {
	const problem = explanationsProblem(victim.id);
	if (problem) throw new Error(problem);
	const { checkpoints, seed, signal } = options;
	const gradientWeight = options.gradientWeight ?? GRADIENT_WEIGHT;
	const total = checkpoints[checkpoints.length - 1];
	const runs: Record<'with' | 'without', FidelityPoint[]> = { with: [], without: [] };
	let offset = 0;
	for (const run of ['with', 'without'] as const) {
		const api = victim.api({ ...apiOptions, explanations: run === 'with' });
		const result = await fidelityCurve(victim, api, strategy, {
			checkpoints,
			seed,
			gradientWeight,
			minSteps: options.minSteps ?? COMPARISON_MIN_STEPS,
			signal,
			onProgress: (sent) => options.onProgress?.(offset + sent, 2 * total),
			onPoint: (point) => options.onPoint?.(run, point)
		});
		disposeSurrogate(result.surrogate);
		runs[run] = result.points;
		offset += total;
	}
	return { strategy, gradientWeight, checkpoints: [...checkpoints], ...runs };
}

/** The first checkpoint whose agreement is at least `level`, or null if none is. */
export function queriesToReach(points: readonly FidelityPoint[], level: number): number | null {
	return points.find((p) => p.agreement >= level)?.queries ?? null;
}

export interface Saving {
	/** an agreement level */
	level: number;
	/** queries each run needed to reach it (null: not within its checkpoints) */
	with: number | null;
	without: number | null;
}

/**
 * The saving at the agreement the copy without gradients ends at (the most the plain attack
 * achieved for the whole budget): where each run first reached it.
 */
export function headlineSaving(c: GradientComparison): Saving {
	const level = c.without[c.without.length - 1]?.agreement ?? 1;
	return {
		level,
		with: queriesToReach(c.with, level),
		without: queriesToReach(c.without, level)
	};
}

/** Ordinary transactions the auditor has explained (the page's and the CLI's audit). */
export const AUDIT_SAMPLE = 200;

export interface FeatureReliance {
	index: number;
	feature: string;
	/**
	 * mean over the sample of |dp/dx_j| * s_j, s_j the sample's standard deviation of feature j:
	 * how far P(fraud) moves when the feature moves by its typical spread. The ranking.
	 */
	sensitivity: number;
	/** the same with the sign kept: > 0 when a larger value raises P(fraud) on average */
	direction: number;
	/** mean |dp/dx_j * x_j|, gradient times input (attribution against the all-zero input) */
	gradientTimesInput: number;
}

export interface ExplanationAudit {
	/** most relied-on feature first */
	features: FeatureReliance[];
	/** transactions whose explanations were read */
	sample: number;
	queries: number;
}

/**
 * The auditor's side of the same explanations: send a sample of ordinary transactions and read
 * which features the model's answers hinge on. Ranked by sensitivity per typical spread rather
 * than by gradient times input: the latter attributes against x = 0, which gives a yes/no feature
 * at 0 (card not present) or the hour 0 no weight however much the model depends on it.
 */
export function auditExplanations(
	api: PredictionApi,
	rows: Float64Array,
	names: readonly string[]
): ExplanationAudit {
	const d = api.dims;
	if (!api.explanations)
		throw new Error('audit: this API does not explain its answers; turn explanations on');
	if (names.length !== d) throw new Error(`audit: ${names.length} feature names for ${d} features`);
	const n = rows.length / d;
	if (!(Number.isInteger(n) && n >= 2))
		throw new Error(
			`audit: needs at least 2 transactions of ${d} features, got ${rows.length} values`
		);
	const before = api.queries;
	const gradients = new Float64Array(n * d);
	for (let start = 0; start < n; start += 100) {
		const end = Math.min(n, start + 100);
		api.queryRows(rows.subarray(start * d, end * d)).forEach((a, i) => {
			if (!a.gradient) throw new Error(`audit: answer ${start + i} carries no gradient`);
			gradients.set(a.gradient, (start + i) * d);
		});
	}
	const features: FeatureReliance[] = names.map((feature, j) => {
		let mean = 0;
		for (let i = 0; i < n; i++) mean += rows[i * d + j] / n;
		let variance = 0;
		for (let i = 0; i < n; i++) variance += (rows[i * d + j] - mean) ** 2 / (n - 1);
		const spread = Math.sqrt(variance);
		let sensitivity = 0;
		let direction = 0;
		let gradientTimesInput = 0;
		for (let i = 0; i < n; i++) {
			const g = gradients[i * d + j];
			sensitivity += (Math.abs(g) * spread) / n;
			direction += (g * spread) / n;
			gradientTimesInput += Math.abs(g * rows[i * d + j]) / n;
		}
		return { index: j, feature, sensitivity, direction, gradientTimesInput };
	});
	features.sort((a, b) => b.sensitivity - a.sensitivity || a.index - b.index);
	return { features, sample: n, queries: api.queries - before };
}
