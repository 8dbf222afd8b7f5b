/**
 * Inverting the privacy lab's digit model (an MLP [784, 64, 10] on 1,000 training digits, the
 * same runPrivacyExperiment the privacy lab and `lab dp-train` run), trained with DP-SGD or
 * without. What differential privacy bounds is what the model reveals about one training digit;
 * a class template is a property of the whole class and may still come out. The measures say
 * which: attack accuracy (the template) against how much nearer each inversion is to a training
 * digit of its class than to an equal number of held-out digits of the class (the individual).
 */
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_CLASSES, MNIST_PIXELS, type DigitSet } from '../../data/mnist';
import { disposeMlp, type Mlp } from '../mlp';
import {
	DATASET_INFO,
	mnistPrivacyData,
	RUN_DEFAULTS,
	runPrivacyExperiment,
	type RunResult
} from '../privacy/experiment';
import { runInversion, type InversionRequest, type InversionRun } from './experiment';
import type { FewShotSet } from './few-shot';
import { targetFromMlp, type InversionTarget } from './target';

/**
 * The privacy model's training digits as a comparison pool: the first k of each class, k the
 * smallest class count, so the held-out pool (k per class too) is the same size.
 */
function membersPool(rows: Float32Array, labels: ArrayLike<number>): FewShotSet {
	const counts = new Array<number>(MNIST_CLASSES).fill(0);
	for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
	const k = Math.min(...counts);
	const taken = new Array<number>(MNIST_CLASSES).fill(0);
	const keep: number[] = [];
	for (let i = 0; i < labels.length; i++) if (taken[labels[i]]++ < k) keep.push(i);
	const pixels = new Float32Array(keep.length * MNIST_PIXELS);
	keep.forEach((i, r) =>
		pixels.set(rows.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), r * MNIST_PIXELS)
	);
	return {
		k,
		pixels,
		labels: Int32Array.from(keep, (i) => labels[i]),
		indices: Int32Array.from(keep)
	};
}

export interface PrivacyDigitModel {
	/** a copy of the trained model, the caller's to dispose (disposeMlp) */
	mlp: Mlp;
	/** its training digits, an equal number per class, to compare inversions against */
	members: FewShotSet;
	/** the privacy lab's numbers for the run: epsilon, held-out accuracy, the membership attack */
	privacy: RunResult;
}

/**
 * Trains the privacy lab's digit model (sigma null: the non-private baseline) with the lab's
 * defaults and keeps it, so that it can be inverted as often as the learner likes.
 */
export async function trainPrivacyDigitModel(
	train: DigitSet,
	test: DigitSet,
	sigma: number | null,
	seed: number,
	signal?: AbortSignal
): Promise<PrivacyDigitModel> {
	const data = mnistPrivacyData(train, test, DATASET_INFO.mnist.members, seed);
	const members = membersPool(data.members.rows, data.members.labels);
	let kept: Mlp | null = null;
	try {
		const privacy = await runPrivacyExperiment(
			data,
			{ ...RUN_DEFAULTS, sigma, seed, learningRate: DATASET_INFO.mnist.learningRate },
			{
				signal,
				// the experiment disposes its model; a variable made from each one shares its data
				onTrained: (mlp) => {
					kept = {
						sizes: [...mlp.sizes],
						weights: mlp.weights.map((w) => tf.variable(w, false)),
						biases: mlp.biases.map((b) => tf.variable(b, false))
					};
				}
			}
		);
		if (!kept) throw new Error('inversion: the privacy model was not trained');
		return { mlp: kept, members, privacy };
	} catch (error) {
		if (kept) disposeMlp(kept);
		throw error;
	}
}

export interface PrivacyInversion {
	privacy: RunResult;
	run: InversionRun;
}

/**
 * Trains the privacy lab's digit model (sigma null: the non-private baseline) with the lab's
 * defaults, inverts it with `req` and measures against its own training digits.
 */
export async function invertPrivacyModel(
	train: DigitSet,
	test: DigitSet,
	evaluator: InversionTarget,
	sigma: number | null,
	seed: number,
	req: Omit<InversionRequest, 'fewShot'>
): Promise<PrivacyInversion> {
	const model = await trainPrivacyDigitModel(train, test, sigma, seed, req.signal);
	try {
		const run = await runInversion(targetFromMlp(model.mlp), evaluator, test, {
			...req,
			fewShot: model.members
		});
		return { privacy: model.privacy, run };
	} finally {
		disposeMlp(model.mlp);
	}
}
