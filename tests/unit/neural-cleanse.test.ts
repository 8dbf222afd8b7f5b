import { beforeAll, describe, expect, it } from 'vitest';
import { digitBatch, loadMnist } from '../../src/lib/data/mnist';
import { classifierFromModel } from '../../src/lib/ml/classifier';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import {
	anomalyIndices,
	MAD_CONSTANT,
	neuralCleanse
} from '../../src/lib/ml/supply-chain/neural-cleanse';
import { readModelArtifacts } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('wasm');
});

describe('Neural Cleanse (Wang et al. 2019)', () => {
	it('the MAD anomaly index: distance below the median in units of 1.4826 x MAD', () => {
		const norms = [40, 42, 38, 41, 39, 43, 37, 40, 44, 5];
		const idx = anomalyIndices(norms);
		// median 40; deviations 0,2,2,1,1,3,3,0,4,35 -> median 2 -> MAD 2 x 1.4826
		expect(idx[9]).toBeCloseTo(35 / (2 * MAD_CONSTANT), 10);
		expect(idx[8]).toBeCloseTo(-4 / (2 * MAD_CONSTANT), 10);
		expect(idx.filter((a) => a > 2)).toHaveLength(1);
		expect(anomalyIndices([3, 3, 3])).toEqual([0, 0, 0]);
	});

	it('reverses a mask and pattern in [0, 1] for every class, without leaks, and stops on cancel', async () => {
		const classifier = classifierFromModel(
			await modelFromArtifacts(readModelArtifacts('mnist-softmax'))
		);
		try {
			const clean = digitBatch(await loadMnist('test', readStaticAsset), 0, 64);
			const r = await expectNoLeaks(() =>
				neuralCleanse(classifier, {
					clean,
					steps: 20,
					batchSize: 4,
					learningRate: 0.1,
					lambda: 0.01
				})
			);
			expect(r.triggers).toHaveLength(10);
			for (const t of r.triggers) {
				expect(t.mask.every((v) => v >= 0 && v <= 1)).toBe(true);
				expect(t.pattern.every((v) => v >= 0 && v <= 1)).toBe(true);
				expect(t.maskNorm).toBeGreaterThan(0);
			}
			expect(r.anomalyIndex).toHaveLength(10);
			const stop = new AbortController();
			await expectNoLeaks(() =>
				expect(
					neuralCleanse(classifier, {
						clean,
						steps: 100,
						batchSize: 4,
						learningRate: 0.1,
						lambda: 0.01,
						signal: stop.signal,
						onProgress: (f) => {
							if (f > 0.05) stop.abort();
						}
					})
				).rejects.toThrow(/cancelled/)
			);
		} finally {
			classifier.dispose();
		}
	});
});
