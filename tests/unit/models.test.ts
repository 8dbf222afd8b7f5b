import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { classifierFromModel } from '../../src/lib/ml/classifier';
import { evaluateAccuracy } from '../../src/lib/ml/evaluate';
import { MODEL_IDS, modelFromArtifacts } from '../../src/lib/ml/models';
import { fgsmRobustness } from '../../src/lib/ml/adversarial/robustness';
import { readModelArtifacts, readModelCard } from '../../scripts/lib/model-files';
import { MODELS_DIR, readStaticAsset } from '../../scripts/lib/paths';
import { useBackend } from '../helpers/setup';
import { expectNoLeaks } from '../helpers/leaks';

describe('the shipped models', () => {
	let test: DigitSet;
	beforeAll(async () => {
		await useBackend('wasm');
		test = await loadMnist('test', readStaticAsset);
	});

	for (const id of MODEL_IDS) {
		it(`${id} loads and classifies the held-out digits at the accuracy on its card`, async () => {
			const card = readModelCard(id);
			const model = await modelFromArtifacts(readModelArtifacts(id));
			const result = await expectNoLeaks(() => evaluateAccuracy(classifierFromModel(model), test));
			expect(result.count).toBe(card.data.testCount);
			expect(result.correct).toBe(card.testCorrect);
			expect(result.accuracy).toBeCloseTo(card.testAccuracy, 9);
			model.dispose();
		});

		it(`${id}: its weights are the ones its card names, and the card says so for people too`, () => {
			const card = readModelCard(id);
			const weights = readFileSync(join(MODELS_DIR, id, 'weights.bin'));
			expect(createHash('sha256').update(weights).digest('hex')).toBe(card.weightsSha256);
			const markdown = readFileSync(join(MODELS_DIR, id, 'MODEL_CARD.md'), 'utf8');
			expect(markdown).toContain(card.weightsSha256);
			expect(markdown).toContain(`${(100 * card.testAccuracy).toFixed(2)} %`);
			expect(markdown).toContain(card.parameters.toLocaleString('en-US'));
		});
	}

	it('the CNN reaches at least 97.5 % on the held-out digits', () => {
		expect(readModelCard('mnist-cnn').testAccuracy).toBeGreaterThanOrEqual(0.975);
	});

	it('adversarial training makes the CNN far more robust to FGSM at eps 0.25 (measured)', async () => {
		const errorAt025 = async (id: 'mnist-cnn' | 'mnist-cnn-adv') => {
			const model = await modelFromArtifacts(readModelArtifacts(id));
			const [point] = await fgsmRobustness(classifierFromModel(model), test, [0.25], {
				limit: 500
			});
			model.dispose();
			return point.errorRate;
		};
		const plain = await errorAt025('mnist-cnn');
		const adv = await errorAt025('mnist-cnn-adv');
		expect(plain).toBeGreaterThan(0.9);
		expect(adv).toBeLessThan(plain / 2);
	});
});
