/**
 * One inversion run as the page, the `lab invert` CLI and the bench all run it: invert the
 * target classes of a model, white-box (MI-Face) or black-box (through a PredictionApi that
 * counts and bills every query), then measure every image (measure.ts). Loading the model is
 * the caller's: the page takes it from the runtime's cache, the CLI from models/.
 */
import type { DigitSet } from '../../data/mnist';
import { PredictionApi, type OutputMode } from '../extraction/victim-api';
import { blackBoxInversion, type Estimator } from './black-box';
import { heldOutPool, type FewShotSet } from './few-shot';
import { measureInversions, type InversionMeasures } from './measure';
import { miFace, type InversionFrame, type InversionResult, type PriorWeights } from './mi-face';
import { predictFn, targetProbs, type InversionTarget } from './target';

/** The black-box attack's probe size (NES's s, the finite-difference step). */
export const BLACK_BOX_PROBE = 0.05;

export interface BlackBoxSettings {
	output: OutputMode;
	estimator: Estimator;
	samples: number;
	/** queries the API answers per class */
	budget: number;
	/** price of one query, in credits */
	costPerQuery?: number;
}

export interface InversionRequest {
	targets: readonly number[];
	steps: number;
	stepSize: number;
	patience: number;
	goal: number;
	prior: PriorWeights;
	seed: number;
	/** absent: white-box */
	blackBox?: BlackBoxSettings;
	/** the few-photos model's training digits: measured against an equal-size held-out pool */
	fewShot?: FewShotSet;
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
	onFrame?: (frame: InversionFrame) => void;
}

export interface InversionRun {
	result: InversionResult;
	measures: InversionMeasures;
	/** black box: queries per class and in all, and what they were billed */
	queries?: Int32Array;
	totalQueries?: number;
	cost?: number;
	/** the held-out digits the few-photos inversions were compared with */
	heldOut?: FewShotSet;
}

/**
 * Inverts `req.targets` of `target` and measures the images with `evaluator`. Black box: the
 * classes run one after another, each through its own API with the per-class budget.
 */
export async function runInversion(
	target: InversionTarget,
	evaluator: InversionTarget,
	test: DigitSet,
	req: InversionRequest
): Promise<InversionRun> {
	const common = {
		steps: req.steps,
		stepSize: req.stepSize,
		patience: req.patience,
		goal: req.goal,
		prior: req.prior,
		signal: req.signal,
		onFrame: req.onFrame
	};
	let result: InversionResult;
	let queries: Int32Array | undefined;
	let cost: number | undefined;
	if (!req.blackBox) {
		result = await miFace(target, { ...common, targets: req.targets, onProgress: req.onProgress });
	} else {
		const bb = req.blackBox;
		const n = req.targets.length;
		const parts: InversionResult[] = [];
		queries = new Int32Array(n);
		cost = 0;
		const frames = new Float32Array(n * 784);
		const confs = new Float32Array(n);
		for (let r = 0; r < n; r++) {
			const api = new PredictionApi(predictFn(target), 784, {
				outputMode: bb.output,
				budget: bb.budget,
				costPerQuery: bb.costPerQuery ?? 0,
				keepLog: false
			});
			const part = await blackBoxInversion(api, {
				...common,
				targets: [req.targets[r]],
				estimator: bb.estimator,
				samples: bb.samples,
				probe: BLACK_BOX_PROBE,
				seed: req.seed + r,
				onProgress: (f) => req.onProgress?.((r + f) / n),
				onFrame: req.onFrame
					? (frame) => {
							frames.set(frame.pixels, r * 784);
							confs[r] = frame.confidence[0];
							req.onFrame!({ step: frame.step, pixels: frames.slice(), confidence: confs.slice() });
						}
					: undefined
			});
			queries[r] = api.queries;
			cost += api.cost;
			parts.push(part);
		}
		const cat = (pick: (p: InversionResult) => ArrayLike<number>, Type: Float32ArrayConstructor) =>
			Type.from(parts.flatMap((p) => Array.from(pick(p))));
		result = {
			targets: [...req.targets],
			pixels: cat((p) => p.pixels, Float32Array),
			confidence: cat((p) => p.confidence, Float32Array),
			cost: cat((p) => p.cost, Float32Array),
			steps: Int32Array.from(parts.flatMap((p) => Array.from(p.steps))),
			stopped: parts.flatMap((p) => p.stopped),
			ms: parts.reduce((a, p) => a + p.ms, 0)
		};
	}
	const heldOut = req.fewShot ? heldOutPool(test, req.fewShot.k, req.seed + 1) : undefined;
	const measures = measureInversions(
		req.targets,
		result.pixels,
		await targetProbs(evaluator, result.pixels),
		req.fewShot && heldOut ? { train: req.fewShot, heldOut } : undefined
	);
	return {
		result,
		measures,
		queries,
		totalQueries: queries?.reduce((a, b) => a + b, 0),
		cost,
		heldOut
	};
}
