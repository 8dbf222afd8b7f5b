import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lossGradientSign } from '../../src/lib/ml/adversarial/fgsm';
import { classifierFromModel, type Classifier } from '../../src/lib/ml/classifier';
import {
	bitDepth,
	defended,
	DEFENCE_IDS,
	DEFENCES,
	isDefenceId,
	medianSmooth
} from '../../src/lib/ml/adversarial/defences';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import { robustnessCurve } from '../../src/lib/ml/adversarial/robustness';
import { digitTensor, labelTensor } from '../../src/lib/ml/tensors';
import { loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { readModelArtifacts } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

/** Runs fn, reads its tensor back and disposes it (so expectNoLeaks can wrap it). */
async function valuesOf(fn: () => tf.Tensor): Promise<Float32Array> {
	const t = fn();
	const values = (await t.data()) as Float32Array;
	t.dispose();
	return values;
}

/**
 * The median filter written out the slow, obvious way: gather the size x size window (borders
 * reflected including the edge pixel, window reaching up-left for even sizes), sort, take the
 * element at floor(size^2 / 2), as scipy.ndimage.median_filter does.
 */
function referenceMedian(
	data: Float32Array,
	[n, h, w, c]: [number, number, number, number],
	size: number
): Float32Array {
	const reflect = (i: number, m: number) => (i < 0 ? -i - 1 : i >= m ? 2 * m - i - 1 : i);
	const at = (b: number, i: number, j: number, k: number) => ((b * h + i) * w + j) * c + k;
	const before = Math.floor(size / 2);
	const out = new Float32Array(data.length);
	for (let b = 0; b < n; b++)
		for (let i = 0; i < h; i++)
			for (let j = 0; j < w; j++)
				for (let k = 0; k < c; k++) {
					const window: number[] = [];
					for (let dy = 0; dy < size; dy++)
						for (let dx = 0; dx < size; dx++)
							window.push(data[at(b, reflect(i + dy - before, h), reflect(j + dx - before, w), k)]);
					window.sort((p, q) => p - q);
					out[at(b, i, j, k)] = window[Math.floor(window.length / 2)];
				}
	return out;
}

describe('bit-depth reduction (Xu, Evans, Qi 2018)', () => {
	beforeAll(() => useBackend('wasm'));

	it('at 1 bit turns every 8-bit pixel black or white, splitting at 0.5', async () => {
		const pixels = Float32Array.from({ length: 256 }, (_, k) => k / 255);
		const x = tf.tensor4d(pixels, [1, 16, 16, 1]);
		const squeezed = await expectNoLeaks(() => valuesOf(() => bitDepth(x, 1)));
		squeezed.forEach((v, k) => expect(v).toBe(k >= 128 ? 1 : 0));
		x.dispose();
	});

	it('at 2 bits keeps four levels, each pixel on its nearest', async () => {
		const x = tf.tensor4d([0, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1], [1, 2, 4, 1]);
		const squeezed = await valuesOf(() => bitDepth(x, 2));
		const expected = [0, 0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1, 1];
		squeezed.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
		x.dispose();
	});

	it('refuses a depth outside 1..8', () => {
		const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
		expect(() => bitDepth(x, 0)).toThrow(
			'bitDepth: bits must be a whole number from 1 to 8, got 0'
		);
		expect(() => bitDepth(x, 1.5)).toThrow(/got 1.5/);
		x.dispose();
	});
});

describe('median smoothing (Xu, Evans, Qi 2018)', () => {
	beforeAll(() => useBackend('wasm'));

	const saltImage = (spots: number[][]) => {
		const pixels = new Float32Array(28 * 28);
		for (const [r, c] of spots) pixels[r * 28 + c] = 1;
		return tf.tensor4d(pixels, [1, 28, 28, 1]);
	};

	it('3x3 removes isolated salt pixels, corners and edges included', async () => {
		const x = saltImage([
			[0, 0],
			[0, 27],
			[27, 0],
			[27, 27],
			[5, 9],
			[14, 0],
			[20, 20]
		]);
		const smoothed = await expectNoLeaks(() => valuesOf(() => medianSmooth(x, 3)));
		expect(Math.max(...smoothed)).toBe(0);
		x.dispose();
	});

	it('2x2 removes isolated salt pixels; in the first row or column reflection keeps them', async () => {
		const x = saltImage([
			[27, 27],
			[27, 5],
			[5, 27],
			[5, 9],
			[20, 20]
		]);
		const smoothed = await expectNoLeaks(() => valuesOf(() => medianSmooth(x, 2)));
		expect(Math.max(...smoothed)).toBe(0);
		x.dispose();
		// The window of pixel (0, 0) is four reflections of itself; those of (0, 1) and (1, 0) hold
		// two reflected copies of it, and the upper median of {0, 0, 1, 1} is 1.
		const corner = saltImage([[0, 0]]);
		const kept = await valuesOf(() => medianSmooth(corner, 2));
		expect([kept[0], kept[1], kept[28]]).toEqual([1, 1, 1]);
		expect(kept.reduce((a, b) => a + b, 0)).toBe(3);
		corner.dispose();
	});

	it('3x3 fills a pepper hole inside a stroke and keeps the stroke', async () => {
		const pixels = new Float32Array(12 * 12);
		for (let r = 2; r < 10; r++) for (let c = 4; c < 8; c++) pixels[r * 12 + c] = 1;
		pixels[5 * 12 + 5] = 0;
		const x = tf.tensor4d(pixels, [1, 12, 12, 1]);
		const smoothed = await valuesOf(() => medianSmooth(x, 3));
		expect(smoothed[5 * 12 + 5]).toBe(1);
		for (let r = 3; r < 9; r++) for (let c = 4; c < 8; c++) expect(smoothed[r * 12 + c]).toBe(1);
		expect(smoothed[5 * 12 + 1]).toBe(0);
		x.dispose();
	});

	it.each([2, 3] as const)(
		'size %i equals a sort-based median, per channel, with shapes preserved',
		async (size) => {
			const shape: [number, number, number, number] = [2, 7, 6, 2];
			let seed = 3;
			const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
			const data = Float32Array.from(
				{ length: 2 * 7 * 6 * 2 },
				() => Math.round(random() * 20) / 20
			);
			const x = tf.tensor4d(data, shape);
			const out = medianSmooth(x, size);
			expect(out.shape).toEqual(shape);
			expect(Array.from(out.dataSync())).toEqual(Array.from(referenceMedian(data, shape, size)));
			tf.dispose([x, out]);
		}
	);

	it('keeps the shape of a batch of digits and refuses other window sizes', () => {
		const x = tf.zeros([3, 28, 28, 1]) as tf.Tensor4D;
		for (const size of [2, 3] as const) {
			const out = medianSmooth(x, size);
			expect(out.shape).toEqual([3, 28, 28, 1]);
			out.dispose();
		}
		expect(() => medianSmooth(x, 4 as 3)).toThrow('medianSmooth: size must be 2 or 3, got 4');
		const tiny = tf.zeros([1, 2, 5, 1]) as tf.Tensor4D;
		expect(() => medianSmooth(tiny, 3)).toThrow(/smaller than the 3x3 window/);
		tf.dispose([x, tiny]);
	});
});

describe('defended classifiers', () => {
	let test: DigitSet;
	let cnn: Classifier;

	beforeAll(async () => {
		await useBackend('wasm');
		test = await loadMnist('test', readStaticAsset);
		cnn = classifierFromModel(await modelFromArtifacts(readModelArtifacts('mnist-cnn')));
	});

	afterAll(() => cnn.dispose());

	it('the registry lists each defence once, with a label and the paper it follows', () => {
		expect(Object.keys(DEFENCES)).toEqual([...DEFENCE_IDS]);
		expect(DEFENCE_IDS).toContain('bit-depth-1');
		expect(DEFENCE_IDS).toContain('median-2');
		for (const id of DEFENCE_IDS) {
			expect(DEFENCES[id].id).toBe(id);
			expect(DEFENCES[id].label.length).toBeGreaterThan(0);
			if (id !== 'none') expect(DEFENCES[id].reference).toMatch(/^Xu, Evans, Qi 2018/);
		}
		expect(isDefenceId('median-3')).toBe(true);
		expect(isDefenceId('median-5')).toBe(false);
	});

	it.each(DEFENCE_IDS)(
		'%s: logits are the model on the transformed digits, without leaks',
		async (id) => {
			const x = digitTensor(test, 0, 16);
			const guarded = defended(cnn, id);
			const got = await expectNoLeaks(() => valuesOf(() => guarded.logits(x)));
			const expected = await valuesOf(() => tf.tidy(() => cnn.logits(DEFENCES[id].transform(x))));
			got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
			guarded.dispose();
			// the wrapper does not own the weights: the model still runs
			expect((await valuesOf(() => cnn.logits(x))).length).toBe(160);
			x.dispose();
		}
	);

	it.each(DEFENCE_IDS)('%s: an adaptive attack gets a usable gradient through it', async (id) => {
		const x = digitTensor(test, 0, 8);
		const y = labelTensor(test, 0, 8);
		const guarded = defended(cnn, id);
		const direction = await expectNoLeaks(() => valuesOf(() => lossGradientSign(guarded, x, y)));
		const moving = direction.filter((v) => v !== 0).length;
		// rounding alone has a zero gradient; the straight-through estimate must not
		expect(moving / direction.length).toBeGreaterThan(0.2);
		tf.dispose([x, y]);
	});

	it('against FGSM crafted on the bare CNN, 1-bit depth and 2x2 median keep clean accuracy and restore much of the rest', async () => {
		const eps = [0, 0.1];
		const bare = await robustnessCurve(cnn, test, eps, { attack: { kind: 'fgsm' }, limit: 300 });
		for (const id of ['bit-depth-1', 'median-2'] as const) {
			const guarded = await expectNoLeaks(() =>
				robustnessCurve(cnn, test, eps, {
					attack: { kind: 'fgsm' },
					evaluateOn: defended(cnn, id),
					limit: 300
				})
			);
			expect(guarded[0].accuracy).toBeGreaterThan(bare[0].accuracy - 0.02);
			// 1000 digits: 61 % bare -> 96 % (1-bit) and 85 % (2x2 median)
			expect(guarded[1].accuracy).toBeGreaterThan(bare[1].accuracy + 0.15);
		}
	});
});
