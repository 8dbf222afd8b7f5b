/**
 * The lesson's trade-offs as small measurements, from the labs' own core functions: privacy
 * against utility (DP-SGD on the privacy lab's digit MLP at a few noise levels), robustness
 * against accuracy (clean and PGD accuracy of the shipped CNNs on a sample of held-out digits) and
 * transparency against security (the extraction lab's explanations, on its fraud victims).
 * Security against speed is defence-costs.ts. Every tensor is disposed before a call returns.
 */
import type { ModelId } from './models';
import type { SmoothedModelId } from './model-ids';
import { robustnessCurve } from './adversarial/robustness';
import {
	DATASET_INFO,
	epsilonOf,
	mnistPrivacyData,
	runPrivacyExperiment,
	RUN_DEFAULTS,
	type RunConfig
} from './privacy/experiment';
import type { CostInputs } from './defence-costs';
import { throwIfAborted } from './yield';
import { FRAUD_FEATURES } from '../data/fraud';
import { trainFraudVictim } from './extraction/victims';
import type { FidelityPoint } from './extraction/learning';
import {
	AUDIT_SAMPLE,
	auditExplanations,
	comparisonCheckpoints,
	compareGradientLearning,
	compareRecovery,
	headlineSaving,
	type Saving
} from './extraction/explanations';

export interface MeasureHooks {
	signal?: AbortSignal;
	onProgress?: (fraction: number, status: string) => void;
}

export interface PrivacyOptions {
	/** noise multipliers to train at; null is the non-private baseline (plain SGD) */
	sigmas: (number | null)[];
	members: number;
	epochs: number;
	seed: number;
}

/** Three noise levels and the baseline, 10 epochs: about 4 s on WASM. */
export const PRIVACY_DEFAULTS: PrivacyOptions = {
	sigmas: [null, 1, 2, 4],
	members: 1000,
	epochs: 10,
	seed: 1
};

/** The privacy lab's settings (batch 50, C 1, delta 1e-5) with this sigma and epochs. */
function privacyConfig(sigma: number | null, o: PrivacyOptions): RunConfig {
	return {
		...RUN_DEFAULTS,
		sigma,
		epochs: o.epochs,
		learningRate: DATASET_INFO.mnist.learningRate,
		seed: o.seed
	};
}

/** The accountant's epsilon for each sigma at these settings: arithmetic, nothing trained. */
export function privacyBudgets(o: PrivacyOptions): { sigma: number | null; epsilon: number }[] {
	return o.sigmas.map((sigma) => ({
		sigma,
		epsilon: epsilonOf(o.members, privacyConfig(sigma, o)).epsilon
	}));
}

export interface PrivacyPoint {
	sigma: number | null;
	/** Infinity for the baseline */
	epsilon: number;
	/** held-out accuracy */
	accuracy: number;
	/** the loss-threshold membership attack's advantage (max TPR - FPR) */
	miaAdvantage: number;
	/** the advantage chance alone reaches one time in twenty */
	miaChance: number;
}

export function checkPrivacyOptions(o: PrivacyOptions): void {
	if (!o.sigmas.length) throw new RangeError('privacy trade-off: give at least one sigma');
	for (const s of o.sigmas)
		if (s !== null && !(s >= 0 && Number.isFinite(s)))
			throw new RangeError(`privacy trade-off: every sigma must be a number >= 0, got ${s}`);
	if (!(Number.isInteger(o.members) && o.members >= 50 && o.members <= 2000))
		throw new RangeError(
			`privacy trade-off: members must be a whole number from 50 to 2000, got ${o.members}`
		);
	if (!(Number.isInteger(o.epochs) && o.epochs >= 1 && o.epochs <= 200))
		throw new RangeError(
			`privacy trade-off: epochs must be a whole number from 1 to 200, got ${o.epochs}`
		);
}

/**
 * Trains the privacy lab's digit MLP once per sigma (DP-SGD, or plain SGD for null) on the same
 * members, and measures held-out accuracy and the membership attack on each.
 */
export async function measurePrivacyUtility(
	inputs: Pick<CostInputs, 'train' | 'test'>,
	options: Partial<PrivacyOptions> = {},
	hooks: MeasureHooks & { onPoint?: (point: PrivacyPoint) => void } = {}
): Promise<PrivacyPoint[]> {
	const o = { ...PRIVACY_DEFAULTS, ...options };
	checkPrivacyOptions(o);
	const [train, test] = await Promise.all([inputs.train(), inputs.test()]);
	const data = mnistPrivacyData(train, test, o.members, o.seed);
	const points: PrivacyPoint[] = [];
	for (const [k, sigma] of o.sigmas.entries()) {
		throwIfAborted(hooks.signal);
		const name = sigma === null ? 'no privacy (plain SGD)' : `sigma ${sigma}`;
		const r = await runPrivacyExperiment(data, privacyConfig(sigma, o), {
			signal: hooks.signal,
			onProgress: (done, total) =>
				hooks.onProgress?.(
					(k + done / total) / o.sigmas.length,
					`${name}: step ${done} of ${total}`
				)
		});
		const point = {
			sigma,
			epsilon: r.epsilon,
			accuracy: r.accuracy,
			miaAdvantage: r.miaAdvantage,
			miaChance: r.miaChance
		};
		points.push(point);
		hooks.onPoint?.(point);
	}
	hooks.onProgress?.(1, 'done');
	return points;
}

export interface RobustnessOptions {
	models: (ModelId | SmoothedModelId)[];
	/** held-out digits, from the first */
	digits: number;
	/** PGD's L-infinity budget, steps and seed (random start; step 2.5 eps / steps, as in the lab) */
	eps: number;
	steps: number;
	seed: number;
}

/** The plain and the adversarially trained CNN, and the three noise-trained ones of smoothing. */
export const ROBUSTNESS_DEFAULTS: RobustnessOptions = {
	models: [
		'mnist-cnn',
		'mnist-cnn-adv',
		'mnist-cnn-noise-025',
		'mnist-cnn-noise-050',
		'mnist-cnn-noise-100'
	],
	digits: 200,
	eps: 0.1,
	steps: 10,
	seed: 1
};

export interface RobustnessRow {
	model: ModelId | SmoothedModelId;
	/** accuracy on the clean digits */
	clean: number;
	/** accuracy under PGD crafted on this model (white box) */
	attacked: number;
	digits: number;
}

export function checkRobustnessOptions(o: RobustnessOptions): void {
	if (!o.models.length) throw new RangeError('robustness trade-off: give at least one model');
	if (!(Number.isInteger(o.digits) && o.digits >= 1 && o.digits <= 2000))
		throw new RangeError(
			`robustness trade-off: digits must be a whole number from 1 to 2000, got ${o.digits}`
		);
	if (!(o.eps > 0 && o.eps <= 0.5))
		throw new RangeError(`robustness trade-off: eps must be above 0 and at most 0.5, got ${o.eps}`);
	if (!(Number.isInteger(o.steps) && o.steps >= 1 && o.steps <= 100))
		throw new RangeError(
			`robustness trade-off: steps must be a whole number from 1 to 100, got ${o.steps}`
		);
}

/**
 * Clean accuracy and accuracy under white-box PGD (Madry et al. 2018: random start, `steps` steps)
 * for each model, on the same held-out digits.
 */
export async function measureRobustnessAccuracy(
	inputs: Pick<CostInputs, 'classifier' | 'test'>,
	options: Partial<RobustnessOptions> = {},
	hooks: MeasureHooks & { onRow?: (row: RobustnessRow) => void } = {}
): Promise<RobustnessRow[]> {
	const o = { ...ROBUSTNESS_DEFAULTS, ...options };
	checkRobustnessOptions(o);
	const test = await inputs.test();
	const limit = Math.min(o.digits, test.count);
	const rows: RobustnessRow[] = [];
	for (const [k, model] of o.models.entries()) {
		throwIfAborted(hooks.signal);
		const classifier = await inputs.classifier(model);
		const [clean, attacked] = await robustnessCurve(classifier, test, [0, o.eps], {
			attack: { kind: 'pgd', steps: o.steps, randomStart: true, seed: o.seed },
			limit,
			signal: hooks.signal,
			onProgress: (done, total) =>
				hooks.onProgress?.((k + done / total) / o.models.length, `${model}: PGD on ${limit} digits`)
		});
		const row = { model, clean: clean.accuracy, attacked: attacked.accuracy, digits: limit };
		rows.push(row);
		hooks.onRow?.(row);
	}
	hooks.onProgress?.(1, 'done');
	return rows;
}

export interface TransparencyOptions {
	/** seeds the victims' training, the queries and the copies */
	seed: number;
	/** the MLP comparison's largest query count (checkpoints 10, 20, 50, ... up to it) */
	budget: number;
}

/** The extraction lab's seed 1, with the MLP comparison up to 2,000 queries (about 10 s on WASM). */
export const TRANSPARENCY_DEFAULTS: TransparencyOptions = { seed: 1, budget: 2000 };

export interface TransparencyResult {
	/** the fraud logistic regression: one explained query against equation solving */
	logreg: {
		explainedQueries: number;
		explainedMaxParamError: number;
		/** d + 1 for equation solving on the same API without explanations */
		equationQueries: number;
		equationMaxParamError: number;
	};
	/** the fraud MLP: a learning attack with and without fitting the explained gradients */
	mlp: { with: FidelityPoint[]; without: FidelityPoint[]; saving: Saving };
	/** the auditor's ranking on the logistic regression: the three most relied-on features */
	audit: { feature: string; direction: number }[];
}

export function checkTransparencyOptions(o: TransparencyOptions): void {
	if (!(Number.isInteger(o.seed) && o.seed >= 0))
		throw new RangeError(`transparency trade-off: seed must be a whole number >= 0, got ${o.seed}`);
	if (!(Number.isInteger(o.budget) && o.budget >= 20 && o.budget <= 5000))
		throw new RangeError(
			`transparency trade-off: budget must be a whole number from 20 to 5000, got ${o.budget}`
		);
}

/**
 * Transparency against security on the extraction lab's fraud victims (Milli, Schmidt, Dragan,
 * Hardt 2019, "Model Reconstruction from Model Explanations"): the queries one explained answer
 * saves against equation solving (Tramer et al. 2016) on the logistic regression, the agreement
 * a copy of the MLP reaches with and without the explained gradients, and what the same
 * explanations tell an auditor. Full-probability answers; float64 victims, no tensors kept.
 */
export async function measureTransparencySecurity(
	options: Partial<TransparencyOptions> = {},
	hooks: MeasureHooks & { onPart?: (part: Partial<TransparencyResult>) => void } = {}
): Promise<TransparencyResult> {
	const o = { ...TRANSPARENCY_DEFAULTS, ...options };
	checkTransparencyOptions(o);
	const progress = (from: number, to: number, status: string) => (done: number, total: number) =>
		hooks.onProgress?.(from + ((to - from) * done) / Math.max(1, total), status);
	const logregVictim = await trainFraudVictim('fraud-logreg', {
		seed: o.seed,
		signal: hooks.signal,
		onProgress: progress(0, 0.1, 'training the fraud logistic regression')
	});
	throwIfAborted(hooks.signal);
	const recovery = compareRecovery(logregVictim, {}, o.seed);
	if (!recovery.equation)
		throw new Error(
			`transparency trade-off: equation solving could not run: ${recovery.equationProblem}`
		);
	const logreg = {
		explainedQueries: recovery.explanations.queries,
		explainedMaxParamError: recovery.explanations.maxParamError,
		equationQueries: recovery.equation.queries,
		equationMaxParamError: recovery.equation.maxParamError
	};
	const ranked = auditExplanations(
		logregVictim.api({ explanations: true }),
		logregVictim.benign(AUDIT_SAMPLE, o.seed),
		FRAUD_FEATURES.map((f) => f.label)
	).features;
	const audit = ranked.slice(0, 3).map((f) => ({ feature: f.feature, direction: f.direction }));
	hooks.onPart?.({ logreg, audit });
	const mlpVictim = await trainFraudVictim('fraud-mlp', {
		seed: o.seed,
		signal: hooks.signal,
		onProgress: progress(0.1, 0.3, 'training the fraud MLP')
	});
	throwIfAborted(hooks.signal);
	const comparison = await compareGradientLearning(mlpVictim, {}, 'natural', {
		checkpoints: comparisonCheckpoints(o.budget),
		seed: o.seed,
		signal: hooks.signal,
		onProgress: progress(0.3, 1, 'copying the MLP with and without gradients')
	});
	const mlp = {
		with: comparison.with,
		without: comparison.without,
		saving: headlineSaving(comparison)
	};
	hooks.onPart?.({ mlp });
	hooks.onProgress?.(1, 'done');
	return { logreg, mlp, audit };
}
