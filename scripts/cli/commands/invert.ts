import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadMnist, MNIST_PIXELS, MNIST_SIDE } from '../../../src/lib/data/mnist';
import { classifierFromModel, type Classifier } from '../../../src/lib/ml/classifier';
import { formatOutputMode } from '../../../src/lib/ml/extraction/learning';
import type { Estimator } from '../../../src/lib/ml/inversion/black-box';
import { runInversion, type BlackBoxSettings } from '../../../src/lib/ml/inversion/experiment';
import {
	pickPerClass,
	trainEvaluator,
	trainFewShot,
	type FewShotModel,
	type FewShotSet
} from '../../../src/lib/ml/inversion/few-shot';
import {
	trainPrivacyDigitModel,
	type PrivacyDigitModel
} from '../../../src/lib/ml/inversion/privacy-model';
import { ALL_CLASSES, type StopReason } from '../../../src/lib/ml/inversion/mi-face';
import {
	targetFromClassifier,
	targetFromMlp,
	type InversionTarget
} from '../../../src/lib/ml/inversion/target';
import { disposeMlp } from '../../../src/lib/ml/mlp';
import { modelFromArtifacts, type ModelId } from '../../../src/lib/ml/models';
import { readModelArtifacts } from '../../lib/model-files';
import { readStaticAsset } from '../../lib/paths';
import { encodePng } from '../../lib/png';
import {
	INVERSION_MODELS,
	SETTINGS,
	type InversionModel
} from '../../../src/lib/labs/inversion/settings';
import { fieldOption, UsageError, wasGiven } from '../args';
import { defineCommand } from '../command';
import { outputHelp, parseOutputOption } from '../output-option';

const NAME = 'lab invert';
const F = SETTINGS.fields;
/** Options that only the black-box attack reads. */
const BLACK_BOX_ONLY = ['output', 'budget', 'estimator', 'samples'];

interface InversionPoint {
	class: number;
	/** the attacked model's probability of the class at the inversion */
	confidence: number;
	/** the independent evaluator's class for the inversion */
	evaluatorClass: number;
	/** few-photos model: L2 distance to the nearest training / held-out digit of the class */
	nearestTrainDistance: number | null;
	nearestHeldOutDistance: number | null;
	/** few-photos model: the nearest digit of both pools, any class, is a training photo */
	recoveredTraining: boolean | null;
	steps: number;
	stopped: StopReason;
	/** black box: queries the API answered for this class; 0 in white box */
	queries: number;
	/** the 784 pixels of the inversion in [0, 1], row-major, to 4 decimals */
	pixels: number[];
}

interface InvertResult {
	model: InversionModel;
	/** the few-photos model's photos per class; null for a shipped model */
	k: number | null;
	/** privacy-mlp: its DP-SGD noise, guarantee (epsilon null: infinite) and held-out accuracy */
	privacy: { sigma: number | null; epsilon: number | null; delta: number; accuracy: number } | null;
	classes: number[];
	steps: number;
	stepSize: number;
	patience: number;
	goal: number;
	prior: { tv: number; l2: number; blur: number };
	/** null: white box */
	blackBox: { output: string; estimator: Estimator; samples: number; budget: number } | null;
	seed: number;
	backend: string;
	points: InversionPoint[];
	/** share of classes the evaluator recognises (Zhang et al. 2020) */
	attackAccuracy: number;
	/** few-photos model only: share of inversions nearest one of their class's training photos */
	recoveredRate?: number;
	/** few-photos model only: mean of nearest held-out minus nearest training distance */
	meanDistanceGap?: number;
	totalQueries: number;
	/** the PNG files written by --png */
	png?: string[];
	/** wall time of the attack and its measures, without loading or training any model */
	ms: number;
}

/** --class: a digit 0-9 (the settings table's target field) or all. */
function classesOption(text: string): number[] {
	if (text === 'all') return [...ALL_CLASSES];
	const c = F.target.parse(text);
	if (c === undefined)
		throw new UsageError(`${NAME}: --class must be ${F.target.expect} or all, got "${text}"`);
	return [c];
}

/** The attacked model as an InversionTarget, and how to free it. */
async function loadTarget(
	model: InversionModel,
	fewShot: FewShotModel | null
): Promise<{ target: InversionTarget; free(): void }> {
	if (fewShot) return { target: targetFromMlp(fewShot.mlp), free: () => disposeMlp(fewShot.mlp) };
	const classifier: Classifier = classifierFromModel(
		await modelFromArtifacts(readModelArtifacts(model as ModelId))
	);
	return { target: targetFromClassifier(classifier), free: () => classifier.dispose() };
}

function writePngs(dir: string, classes: number[], pixels: Float32Array): string[] {
	mkdirSync(dir, { recursive: true });
	return classes.map((c, r) => {
		const grey = new Uint8Array(MNIST_PIXELS);
		for (let p = 0; p < MNIST_PIXELS; p++)
			grey[p] = Math.round(255 * Math.min(1, Math.max(0, pixels[r * MNIST_PIXELS + p])));
		const file = join(dir, `class-${c}.png`);
		writeFileSync(file, encodePng(MNIST_SIDE, MNIST_SIDE, grey, 1));
		return file;
	});
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export const invert = defineCommand<InvertResult>({
	name: 'invert',
	summary:
		'model inversion (MI-Face, white or black box): an image per class, judged by an independent evaluator',
	options: [
		fieldOption('model', F.model, { required: true }),
		fieldOption('per-class', F.k, { help: `few-shot: ${F.k.help}` }),
		fieldOption('sigma', F.sigma, { help: `privacy-mlp: ${F.sigma.help}` }),
		{
			name: 'class',
			kind: 'string',
			default: 'all',
			help: `the class to reconstruct, ${F.target.min} to ${F.target.max}, or all`
		},
		fieldOption('steps', F.steps),
		fieldOption('step-size', F.stepSize),
		fieldOption('patience', F.patience),
		fieldOption('goal', F.goal),
		fieldOption('tv', F.tv),
		fieldOption('l2', F.l2),
		fieldOption('blur', F.blur),
		fieldOption('blackbox', F.blackbox),
		{
			name: 'output',
			kind: 'string',
			default: 'probs',
			help: `black box: ${outputHelp(F.decimals)}`
		},
		fieldOption('budget', F.budget),
		fieldOption('estimator', F.estimator, { help: `black box: ${F.estimator.help}` }),
		fieldOption('samples', F.samples, { help: `black box, NES: ${F.samples.help}` }),
		fieldOption('seed', F.seed),
		{
			name: 'png',
			kind: 'string',
			help: 'a folder to write each inversion into as a 28x28 greyscale class-K.png'
		}
	],
	needsBackend: true,
	async run(options, ctx) {
		const model = options.model as InversionModel | undefined;
		if (!model)
			throw new UsageError(`${NAME}: --model is required (one of ${INVERSION_MODELS.join(', ')})`);
		if (model !== 'few-shot' && wasGiven(options, 'per-class'))
			throw new UsageError(`${NAME}: --per-class applies to --model few-shot only`);
		if (model !== 'privacy-mlp' && wasGiven(options, 'sigma'))
			throw new UsageError(`${NAME}: --sigma applies to --model privacy-mlp only`);
		const blackbox = options.blackbox as boolean;
		if (!blackbox)
			for (const name of BLACK_BOX_ONLY)
				if (wasGiven(options, name))
					throw new UsageError(`${NAME}: --${name} applies to --blackbox only`);
		const classes = classesOption(options.class as string);
		const output = parseOutputOption(options.output as string, NAME, F.decimals);
		const seed = options.seed as number;
		const k = model === 'few-shot' ? (options['per-class'] as number) : null;
		const png = options.png as string | undefined;
		if (png !== undefined && png.trim() === '')
			throw new UsageError(`${NAME}: --png needs a folder, got nothing`);

		const [train, test] = await Promise.all([
			loadMnist('train', readStaticAsset),
			loadMnist('test', readStaticAsset)
		]);
		const evaluator = await trainEvaluator(test);
		let fewShot: FewShotModel | null = null;
		let loaded: { target: InversionTarget; free(): void } | null = null;
		/** the training digits the measures compare with: the few photos, or the privacy model's */
		let pool: FewShotSet | undefined;
		let privacy: PrivacyDigitModel | null = null;
		try {
			if (k !== null) {
				fewShot = await trainFewShot(pickPerClass(train, k, seed), seed);
				pool = fewShot.set;
			}
			if (model === 'privacy-mlp') {
				privacy = await trainPrivacyDigitModel(train, test, options.sigma as number, seed);
				const { mlp } = privacy;
				loaded = { target: targetFromMlp(mlp), free: () => disposeMlp(mlp) };
				pool = privacy.members;
			} else loaded = await loadTarget(model, fewShot);
			const blackBox: BlackBoxSettings | undefined = blackbox
				? {
						output,
						estimator: options.estimator as Estimator,
						samples: options.samples as number,
						budget: options.budget as number
					}
				: undefined;
			const prior = {
				tv: options.tv as number,
				l2: options.l2 as number,
				blur: options.blur as number
			};
			const settings = {
				steps: options.steps as number,
				stepSize: options['step-size'] as number,
				patience: options.patience as number,
				goal: options.goal as number
			};
			const started = performance.now();
			const run = await runInversion(loaded.target, targetFromMlp(evaluator), test, {
				targets: classes,
				...settings,
				prior,
				seed,
				blackBox,
				fewShot: pool
			});
			const ms = Math.round(performance.now() - started);
			const { result, measures } = run;
			const points = classes.map((c, r): InversionPoint => {
				const m = measures.rows[r];
				return {
					class: c,
					confidence: result.confidence[r],
					evaluatorClass: m.evaluatorClass,
					nearestTrainDistance: m.nearestTrain?.distance ?? null,
					nearestHeldOutDistance: m.nearestHeldOut?.distance ?? null,
					recoveredTraining: m.recoveredTraining ?? null,
					steps: result.steps[r],
					stopped: result.stopped[r],
					queries: run.queries?.[r] ?? 0,
					pixels: Array.from(
						result.pixels.subarray(r * MNIST_PIXELS, (r + 1) * MNIST_PIXELS),
						round4
					)
				};
			});
			return {
				model,
				k,
				privacy: privacy
					? {
							sigma: privacy.privacy.sigma,
							epsilon: Number.isFinite(privacy.privacy.epsilon) ? privacy.privacy.epsilon : null,
							delta: privacy.privacy.delta,
							accuracy: privacy.privacy.accuracy
						}
					: null,
				classes,
				...settings,
				prior,
				blackBox: blackBox
					? {
							output: formatOutputMode(blackBox.output),
							estimator: blackBox.estimator,
							samples: blackBox.samples,
							budget: blackBox.budget
						}
					: null,
				seed,
				backend: ctx.backend,
				points,
				attackAccuracy: measures.attackAccuracy,
				...(measures.recoveredRate !== undefined
					? { recoveredRate: measures.recoveredRate, meanDistanceGap: measures.meanDistanceGap }
					: {}),
				totalQueries: run.totalQueries ?? 0,
				...(png !== undefined ? { png: writePngs(png, classes, result.pixels) } : {}),
				ms
			};
		} finally {
			loaded?.free();
			if (fewShot && !loaded) disposeMlp(fewShot.mlp);
			if (privacy && !loaded) disposeMlp(privacy.mlp);
			disposeMlp(evaluator);
		}
	},
	text(r) {
		const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
		// the few-photos and privacy models have training digits to compare with
		const few = r.k !== null || r.privacy !== null;
		const attacked =
			r.k !== null
				? `the few-photos model (k = ${r.k} digit${r.k === 1 ? '' : 's'} per class)`
				: r.privacy
					? `the privacy lab's digit MLP (sigma ${r.privacy.sigma}, epsilon ${r.privacy.epsilon === null ? '∞' : r.privacy.epsilon.toFixed(2)} at delta ${r.privacy.delta}, held-out accuracy ${pct(r.privacy.accuracy)})`
					: r.model;
		const how = r.blackBox
			? `black box through a ${r.blackBox.output} API (${r.blackBox.estimator === 'nes' ? `NES, ${r.blackBox.samples} pairs` : 'finite differences'}, budget ${r.blackBox.budget} per class)`
			: 'white box (MI-Face)';
		const dist = (d: number | null) => (d === null ? '' : d.toFixed(2));
		const header = [
			'  class',
			'confidence',
			'evaluator',
			'steps',
			'stopped ',
			...(few ? ['nearest train', 'nearest held-out', 'recovered'] : []),
			...(r.blackBox ? ['queries'] : [])
		];
		const rows = r.points.map((p) => [
			String(p.class),
			pct(p.confidence),
			`${p.evaluatorClass}${p.evaluatorClass === p.class ? '' : ', wrong'}`,
			String(p.steps),
			p.stopped,
			...(few
				? [
						dist(p.nearestTrainDistance),
						dist(p.nearestHeldOutDistance),
						p.recoveredTraining ? 'yes' : 'no'
					]
				: []),
			...(r.blackBox ? [String(p.queries)] : [])
		]);
		const widths = header.map((h) => h.length);
		const line = (cells: string[]) =>
			cells.map((c, i) => (i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
		const prior = `tv ${r.prior.tv}, l2 ${r.prior.l2}, blur ${r.prior.blur}`;
		return [
			`inverting ${attacked}, ${how}, seed ${r.seed}`,
			`${r.steps} steps of ${r.stepSize}, patience ${r.patience}, goal ${r.goal}, priors ${prior}; ${r.backend}, ${(r.ms / 1000).toFixed(2)} s`,
			'',
			line(header),
			...rows.map(line),
			'',
			`attack accuracy ${pct(r.attackAccuracy)} (the evaluator, trained on held-out digits, recognises the class)`,
			...(r.recoveredRate !== undefined
				? [
						`recovered training photos ${pct(r.recoveredRate)}; nearest held-out minus nearest training distance ${r.meanDistanceGap!.toFixed(2)} on average (L2; above 0: the inversions lean to the training photos)`
					]
				: []),
			...(r.blackBox ? [`${r.totalQueries} queries in all`] : []),
			...(r.png?.length
				? [`wrote ${r.png.length} PNG files (class-K.png) to ${dirname(r.png[0])}`]
				: [])
		].join('\n');
	}
});
