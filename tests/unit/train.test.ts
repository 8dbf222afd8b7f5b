import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, MNIST_PIXELS, type DigitSet } from '../../src/lib/data/mnist';
import { classifierFromModel } from '../../src/lib/ml/classifier';
import { evaluateAccuracy } from '../../src/lib/ml/evaluate';
import { buildCnn, buildSoftmax } from '../../src/lib/ml/models';
import { fgsmRobustness } from '../../src/lib/ml/adversarial/robustness';
import { createRng } from '../../src/lib/base/rng';
import { shiftDigits, trainClassifier } from '../../src/lib/ml/train';
import { readStaticAsset } from '../../scripts/lib/paths';
import { useBackend } from '../helpers/setup';
import { expectNoLeaks } from '../helpers/leaks';

function head(set: DigitSet, n: number): DigitSet {
	return {
		count: n,
		labels: set.labels.subarray(0, n),
		pixels: set.pixels.subarray(0, n * MNIST_PIXELS)
	};
}

describe('training a digit classifier', () => {
	let train: DigitSet;
	let test: DigitSet;
	beforeAll(async () => {
		await useBackend('wasm');
		train = await loadMnist('train', readStaticAsset);
		test = await loadMnist('test', readStaticAsset);
	});

	it('learns: softmax regression on 2,000 digits beats 80 % held-out accuracy, leaking nothing', async () => {
		const model = buildSoftmax(7);
		const classifier = classifierFromModel(model);
		const reports = await expectNoLeaks(() =>
			trainClassifier(classifier, head(train, 2000), {
				epochs: 3,
				batchSize: 50,
				learningRate: 5e-3,
				seed: 7
			})
		);
		expect(reports[2].loss).toBeLessThan(reports[0].loss);
		const { accuracy } = await expectNoLeaks(() =>
			evaluateAccuracy(classifier, test, { limit: 500 })
		);
		expect(accuracy).toBeGreaterThan(0.8);
		model.dispose();
	});

	it('trains a CNN on WASM, adversarially, without leaking (the WASM weight-gradient kernel at work)', async () => {
		const model = buildCnn(3);
		const classifier = classifierFromModel(model);
		const before = await expectNoLeaks(() => evaluateAccuracy(classifier, test, { limit: 200 }));
		await expectNoLeaks(() =>
			trainClassifier(classifier, head(train, 640), {
				epochs: 1,
				batchSize: 64,
				learningRate: 2e-3,
				seed: 3,
				maxShift: 1,
				adversarial: { eps: 0.1, weight: 0.5 }
			})
		);
		const after = await evaluateAccuracy(classifier, test, { limit: 200 });
		expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.2);
		model.dispose();
	});

	it('is reproducible: the same seed gives the same weights', async () => {
		const weights = async () => {
			const model = buildSoftmax(11);
			await trainClassifier(classifierFromModel(model), head(train, 300), {
				epochs: 1,
				batchSize: 30,
				learningRate: 1e-2,
				seed: 11
			});
			const values = await model.getWeights()[0].data();
			model.dispose();
			return values;
		};
		expect(await weights()).toEqual(await weights());
	});

	it('stops when its AbortSignal fires', async () => {
		const model = buildSoftmax(1);
		const controller = new AbortController();
		controller.abort();
		await expect(
			trainClassifier(classifierFromModel(model), head(train, 100), {
				epochs: 1,
				batchSize: 10,
				learningRate: 1e-2,
				seed: 1,
				signal: controller.signal
			})
		).rejects.toThrow('cancelled');
		model.dispose();
	});

	it('shifts digits without changing their ink (away from the border)', () => {
		const pixels = new Float32Array(2 * MNIST_PIXELS);
		for (let r = 10; r < 18; r++)
			for (let c = 10; c < 18; c++) pixels[r * 28 + c] = pixels[MNIST_PIXELS + r * 28 + c] = 1;
		shiftDigits(pixels, 2, createRng(5));
		const ink = (k: number) =>
			pixels.subarray(k * MNIST_PIXELS, (k + 1) * MNIST_PIXELS).reduce((a, b) => a + b, 0);
		expect(ink(0)).toBe(64);
		expect(ink(1)).toBe(64);
	});

	it('measures accuracy under FGSM for many eps at once, without leaks', async () => {
		const model = buildSoftmax(2);
		const classifier = classifierFromModel(model);
		await trainClassifier(classifier, head(train, 1000), {
			epochs: 2,
			batchSize: 50,
			learningRate: 5e-3,
			seed: 2
		});
		const points = await expectNoLeaks(() =>
			fgsmRobustness(classifier, test, [0, 0.1, 0.25], { limit: 300 })
		);
		const clean = await evaluateAccuracy(classifier, test, { limit: 300 });
		expect(points[0].accuracy).toBeCloseTo(clean.accuracy, 6);
		expect(points[1].accuracy).toBeLessThan(points[0].accuracy);
		expect(points[2].accuracy).toBeLessThan(points[1].accuracy);
		for (const p of points) expect(p.errorRate + p.accuracy).toBeCloseTo(1, 9);
		expect(points[2].meanConfidenceOnErrors).toBeGreaterThan(0.1);
		model.dispose();
	});
});
