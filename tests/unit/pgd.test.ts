import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lossGradientSign, targetedFgsm } from '../../src/lib/ml/adversarial/fgsm';
import { pgd, type PgdOptions } from '../../src/lib/ml/adversarial/pgd';
import { classifierFromModel, type Classifier } from '../../src/lib/ml/classifier';
import { meanCrossEntropy } from '../../src/lib/ml/losses';
import { defended } from '../../src/lib/ml/adversarial/defences';
import { evaluateAccuracy } from '../../src/lib/ml/evaluate';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import {
	robustnessCurve,
	transferMatrix,
	type AttackSpec
} from '../../src/lib/ml/adversarial/robustness';
import { createRng } from '../../src/lib/base/rng';
import { digitTensor, labelTensor } from '../../src/lib/ml/tensors';
import { loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { readModelArtifacts } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

/** The hand-made linear classifier of fgsm.test.ts: 4 "pixels" (1x2x2x1), 2 classes. */
function linearClassifier(scale = 1): Classifier {
	const W = tf.variable(
		tf.mul(
			tf.tensor2d(
				[
					[1, -2],
					[-3, 0.5],
					[0, 4],
					[2, 2]
				],
				[4, 2]
			),
			scale
		)
	);
	const b = tf.variable(tf.mul(tf.tensor1d([0.1, -0.2]), scale));
	return {
		logits: (x) => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 4]), W), b) as tf.Tensor2D,
		variables: [W, b],
		dispose: () => tf.dispose([W, b])
	};
}

/** Runs an attack, reads its output back and disposes it, so expectNoLeaks can wrap it. */
async function valuesOf(attack: () => tf.Tensor | Promise<tf.Tensor>): Promise<Float32Array> {
	const t = await attack();
	const values = (await t.data()) as Float32Array;
	t.dispose();
	return values;
}

/** Mean cross-entropy of each classifier's logits against `labels`, read back. */
function meanLoss(classifier: Classifier, x: tf.Tensor4D, labels: tf.Tensor1D): number {
	return tf.tidy(() => meanCrossEntropy(classifier.logits(x), labels).dataSync()[0]);
}

const ATTACKS: Record<'fgsm' | 'bim' | 'pgd', AttackSpec> = {
	fgsm: { kind: 'fgsm' },
	bim: { kind: 'pgd', steps: 10, randomStart: false, seed: 0 },
	pgd: { kind: 'pgd', steps: 10, randomStart: true, seed: 7 }
};

let test: DigitSet;
let cnn: Classifier;
let softmax: Classifier;

beforeAll(async () => {
	await useBackend('wasm');
	test = await loadMnist('test', readStaticAsset);
	cnn = classifierFromModel(await modelFromArtifacts(readModelArtifacts('mnist-cnn')));
	softmax = classifierFromModel(await modelFromArtifacts(readModelArtifacts('mnist-softmax')));
});

afterAll(() => {
	cnn.dispose();
	softmax.dispose();
});

describe('PGD and BIM (Madry et al. 2018; Kurakin et al. 2017)', () => {
	it.each<[string, Omit<PgdOptions, 'eps' | 'rng'>]>([
		['BIM, default step', { steps: 10, randomStart: false }],
		['PGD, random start', { steps: 10, randomStart: true }],
		['PGD, steps far larger than the ball', { steps: 3, stepSize: 0.5, randomStart: true }]
	])('%s: every pixel stays within eps of x and inside [0, 1]', async (_, opts) => {
		const eps = 0.1;
		const x = digitTensor(test, 0, 32);
		const y = labelTensor(test, 0, 32);
		const after = await expectNoLeaks(() =>
			valuesOf(() => pgd(cnn, x, y, { ...opts, eps, rng: createRng(3) }))
		);
		const before = x.dataSync();
		let largest = 0;
		for (let i = 0; i < after.length; i++) {
			expect(after[i]).toBeGreaterThanOrEqual(0);
			expect(after[i]).toBeLessThanOrEqual(1);
			largest = Math.max(largest, Math.abs(after[i] - before[i]));
		}
		expect(largest).toBeLessThanOrEqual(eps + 1e-6);
		// and it did move: some pixels sit on the surface of the ball
		expect(largest).toBeGreaterThan(eps - 1e-6);
		tf.dispose([x, y]);
	});

	it('on mnist-cnn lowers accuracy at least as much as FGSM at the same eps (200 digits)', async () => {
		const accuracyAt = async (attack: AttackSpec) =>
			(await robustnessCurve(cnn, test, [0.1], { attack, limit: 200 }))[0].accuracy;
		const clean = (await evaluateAccuracy(cnn, test, { limit: 200 })).accuracy;
		const fgsmAccuracy = await accuracyAt(ATTACKS.fgsm);
		const bimAccuracy = await accuracyAt(ATTACKS.bim);
		const pgdAccuracy = await accuracyAt(ATTACKS.pgd);
		expect(fgsmAccuracy).toBeLessThan(clean - 0.1);
		expect(bimAccuracy).toBeLessThanOrEqual(fgsmAccuracy);
		expect(pgdAccuracy).toBeLessThanOrEqual(fgsmAccuracy);
		// ten projected steps find far more than one step does (58 % -> 19 % on 500 digits)
		expect(pgdAccuracy).toBeLessThan(fgsmAccuracy - 0.15);
	});

	it('draws its random start from the seed: same seed, same digits; another seed, others', async () => {
		const x = digitTensor(test, 0, 8);
		const y = labelTensor(test, 0, 8);
		const run = (seed: number) =>
			valuesOf(() =>
				pgd(cnn, x, y, { eps: 0.2, steps: 2, randomStart: true, rng: createRng(seed) })
			);
		const [a, b, c] = [await run(11), await run(11), await run(12)];
		expect(b).toEqual(a);
		expect(c).not.toEqual(a);
		// without a random start the generator is not used at all
		const bim = (seed: number) =>
			valuesOf(() =>
				pgd(cnn, x, y, { eps: 0.2, steps: 2, randomStart: false, rng: createRng(seed) })
			);
		expect(await bim(1)).toEqual(await bim(2));
		tf.dispose([x, y]);
	});

	it('stops on abort without leaking', async () => {
		const x = digitTensor(test, 0, 8);
		const y = labelTensor(test, 0, 8);
		const opts = { eps: 0.15, steps: 4, randomStart: true };
		const controller = new AbortController();
		await expectNoLeaks(async () => {
			const run = pgd(cnn, x, y, {
				...opts,
				steps: 50,
				rng: createRng(5),
				signal: controller.signal
			});
			controller.abort();
			await expect(run).rejects.toThrow(/cancelled/);
		});
		tf.dispose([x, y]);
	});

	it('refuses options it cannot honour, naming the fix', async () => {
		const model = linearClassifier();
		const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
		const y = tf.tensor1d([0], 'int32');
		await expect(pgd(model, x, y, { eps: 0.1, steps: 5, randomStart: true })).rejects.toThrow(
			'pgd: randomStart needs opts.rng (createRng(seed)) so that a run reproduces'
		);
		await expect(pgd(model, x, y, { eps: -0.1, steps: 5, randomStart: false })).rejects.toThrow(
			'pgd: eps must be a number >= 0, got -0.1'
		);
		await expect(pgd(model, x, y, { eps: 0.1, steps: 0, randomStart: false })).rejects.toThrow(
			'pgd: steps must be a whole number >= 1, got 0'
		);
		await expect(
			pgd(model, x, y, { eps: 0.1, steps: 2, stepSize: Number.NaN, randomStart: false })
		).rejects.toThrow(/stepSize must be a number >= 0, got NaN/);
		tf.dispose([x, y]);
		model.dispose();
	});

	it('targeted, descends the loss of the target class further than one step does', async () => {
		const x = digitTensor(test, 0, 64);
		const targets = tf.tensor1d(
			Int32Array.from(test.labels.subarray(0, 64), (l) => (l + 3) % 10),
			'int32'
		);
		const oneStep = targetedFgsm(cnn, x, targets, 0.15);
		const iterative = await pgd(cnn, x, targets, {
			eps: 0.15,
			steps: 10,
			randomStart: false,
			targeted: true
		});
		const before = meanLoss(cnn, x, targets);
		expect(meanLoss(cnn, oneStep, targets)).toBeLessThan(before);
		expect(meanLoss(cnn, iterative, targets)).toBeLessThan(meanLoss(cnn, oneStep, targets));
		tf.dispose([x, targets, oneStep, iterative]);
	});
});

describe('targeted FGSM (Kurakin, Goodfellow, Bengio 2017)', () => {
	it('on a linear model steps against the hand-computed gradient sign of the target loss', async () => {
		const model = linearClassifier();
		const x = tf.tensor4d([0.2, 0.5, 0.9, 0.4], [1, 2, 2, 1]);
		const target = tf.tensor1d([0], 'int32');
		// fgsm.test.ts: sign(grad_x J(x, 0)) = sign(W[:,1] - W[:,0]) = [-1, 1, 1, 0]; targeted FGSM
		// subtracts it: x' = x - 0.15 * [-1, 1, 1, 0].
		const values = await expectNoLeaks(() => valuesOf(() => targetedFgsm(model, x, target, 0.15)));
		const expected = [0.35, 0.35, 0.75, 0.4];
		values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
		const adv = tf.tensor4d(values, [1, 2, 2, 1]);
		expect(meanLoss(model, adv, target)).toBeLessThan(meanLoss(model, x, target));
		tf.dispose([x, target, adv]);
		model.dispose();
	});

	it('on mnist-cnn lowers the loss of the target class and moves predictions to it', async () => {
		const n = 100;
		const x = digitTensor(test, 0, n);
		const targets = tf.tensor1d(
			Int32Array.from(test.labels.subarray(0, n), (l) => (l + 1) % 10),
			'int32'
		);
		await expectNoLeaks(() => valuesOf(() => targetedFgsm(cnn, x, targets, 0.2)));
		const adv = targetedFgsm(cnn, x, targets, 0.2);
		expect(meanLoss(cnn, adv, targets)).toBeLessThan(meanLoss(cnn, x, targets) - 1);
		const hits = (input: tf.Tensor4D) =>
			tf.tidy(() => tf.sum(tf.equal(tf.argMax(cnn.logits(input), 1), targets)).dataSync()[0]);
		expect(hits(adv)).toBeGreaterThan(hits(x) + 10);
		tf.dispose([x, targets, adv]);
	});

	it('keeps the sign of gradients far below float epsilon (the WASM Sign kernel zeroes them)', async () => {
		// Weights scaled by 1e-9: every input gradient is about 1e-10, yet its sign is still
		// [-1, 1, 1, 0] as in the hand computation above.
		const model = linearClassifier(1e-9);
		const x = tf.tensor4d([0.2, 0.5, 0.9, 0.4], [1, 2, 2, 1]);
		const y = tf.tensor1d([0], 'int32');
		const sign = await expectNoLeaks(() => valuesOf(() => lossGradientSign(model, x, y)));
		expect(Array.from(sign)).toEqual([-1, 1, 1, 0]);
		tf.dispose([x, y]);
		model.dispose();
	});
});

describe('robustness curves and transfer matrices', () => {
	it('at eps 0 give the clean accuracy, for FGSM and for PGD', async () => {
		const clean = await evaluateAccuracy(cnn, test, { limit: 150 });
		for (const attack of [ATTACKS.fgsm, ATTACKS.pgd]) {
			const [point] = await robustnessCurve(cnn, test, [0], { attack, limit: 150 });
			expect(point.accuracy).toBe(clean.accuracy);
			expect(point.errorRate).toBeCloseTo(1 - clean.accuracy, 12);
		}
	});

	it('the FGSM direction does not depend on how many digits share the batch', async () => {
		// The loss is a batch mean, so each digit's gradient shrinks with the batch size; with the
		// WASM Sign kernel's threshold, half the pixels of a 200-digit batch had direction 0.
		const alone = await valuesOf(() =>
			tf.tidy(() => lossGradientSign(cnn, digitTensor(test, 0, 40), labelTensor(test, 0, 40)))
		);
		const shared = await valuesOf(() =>
			tf.tidy(() =>
				tf.slice(lossGradientSign(cnn, digitTensor(test, 0, 200), labelTensor(test, 0, 200)), 0, 40)
			)
		);
		let same = 0;
		let zero = 0;
		for (let i = 0; i < alone.length; i++) {
			if (alone[i] === shared[i]) same++;
			if (shared[i] === 0) zero++;
		}
		// (float rounding may flip the sign of a gradient that is all but zero)
		expect(same / alone.length).toBeGreaterThan(0.99);
		expect(zero / alone.length).toBeLessThan(0.001);
	});

	it('FGSM curves fall with eps, with confident mistakes, whatever the batch size', async () => {
		const curve = (batchSize: number) =>
			robustnessCurve(cnn, test, [0.05, 0.1, 0.25], {
				attack: ATTACKS.fgsm,
				limit: 200,
				batchSize
			});
		const [small, large] = [await curve(40), await curve(200)];
		small.forEach((p, i) => {
			// at most one digit of 200 on the edge of a decision, rounded differently
			expect(Math.abs(p.accuracy - large[i].accuracy)).toBeLessThanOrEqual(1 / 200 + 1e-12);
		});
		expect(small[1].accuracy).toBeLessThan(small[0].accuracy);
		expect(small[2].accuracy).toBeLessThan(0.1);
		expect(small[2].meanConfidenceOnErrors).toBeGreaterThan(0.5);
	});

	it('report progress in attacked examples and leak nothing, white-box, defended or PGD', async () => {
		const progress: [number, number][] = [];
		await expectNoLeaks(() =>
			robustnessCurve(cnn, test, [0, 0.1, 0.2], {
				attack: ATTACKS.fgsm,
				evaluateOn: defended(cnn, 'median-2'),
				limit: 120,
				batchSize: 50,
				onProgress: (done, total) => progress.push([done, total])
			})
		);
		expect(progress).toEqual([
			[150, 360],
			[300, 360],
			[360, 360]
		]);
		const points = await expectNoLeaks(() =>
			robustnessCurve(cnn, test, [0, 0.1], {
				attack: { kind: 'pgd', steps: 3, randomStart: true, seed: 1 },
				evaluateOn: defended(cnn, 'bit-depth-1'),
				limit: 60,
				batchSize: 25
			})
		);
		expect(points.map((p) => p.eps)).toEqual([0, 0.1]);
	});

	it('stop with an AbortError when the signal fires, leaking nothing', async () => {
		const controller = new AbortController();
		await expectNoLeaks(async () => {
			const run = robustnessCurve(cnn, test, [0.1, 0.2], {
				attack: ATTACKS.pgd,
				limit: 200,
				batchSize: 20,
				signal: controller.signal,
				onProgress: () => controller.abort()
			});
			await expect(run).rejects.toThrow(/cancelled/);
		});
	});

	it('transfer matrix: the diagonal is the white-box curve, and transferred examples hurt less', async () => {
		const models = [
			{ id: 'mnist-softmax', classifier: softmax },
			{ id: 'mnist-cnn', classifier: cnn }
		];
		const matrix = await expectNoLeaks(() =>
			transferMatrix(models, test, 0.1, { attack: ATTACKS.fgsm, limit: 200 })
		);
		expect(matrix.sources).toEqual(['mnist-softmax', 'mnist-cnn']);
		expect(matrix.targets).toEqual(['mnist-softmax', 'mnist-cnn']);
		for (let i = 0; i < models.length; i++) {
			const [whiteBox] = await robustnessCurve(models[i].classifier, test, [0.1], {
				attack: ATTACKS.fgsm,
				limit: 200
			});
			expect(matrix.accuracy[i][i]).toBe(whiteBox.accuracy);
		}
		// softmax column: 7 % white-box, 82 % from the CNN's examples (and the other way round)
		expect(matrix.accuracy[1][0]).toBeGreaterThan(matrix.accuracy[0][0] + 0.3);
		expect(matrix.accuracy[0][1]).toBeGreaterThan(matrix.accuracy[1][1] + 0.2);
	});

	it('transfer matrix with PGD: seeded, so its diagonal matches the PGD curve; no leaks', async () => {
		const models = [
			{ id: 'mnist-cnn', classifier: cnn },
			{ id: 'mnist-softmax', classifier: softmax }
		];
		const attack: AttackSpec = { kind: 'pgd', steps: 3, randomStart: true, seed: 4 };
		const matrix = await expectNoLeaks(() =>
			transferMatrix(models, test, 0.1, { attack, limit: 60, batchSize: 30 })
		);
		const [whiteBox] = await robustnessCurve(cnn, test, [0.1], { attack, limit: 60 });
		expect(matrix.accuracy[0][0]).toBe(whiteBox.accuracy);
	});
});
