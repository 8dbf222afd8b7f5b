/**
 * Security against speed, measured: what each of the labs' defences costs on the running backend,
 * beside what it buys, both measured in one run on a small real sample. Every figure comes from
 * the labs' own core functions (the squeezers of defences.ts, CERTIFY of smoothing.ts, DP-SGD,
 * PRADA, kNN sanitization and loss filtering); nothing here is a second version of a defence.
 *
 * Costs are wall times of the operation each defence slows down, with and without it: one digit
 * classified (squeezers, smoothing), one training epoch (DP-SGD), one query answered (PRADA), one
 * retraining of the fraud detector (sanitizers). Protection is each defence's own measure against
 * the attack it targets, with its unit, and a `gain` that puts it on one axis honestly: the share
 * of the attack's measured effect the defence takes away (each entry's `gainMeaning` says exactly
 * what that share is of). The page, the `lab costs` command and the bench run this module.
 *
 * Every tensor is disposed before a call returns; a defence that fails is reported with its
 * error and the others still run (an AbortError stops the whole run).
 */
import * as tf from '@tensorflow/tfjs-core';
import { classificationMetrics } from '../base/metrics';
import { pct } from '../base/format';
import { digitBatch, MNIST_PIXELS, MNIST_SIDE, type DigitSet } from '../data/mnist';
import type { Classifier } from './classifier';
import { defended, DEFENCES, type DefenceId } from './adversarial/defences';
import { robustnessCurve } from './adversarial/robustness';
import { certify, CERTIFY_DEFAULTS } from './adversarial/smoothing';
import type { ModelId } from './models';
import type { SmoothedModelId } from './model-ids';
import { evenCheckpoints, fidelityCurve } from './extraction/learning';
import { PradaMonitor, pradaFalseAlarmRate } from './extraction/prada';
import { pradaOptions } from './extraction/run';
import { disposeSurrogate } from './extraction/surrogate';
import { trainFraudVictim, victimLabelsFor } from './extraction/victims';
import {
	DECISION_THRESHOLD,
	defend,
	fitAndScore,
	fraudPoisonData,
	type PoisonData
} from './poisoning/experiment';
import { flipLabels } from './poisoning/label-flips';
import {
	DATASET_INFO,
	mnistPrivacyData,
	runPrivacyExperiment,
	RUN_DEFAULTS,
	type RunConfig
} from './privacy/experiment';
import { pacedYield, throwIfAborted } from './yield';

export const DEFENCE_COST_IDS = [
	'bit-depth',
	'median',
	'smoothing',
	'dp-sgd',
	'prada',
	'knn',
	'loss-filter'
] as const;
export type DefenceCostId = (typeof DEFENCE_COST_IDS)[number];

/** The lab each defence lives in. */
export type DefenceLab = 'adversarial' | 'privacy' | 'extraction' | 'poisoning';

export interface CostPoint {
	/** the setting measured: 'on' for a defence with one, 'n = 1,000' for smoothing */
	setting: string;
	/** median (or mean, see `timing`) ms per operation with the defence */
	ms: number;
	/** the defence's own measure with it (null: PRADA never raised the alarm) */
	value: number | null;
	/** protection gained on the chart's axis: see DefenceCost.gainMeaning */
	gain: number;
}

export interface DefenceCost {
	id: DefenceCostId;
	name: string;
	lab: DefenceLab;
	/** what one timed operation is, e.g. 'prediction of one digit' */
	operation: string;
	/** how the times were summarised */
	timing: string;
	/** what runs without the defence, e.g. 'mnist-cnn alone' */
	baseline: string;
	/** ms per operation without the defence */
	baselineMs: number;
	/** the defence's own protection measure, in words with its unit */
	measure: string;
	/** how `value` is written: a share (shown as %), a query count, an advantage */
	unit: 'share' | 'queries' | 'advantage';
	/** the measure without the defence */
	without: number | null;
	points: CostPoint[];
	/** what `gain` is a share of, in one sentence */
	gainMeaning: string;
	/** other measured facts of the same run, in words */
	notes: string[];
}

export interface DefenceCostFailure {
	id: DefenceCostId;
	name: string;
	lab: DefenceLab;
	error: string;
}

export type DefenceCostResult = DefenceCost | DefenceCostFailure;

export function isFailure(r: DefenceCostResult): r is DefenceCostFailure {
	return 'error' in r;
}

export const DEFENCE_NAMES: Record<DefenceCostId, { name: string; lab: DefenceLab }> = {
	'bit-depth': { name: 'Input squeezing (1-bit depth)', lab: 'adversarial' },
	median: { name: 'Median filter (2x2)', lab: 'adversarial' },
	smoothing: { name: 'Randomized smoothing (sigma 0.5)', lab: 'adversarial' },
	'dp-sgd': { name: 'DP-SGD', lab: 'privacy' },
	prada: { name: 'PRADA query monitor', lab: 'extraction' },
	knn: { name: 'kNN label sanitization', lab: 'poisoning' },
	'loss-filter': { name: 'Loss-based filtering', lab: 'poisoning' }
};

/** What the shared models and data come from: the page's runtime, or files in Node. */
export interface CostInputs {
	/** a shipped classifier on the current backend; the caller owns (and disposes) it */
	classifier(id: ModelId | SmoothedModelId): Promise<Classifier>;
	/** the held-out digits */
	test(): Promise<DigitSet>;
	/** the training digits (DP-SGD's members) */
	train(): Promise<DigitSet>;
}

export interface CostOptions {
	/** held-out digits attacked to measure the squeezers */
	digits: number;
	/** FGSM's L-infinity budget against the squeezers */
	eps: number;
	/** single-digit predictions timed per model */
	latencyDigits: number;
	/** randomized smoothing: the noise counts n timed, and the digits certified at each */
	smoothingN: number[];
	smoothingDigits: number;
	/** the L2 radius certified accuracy is read at */
	radius: number;
	/** DP-SGD on the privacy lab's digit MLP */
	dpMembers: number;
	dpEpochs: number;
	dpSigma: number;
	/** PRADA: the Jacobian attacker's query budget against the fraud MLP, and benign clients */
	pradaBudget: number;
	pradaClients: number;
	/** the poisoning lab's transactions, and the flip rates each sanitizer is tested at */
	poisonTrain: number;
	poisonTest: number;
	randomRate: number;
	targetedRate: number;
	seed: number;
}

/**
 * The page's run: the poisoning lab's full data (20,000 transactions), the privacy lab's digit set
 * (1,000 members), the extraction lab's fraud MLP; small samples of digits, so that a run takes
 * about 10 s on WASM in Node and in the browser (2 cores).
 */
export const COST_DEFAULTS: CostOptions = {
	digits: 200,
	eps: 0.1,
	latencyDigits: 40,
	smoothingN: [100, 1000],
	smoothingDigits: 20,
	radius: 0.5,
	dpMembers: 1000,
	dpEpochs: 10,
	dpSigma: 1,
	pradaBudget: 500,
	pradaClients: 10,
	poisonTrain: 20000,
	poisonTest: 5000,
	randomRate: 0.2,
	targetedRate: 0.3,
	seed: 1
};

export interface CostHooks {
	signal?: AbortSignal;
	/** overall progress in [0, 1] and what is being measured */
	onProgress?: (fraction: number, status: string) => void;
	/** each defence as soon as it is measured (or failed) */
	onResult?: (result: DefenceCostResult) => void;
}

/** Checks the options; a bad one is named with what it must be. */
export function checkCostOptions(o: CostOptions): void {
	const whole = (name: keyof CostOptions, min: number, max = Infinity) => {
		const v = o[name] as number;
		if (!(Number.isInteger(v) && v >= min && v <= max))
			throw new RangeError(
				`defence costs: ${name} must be a whole number from ${min}${Number.isFinite(max) ? ` to ${max}` : ' up'}, got ${v}`
			);
	};
	whole('digits', 1, 2000);
	whole('latencyDigits', 1, 2000);
	whole('smoothingDigits', 1, 2000);
	whole('dpMembers', 50, 2000);
	whole('dpEpochs', 1, 200);
	whole('pradaBudget', 110, 20000);
	whole('pradaClients', 1, 100);
	whole('poisonTrain', 100, 20000);
	whole('poisonTest', 100, 20000);
	whole('seed', 0);
	if (!(o.eps > 0 && o.eps <= 0.5))
		throw new RangeError(`defence costs: eps must be above 0 and at most 0.5, got ${o.eps}`);
	if (!(o.radius >= 0 && Number.isFinite(o.radius)))
		throw new RangeError(`defence costs: radius must be a number >= 0, got ${o.radius}`);
	if (!(o.dpSigma > 0 && Number.isFinite(o.dpSigma)))
		throw new RangeError(`defence costs: dpSigma must be a number > 0, got ${o.dpSigma}`);
	if (!o.smoothingN.length || o.smoothingN.some((n) => !(Number.isInteger(n) && n >= 1)))
		throw new RangeError(
			`defence costs: smoothingN must list whole numbers >= 1, got [${o.smoothingN}]`
		);
	for (const name of ['randomRate', 'targetedRate'] as const)
		if (!(o[name] > 0 && o[name] <= 0.5))
			throw new RangeError(
				`defence costs: ${name} must be above 0 and at most 0.5, got ${o[name]}`
			);
}

const isAbortError = (err: unknown) => err instanceof Error && err.name === 'AbortError';

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** the share of the attack's effect (without -> reference) that the defence takes back */
const undone = (reference: number, without: number, withIt: number) =>
	reference - without > 0 ? (withIt - without) / (reference - without) : 0;

/**
 * Wall time of classifying one digit and reading its class back: what a single request waits for.
 */
async function predictOnce(classifier: Classifier, pixels: Float32Array): Promise<number> {
	const t0 = performance.now();
	const out = tf.tidy(() =>
		tf.argMax(classifier.logits(tf.tensor4d(pixels, [1, MNIST_SIDE, MNIST_SIDE, 1])), 1)
	);
	try {
		await out.data();
	} finally {
		out.dispose();
	}
	return performance.now() - t0;
}

/**
 * Median single-digit latency of each classifier, interleaved (the order rotates every digit) so
 * that background load falls on all alike; three warm-up predictions each first.
 */
async function latencies(
	classifiers: Classifier[],
	test: DigitSet,
	count: number,
	signal: AbortSignal | undefined
): Promise<number[]> {
	const pixels = digitBatch(test, 0, Math.min(count, test.count));
	const n = pixels.length / MNIST_PIXELS;
	const digit = (i: number) => pixels.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
	for (const c of classifiers) for (let i = 0; i < 3; i++) await predictOnce(c, digit(i % n));
	const times = classifiers.map((): number[] => []);
	const pace = pacedYield();
	for (let i = 0; i < n; i++) {
		throwIfAborted(signal);
		for (let k = 0; k < classifiers.length; k++) {
			const j = (k + i) % classifiers.length;
			times[j].push(await predictOnce(classifiers[j], digit(i)));
		}
		await pace.due();
	}
	return times.map(median);
}

type Report = (fraction: number, status: string) => void;

interface Context {
	inputs: CostInputs;
	o: CostOptions;
	signal?: AbortSignal;
	report: Report;
}

/** The squeezers of Xu et al. 2018 in front of mnist-cnn, against FGSM crafted on mnist-cnn. */
async function squeezers(ctx: Context): Promise<Record<'bit-depth' | 'median', DefenceCost>> {
	const { inputs, o, signal } = ctx;
	const [cnn, test] = await Promise.all([inputs.classifier('mnist-cnn'), inputs.test()]);
	const ids: { id: 'bit-depth' | 'median'; defence: DefenceId }[] = [
		{ id: 'bit-depth', defence: 'bit-depth-1' },
		{ id: 'median', defence: 'median-2' }
	];
	const wrapped = ids.map((d) => defended(cnn, d.defence));
	ctx.report(0.1, 'timing single-digit predictions with and without the squeezers');
	const [plainMs, ...defendedMs] = await latencies(
		[cnn, ...wrapped],
		test,
		o.latencyDigits,
		signal
	);
	const limit = Math.min(o.digits, test.count);
	const curve = (evaluateOn: Classifier) =>
		robustnessCurve(cnn, test, [0, o.eps], { attack: { kind: 'fgsm' }, evaluateOn, limit, signal });
	ctx.report(0.5, `FGSM at eps ${o.eps} on ${limit} digits, with and without the squeezers`);
	const [clean, attacked] = await curve(cnn);
	const out = {} as Record<'bit-depth' | 'median', DefenceCost>;
	for (const [k, d] of ids.entries()) {
		const [defendedClean, defendedAttacked] = await curve(wrapped[k]);
		out[d.id] = {
			id: d.id,
			...DEFENCE_NAMES[d.id],
			operation: 'prediction of one digit',
			timing: `median of ${Math.min(o.latencyDigits, test.count)} single-digit predictions, read back`,
			baseline: 'mnist-cnn alone',
			baselineMs: plainMs,
			measure: `accuracy under FGSM at eps ${o.eps} crafted on mnist-cnn (the attacker does not know of the squeezer), ${limit} held-out digits`,
			unit: 'share',
			without: attacked.accuracy,
			points: [
				{
					setting: DEFENCES[d.defence].label,
					ms: defendedMs[k],
					value: defendedAttacked.accuracy,
					gain: undone(clean.accuracy, attacked.accuracy, defendedAttacked.accuracy)
				}
			],
			gainMeaning: `share of the accuracy FGSM took (${pct(clean.accuracy)} clean to ${pct(attacked.accuracy)}) won back`,
			notes: [
				`clean accuracy ${pct(clean.accuracy)} without, ${pct(defendedClean.accuracy)} with the squeezer`
			]
		};
	}
	return out;
}

/**
 * Randomized smoothing (Cohen et al. 2019) with the CNN trained under noise of sigma 0.5: one
 * certified prediction per digit at each n, against one plain prediction of the same CNN.
 */
async function smoothing(ctx: Context): Promise<DefenceCost> {
	const { inputs, o, signal } = ctx;
	const sigma = 0.5;
	const [base, test] = await Promise.all([inputs.classifier('mnist-cnn-noise-050'), inputs.test()]);
	const [plainMs] = await latencies([base], test, o.latencyDigits, signal);
	const count = Math.min(o.smoothingDigits, test.count);
	const pixels = digitBatch(test, 0, count);
	// one warm-up certificate: the first batch of noisy copies compiles kernels
	await certify(base, pixels.subarray(0, MNIST_PIXELS), {
		...CERTIFY_DEFAULTS,
		n: Math.min(...o.smoothingN),
		sigma,
		signal
	});
	const points: CostPoint[] = [];
	const notes: string[] = [];
	for (const [k, n] of o.smoothingN.entries()) {
		const times: number[] = [];
		let certified = 0;
		let abstained = 0;
		const radii: number[] = [];
		for (let i = 0; i < count; i++) {
			ctx.report(
				(k + i / count) / o.smoothingN.length,
				`certifying digit ${i + 1} of ${count} at n = ${n.toLocaleString('en-US')}`
			);
			const t0 = performance.now();
			const c = await certify(base, pixels.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), {
				...CERTIFY_DEFAULTS,
				n,
				sigma,
				seed: 100003 + i,
				signal
			});
			times.push(performance.now() - t0);
			if (c.abstained) abstained++;
			const right = !c.abstained && c.prediction === test.labels[i];
			radii.push(right ? c.radius : 0);
			if (right && c.radius >= o.radius) certified++;
		}
		const share = certified / count;
		points.push({
			setting: `n = ${n.toLocaleString('en-US')}`,
			ms: median(times),
			value: share,
			gain: share
		});
		notes.push(
			`n = ${n.toLocaleString('en-US')}: mean certified radius ${mean(radii).toFixed(3)} (0 for a wrong or abstained answer), abstained on ${abstained} of ${count}`
		);
	}
	return {
		id: 'smoothing',
		...DEFENCE_NAMES.smoothing,
		operation: 'certified prediction of one digit',
		timing: `median of ${count} certificates per n (n0 ${CERTIFY_DEFAULTS.n0} + n noisy copies, alpha ${CERTIFY_DEFAULTS.alpha}); the plain prediction: median of ${Math.min(o.latencyDigits, test.count)}`,
		baseline: 'one plain prediction of the same noise-trained CNN',
		baselineMs: plainMs,
		measure: `share of ${count} held-out digits certified correct within L2 radius ${o.radius}`,
		unit: 'share',
		without: 0,
		points,
		gainMeaning: `share of digits no L2 change below ${o.radius} can move, guaranteed; a plain prediction guarantees none`,
		notes
	};
}

/** DP-SGD against plain SGD on the privacy lab's digit MLP: epoch time, and what leaks. */
async function dpSgd(ctx: Context): Promise<DefenceCost> {
	const { inputs, o, signal } = ctx;
	const [train, test] = await Promise.all([inputs.train(), inputs.test()]);
	const data = mnistPrivacyData(train, test, o.dpMembers, o.seed);
	const config = (sigma: number | null, epochs: number): RunConfig => ({
		...RUN_DEFAULTS,
		sigma,
		epochs,
		learningRate: DATASET_INFO.mnist.learningRate,
		seed: o.seed
	});
	// one epoch of each first: kernels compile, buffers grow
	for (const sigma of [null, o.dpSigma])
		await runPrivacyExperiment(data, config(sigma, 1), { signal });
	const run = (sigma: number | null, from: number) =>
		runPrivacyExperiment(data, config(sigma, o.dpEpochs), {
			signal,
			onProgress: (done, total) =>
				ctx.report(
					(from + done / total) / 2,
					`${sigma === null ? 'plain SGD' : `DP-SGD, sigma ${sigma}`}: step ${done} of ${total}`
				)
		});
	const plain = await run(null, 0);
	const dp = await run(o.dpSigma, 1);
	return {
		id: 'dp-sgd',
		...DEFENCE_NAMES['dp-sgd'],
		operation: 'training epoch',
		timing: `mean of ${o.dpEpochs} epochs each, compute only (${o.dpMembers.toLocaleString('en-US')} training digits, MLP [784, 64, 10], batch ${RUN_DEFAULTS.batchSize}; Poisson lots for DP-SGD)`,
		baseline: 'plain SGD, same model, data and batch size',
		baselineMs: plain.epochMs,
		measure: `membership-inference advantage (loss threshold, Yeom et al. 2018; max TPR - FPR) after ${o.dpEpochs} epochs`,
		unit: 'advantage',
		without: plain.miaAdvantage,
		points: [
			{
				setting: `sigma ${o.dpSigma}, C ${RUN_DEFAULTS.clip}`,
				ms: dp.epochMs,
				value: dp.miaAdvantage,
				gain:
					plain.miaAdvantage > 0 ? (plain.miaAdvantage - dp.miaAdvantage) / plain.miaAdvantage : 0
			}
		],
		gainMeaning: `share of the membership attack's advantage removed (${plain.miaAdvantage.toFixed(3)} without; chance alone reaches ${dp.miaChance.toFixed(3)} one time in twenty)`,
		notes: [
			`epsilon ${dp.epsilon.toFixed(2)} at delta ${RUN_DEFAULTS.delta.toExponential()} (the accountant; plain SGD has no guarantee)`,
			`held-out accuracy ${pct(plain.accuracy)} without, ${pct(dp.accuracy)} with DP-SGD`
		]
	};
}

/**
 * PRADA (Juuti et al. 2019) watching one client: the extraction lab's Jacobian attacker against
 * the fraud MLP, its queries answered one at a time with and without the monitor, and ordinary
 * clients' traffic for the false alarms.
 */
async function prada(ctx: Context): Promise<DefenceCost> {
	const { o, signal } = ctx;
	ctx.report(0, 'training the fraud MLP victim');
	const victim = await trainFraudVictim('fraud-mlp', { seed: o.seed, signal });
	ctx.report(0.2, `the Jacobian attacker sends ${o.pradaBudget} queries`);
	const attack = await fidelityCurve(victim, victim.api(), 'jacobian', {
		checkpoints: evenCheckpoints(o.pradaBudget, 1),
		seed: o.seed,
		signal
	});
	disposeSurrogate(attack.surrogate);
	const d = victim.dims;
	const queries = attack.answered.length;
	const options = pradaOptions(victim);
	const monitor = new PradaMonitor(d, options);
	// keepLog false: the plain service keeps nothing, so it pays only for the answer
	const service = victim.api({ keepLog: false });
	let plainMs = 0;
	let monitorMs = 0;
	const pace = pacedYield();
	for (let i = 0; i < queries; i++) {
		throwIfAborted(signal);
		const row = Array.from(attack.queried.subarray(i * d, (i + 1) * d));
		let t0 = performance.now();
		const [answer] = service.query([row]);
		plainMs += performance.now() - t0;
		t0 = performance.now();
		monitor.observe(row, answer.label);
		monitorMs += performance.now() - t0;
		if (i % 100 === 99) ctx.report(0.5 + (0.2 * i) / queries, `PRADA on query ${i + 1}`);
		await pace.due();
	}
	ctx.report(0.7, `${o.pradaClients} ordinary clients, ${queries} queries each`);
	const benign = await pradaFalseAlarmRate(
		d,
		victim.benign,
		(rows) => victimLabelsFor(victim, rows),
		{
			...options,
			clients: o.pradaClients,
			queries,
			seed: o.seed,
			signal
		}
	);
	const alarm = monitor.alarmAt;
	return {
		id: 'prada',
		...DEFENCE_NAMES.prada,
		operation: 'query answered',
		timing: `mean over one client's ${queries} queries, answered one at a time`,
		baseline: 'the fraud MLP answering, no monitor',
		baselineMs: plainMs / queries,
		measure: `queries until the alarm (delta ${options.delta}), Jacobian attacker against the fraud MLP`,
		unit: 'queries',
		without: null,
		points: [
			{
				setting: `delta ${options.delta}`,
				// the monitor runs beside the answer: a query costs both
				ms: (plainMs + monitorMs) / queries,
				value: alarm,
				gain: alarm === null ? 0 : (queries - alarm) / queries
			}
		],
		gainMeaning: `share of the attacker's ${queries} queries sent after the alarm (0 when it never fires)`,
		notes: [
			`ordinary clients flagged: ${benign.alarmed} of ${benign.clients} (${queries} queries each)`
		]
	};
}

/** One retraining of the poisoning lab's logistic regression on `labels`, timed. */
async function retrain(
	data: PoisonData,
	labels: Uint8Array,
	seed: number,
	signal: AbortSignal | undefined,
	defence: 'none' | 'knn' | 'loss'
): Promise<{ ms: number; accuracy: number; recall: number; touched: number }> {
	// a copy without the cached neighbours: each retraining pays for its own search
	const fresh: PoisonData = { ...data, neighbours: undefined, neighboursPending: undefined };
	const t0 = performance.now();
	const sets = await defend(fresh, defence, 'logreg', [labels], [seed], signal);
	const [[scores]] = await fitAndScore(fresh, {
		model: 'logreg',
		labelSets: sets.labelSets,
		rowWeights: sets.rowWeights,
		blocks: [data.test.features],
		seeds: [seed],
		signal
	});
	const ms = performance.now() - t0;
	const m = classificationMetrics(data.test.labels, scores, DECISION_THRESHOLD);
	return { ms, accuracy: m.accuracy, recall: m.recall, touched: sets.touched[0] };
}

/** The poisoning lab's two sanitizers, each against the flips it is meant for. */
async function sanitizers(ctx: Context): Promise<Record<'knn' | 'loss-filter', DefenceCost>> {
	const { o, signal } = ctx;
	const data = fraudPoisonData(o.poisonTrain, o.poisonTest);
	const n = data.train.count.toLocaleString('en-US');
	ctx.report(0, 'the clean detector');
	// a warm-up fit, then the clean one the attacks are measured against
	await retrain(data, data.train.labels, o.seed, signal, 'none');
	const clean = await retrain(data, data.train.labels, o.seed, signal, 'none');
	const flips = (rate: number, attack: 'random' | 'targeted') =>
		flipLabels(data.train.labels, rate, attack, { seed: o.seed, threshold: DECISION_THRESHOLD })
			.labels;
	const random = flips(o.randomRate, 'random');
	ctx.report(0.1, `random flips of ${pct(o.randomRate)}: retraining without a defence`);
	const randomPlain = await retrain(data, random, o.seed, signal, 'none');
	ctx.report(0.2, `random flips of ${pct(o.randomRate)}: retraining with kNN sanitization`);
	const knn = await retrain(data, random, o.seed, signal, 'knn');
	const targeted = flips(o.targetedRate, 'targeted');
	ctx.report(0.8, `targeted flips of ${pct(o.targetedRate)} of the fraud: retraining`);
	const targetedPlain = await retrain(data, targeted, o.seed, signal, 'none');
	ctx.report(0.9, `targeted flips of ${pct(o.targetedRate)}: retraining with loss filtering`);
	const loss = await retrain(data, targeted, o.seed, signal, 'loss');
	const common = {
		operation: 'retraining of the fraud detector',
		timing: `one retraining each (logistic regression, ${n} transactions, scored on ${data.test.count.toLocaleString('en-US')})`,
		baseline: 'retraining on the same labels without a defence',
		unit: 'share' as const
	};
	return {
		knn: {
			id: 'knn',
			...DEFENCE_NAMES.knn,
			...common,
			baselineMs: randomPlain.ms,
			measure: `held-out accuracy after random flips of ${pct(o.randomRate)} of the labels`,
			without: randomPlain.accuracy,
			points: [
				{
					setting: 'k 10, eta 0.5',
					ms: knn.ms,
					value: knn.accuracy,
					gain: undone(clean.accuracy, randomPlain.accuracy, knn.accuracy)
				}
			],
			gainMeaning: `share of the accuracy the flips took (${pct(clean.accuracy)} clean to ${pct(randomPlain.accuracy)}) won back`,
			notes: [
				`${knn.touched.toLocaleString('en-US')} labels changed`,
				`fraud recall ${pct(clean.recall)} clean, ${pct(knn.recall)} after sanitizing`
			]
		},
		'loss-filter': {
			id: 'loss-filter',
			...DEFENCE_NAMES['loss-filter'],
			...common,
			baselineMs: targetedPlain.ms,
			measure: `fraud recall after targeted flips of ${pct(o.targetedRate)} of the fraud labels`,
			without: targetedPlain.recall,
			points: [
				{
					setting: 'drop 5 % per class',
					ms: loss.ms,
					value: loss.recall,
					gain: undone(clean.recall, targetedPlain.recall, loss.recall)
				}
			],
			gainMeaning: `share of the fraud recall the flips took (${pct(clean.recall)} clean to ${pct(targetedPlain.recall)}) won back; above 1, recall ends higher than the clean detector's`,
			notes: [
				`${loss.touched.toLocaleString('en-US')} rows dropped`,
				`held-out accuracy ${pct(clean.accuracy)} clean, ${pct(targetedPlain.accuracy)} poisoned, ${pct(loss.accuracy)} filtered`
			]
		}
	};
}

/** The measuring steps in run order, each with its share of a run's time (for the progress bar). */
const STEPS: {
	ids: DefenceCostId[];
	weight: number;
	run: (ctx: Context) => Promise<DefenceCost[]>;
}[] = [
	{ ids: ['bit-depth', 'median'], weight: 1, run: async (c) => Object.values(await squeezers(c)) },
	{ ids: ['smoothing'], weight: 3, run: async (c) => [await smoothing(c)] },
	{ ids: ['dp-sgd'], weight: 3, run: async (c) => [await dpSgd(c)] },
	{ ids: ['prada'], weight: 1, run: async (c) => [await prada(c)] },
	{ ids: ['knn', 'loss-filter'], weight: 2, run: async (c) => Object.values(await sanitizers(c)) }
];

/**
 * Measures every defence's cost and protection on the current backend, in the order of
 * DEFENCE_COST_IDS. A defence whose measurement throws is returned as a DefenceCostFailure with
 * the message; an abort stops the run with an AbortError.
 */
export async function measureDefenceCosts(
	inputs: CostInputs,
	options: Partial<CostOptions> = {},
	hooks: CostHooks = {}
): Promise<DefenceCostResult[]> {
	const o = { ...COST_DEFAULTS, ...options };
	checkCostOptions(o);
	const total = STEPS.reduce((s, step) => s + step.weight, 0);
	const results: DefenceCostResult[] = [];
	let before = 0;
	for (const step of STEPS) {
		throwIfAborted(hooks.signal);
		const report: Report = (f, status) =>
			hooks.onProgress?.((before + step.weight * Math.min(1, f)) / total, status);
		let measured: DefenceCostResult[];
		try {
			measured = await step.run({ inputs, o, signal: hooks.signal, report });
		} catch (err) {
			if (isAbortError(err)) throw err;
			const message = err instanceof Error ? err.message : String(err);
			measured = step.ids.map((id) => ({ id, ...DEFENCE_NAMES[id], error: message }));
		}
		for (const r of measured) {
			results.push(r);
			hooks.onResult?.(r);
		}
		before += step.weight;
	}
	hooks.onProgress?.(1, 'done');
	return results;
}
