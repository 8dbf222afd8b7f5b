/**
 * Inverting the privacy lab's digit model (an MLP [784, 64, 10] on 1,000 training digits, the
 * same runPrivacyExperiment the privacy lab and `lab dp-train` run), trained with DP-SGD or
 * without. What differential privacy bounds is what the model reveals about one training digit;
 * a class template is a property of the whole class and may still come out. The measures say
 * which: attack accuracy (the template) against how much nearer each inversion is to a training
 * digit of its class than to an equal number of held-out digits of the class (the individual).
 */
import { MNIST_CLASSES, MNIST_PIXELS, type DigitSet } from '../../data/mnist';
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
	const data = mnistPrivacyData(train, test, DATASET_INFO.mnist.members, seed);
	let run: InversionRun | undefined;
	const members = membersPool(data.members.rows, data.members.labels);
	const privacy = await runPrivacyExperiment(
		data,
		{
			...RUN_DEFAULTS,
			sigma,
			seed,
			learningRate: DATASET_INFO.mnist.learningRate
		},
		{
			signal: req.signal,
			onTrained: async (mlp) => {
				run = await runInversion(targetFromMlp(mlp), evaluator, test, {
					...req,
					fewShot: members
				});
			}
		}
	);
	if (!run) throw new Error('inversion: the privacy model was not inverted');
	return { privacy, run };
}
