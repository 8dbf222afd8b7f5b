/**
 * Black-box model inversion through a prediction API: MI-Face's descent (mi-face.ts: the same
 * cost, priors, Process and stopping rules) with the model's gradient estimated from queries,
 * every one counted and billed by the extraction lab's PredictionApi.
 *
 * Estimators of the gradient of c(x) = 1 - f_t(x):
 * - 'fd': symmetric finite differences, one pixel at a time, 2 x 784 queries per step (Fredrikson
 *   et al. 2015, section 5, estimate MI-Face's gradient this way when only the API is available);
 * - 'nes': the antithetic Gaussian estimator of natural evolution strategies, 2n queries per step
 *   (Wierstra et al. 2014; used against prediction APIs by Ilyas, Engstrom, Athalye, Lin 2018,
 *   "Black-box Adversarial Attacks with Limited Queries and Information", section 2.2):
 *   g = 1 / (2 n s) sum_i [c(x + s u_i) - c(x - s u_i)] u_i with u_i ~ N(0, I).
 * One more query per step reads the cost at x itself. The prior's gradient is computed locally:
 * the attacker knows its own prior.
 *
 * What the API reveals decides what is left to estimate: rounded confidences hide the small
 * differences the estimators live on, and a label-only API answers 1 or 0 (Fredrikson et al.'s
 * countermeasure), which leaves almost no gradient to find.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_PIXELS } from '../../data/mnist';
import { gaussianNoise } from '../../base/gaussian';
import { createRng, randomInt } from '../../base/rng';
import type { PredictionApi, QueryAnswer } from '../extraction/victim-api';
import { pacedYield, throwIfAborted } from '../yield';
import {
	checkInversionOptions,
	frameClock,
	FRAME_MS,
	NO_PRIOR,
	priorCost,
	processImages,
	StoppingRules,
	type InversionFrame,
	type InversionResult,
	type PriorWeights
} from './mi-face';

export const ESTIMATORS = ['nes', 'fd'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

export interface BlackBoxOptions {
	targets: readonly number[];
	steps: number;
	stepSize: number;
	patience: number;
	goal: number;
	prior?: PriorWeights;
	estimator: Estimator;
	/** NES: antithetic pairs per step */
	samples: number;
	/** the probe's size: the finite-difference step, or NES's s */
	probe: number;
	seed: number;
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
	onFrame?: (frame: InversionFrame) => void;
	frameMs?: number;
}

export interface BlackBoxResult extends InversionResult {
	/** queries each row spent */
	queries: Int32Array;
	/** rows stopped because the API's budget could not pay for another step */
	budgetStopped: boolean[];
}

/** Queries one step of the estimator costs for one image (the cost at x included). */
export function queriesPerStep(estimator: Estimator, samples: number): number {
	return (estimator === 'fd' ? 2 * MNIST_PIXELS : 2 * samples) + 1;
}

/** The target's confidence in an answer as the API gave it (label only: 1 or 0). */
export function answeredConfidence(answer: QueryAnswer, target: number): number {
	return answer.probs ? answer.probs[target] : answer.label === target ? 1 : 0;
}

/**
 * Estimates the gradient of 1 - f_t at x [784] through the API. Returns the estimate and the
 * API's confidence at x. Spends exactly queriesPerStep(estimator, samples) queries.
 */
export function estimateGradient(
	api: PredictionApi,
	x: Float32Array,
	target: number,
	estimator: Estimator,
	samples: number,
	probe: number,
	noise: (count: number) => Float32Array
): { gradient: Float32Array; confidence: number } {
	const d = MNIST_PIXELS;
	const g = new Float32Array(d);
	if (estimator === 'fd') {
		// rows: x, then x + h e_j and x - h e_j for every pixel, kept inside [0, 1]
		const rows = new Float32Array((2 * d + 1) * d);
		const width = new Float32Array(d);
		rows.set(x, 0);
		for (let j = 0; j < d; j++) {
			const up = Math.min(1, x[j] + probe);
			const down = Math.max(0, x[j] - probe);
			width[j] = up - down;
			rows.set(x, (1 + 2 * j) * d);
			rows[(1 + 2 * j) * d + j] = up;
			rows.set(x, (2 + 2 * j) * d);
			rows[(2 + 2 * j) * d + j] = down;
		}
		const answers = api.queryRows(rows);
		for (let j = 0; j < d; j++) {
			const cUp = 1 - answeredConfidence(answers[1 + 2 * j], target);
			const cDown = 1 - answeredConfidence(answers[2 + 2 * j], target);
			g[j] = width[j] > 0 ? (cUp - cDown) / width[j] : 0;
		}
		return { gradient: g, confidence: answeredConfidence(answers[0], target) };
	}
	const u = noise(samples * d);
	const rows = new Float32Array((2 * samples + 1) * d);
	rows.set(x, 0);
	for (let i = 0; i < samples; i++)
		for (let j = 0; j < d; j++) {
			rows[(1 + 2 * i) * d + j] = x[j] + probe * u[i * d + j];
			rows[(2 + 2 * i) * d + j] = x[j] - probe * u[i * d + j];
		}
	const answers = api.queryRows(rows);
	for (let i = 0; i < samples; i++) {
		const diff =
			answeredConfidence(answers[2 + 2 * i], target) -
			answeredConfidence(answers[1 + 2 * i], target);
		// c = 1 - conf, so c(x + s u) - c(x - s u) = conf(x - s u) - conf(x + s u)
		const w = diff / (2 * samples * probe);
		if (w !== 0) for (let j = 0; j < d; j++) g[j] += w * u[i * d + j];
	}
	return { gradient: g, confidence: answeredConfidence(answers[0], target) };
}

/** Inverts each target through `api`; the model behind it is never touched. */
export async function blackBoxInversion(
	api: PredictionApi,
	o: BlackBoxOptions
): Promise<BlackBoxResult> {
	checkInversionOptions(o);
	if (!Number.isInteger(o.samples) || o.samples < 1)
		throw new Error(`inversion: samples must be a whole number >= 1, got ${o.samples}`);
	if (!(o.probe > 0 && o.probe <= 1))
		throw new Error(`inversion: the probe size must be between 0 and 1, got ${o.probe}`);
	if (api.dims !== MNIST_PIXELS)
		throw new Error(
			`inversion: the API takes ${api.dims} numbers per query, a digit is ${MNIST_PIXELS}`
		);
	const started = performance.now();
	const prior = o.prior ?? NO_PRIOR;
	const rows = o.targets.length;
	const d = MNIST_PIXELS;
	const perStep = queriesPerStep(o.estimator, o.samples);
	const rules = new StoppingRules(rows, o.patience, o.goal);
	const x = new Float32Array(rows * d);
	const best = new Float32Array(rows * d);
	const bestConf = new Float32Array(rows);
	const bestCost = new Float32Array(rows);
	const queries = new Int32Array(rows);
	const budgetStopped = new Array<boolean>(rows).fill(false);
	// fresh N(0, 1) directions for every estimate, each batch seeded from the run's seed
	const seeds = createRng(o.seed);
	const noise = (count: number) => gaussianNoise(count, 1, randomInt(seeds, 2 ** 31));
	const priorGrad = tf.grad((t) => tf.sum(priorCost(t as tf.Tensor2D, prior)));
	const usesPrior = prior.tv > 0 || prior.l2 > 0;
	const pace = pacedYield();
	const frameDue = frameClock(o.frameMs ?? FRAME_MS);
	for (let step = 0; step <= o.steps; step++) {
		throwIfAborted(o.signal);
		const costs = new Float64Array(rows).fill(Infinity);
		const confs = new Float32Array(rows);
		const grads = new Float32Array(rows * d);
		for (let r = 0; r < rows; r++) {
			if (rules.stopped[r]) continue;
			const left = api.budget === undefined ? Infinity : api.budget - api.queries;
			if (left < perStep) {
				rules.stopped[r] = 'steps';
				budgetStopped[r] = true;
				continue;
			}
			const xr = x.subarray(r * d, (r + 1) * d);
			const est = estimateGradient(api, xr, o.targets[r], o.estimator, o.samples, o.probe, noise);
			queries[r] += perStep;
			confs[r] = est.confidence;
			costs[r] = 1 - est.confidence;
			grads.set(est.gradient, r * d);
		}
		// the prior's value and gradient, locally
		if (usesPrior) {
			const [pc, pg] = tf.tidy(() => {
				const t = tf.tensor2d(x, [rows, d]);
				return [priorCost(t, prior), priorGrad(t)];
			});
			const [pcv, pgv] = await Promise.all([pc.data(), pg.data()]);
			tf.dispose([pc, pg]);
			for (let r = 0; r < rows; r++) costs[r] += pcv[r];
			for (let k = 0; k < grads.length; k++) grads[k] += pgv[k];
		}
		const improved = rules.observe(costs);
		for (let r = 0; r < rows; r++)
			if (improved[r]) {
				best.set(x.subarray(r * d, (r + 1) * d), r * d);
				bestConf[r] = confs[r];
				bestCost[r] = costs[r];
			}
		if (o.onFrame && frameDue()) {
			o.onFrame({ step, pixels: Float32Array.from(x), confidence: confs });
		}
		if (step === o.steps || rules.active === 0) break;
		// normalised step, then Process, for the rows still running
		const moved = tf.tidy(() => {
			const g = tf.tensor2d(grads, [rows, d]);
			const unit = tf.div(g, tf.add(tf.max(tf.abs(g), 1, true), 1e-12));
			return processImages(tf.sub(tf.tensor2d(x, [rows, d]), tf.mul(unit, o.stepSize)), prior.blur);
		});
		const next = (await moved.data()) as Float32Array;
		moved.dispose();
		for (let r = 0; r < rows; r++)
			if (!rules.stopped[r]) x.set(next.subarray(r * d, (r + 1) * d), r * d);
		rules.stepTaken();
		o.onProgress?.((step + 1) / o.steps);
		await pace.due();
	}
	return {
		targets: [...o.targets],
		pixels: best,
		confidence: bestConf,
		cost: bestCost,
		steps: rules.steps,
		stopped: rules.stopped.map((s) => s ?? 'steps'),
		queries,
		budgetStopped,
		ms: performance.now() - started
	};
}
