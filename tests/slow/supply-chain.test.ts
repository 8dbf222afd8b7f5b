import { beforeAll, describe, expect, it } from 'vitest';
import { digitBatch, loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { readStaticAsset } from '../../scripts/lib/paths';
import { classifierFromModel } from '../../src/lib/ml/classifier';
import { runBackdoor, stampTrigger } from '../../src/lib/ml/poisoning/backdoor';
import { stripEntropy, stripRates } from '../../src/lib/ml/supply-chain/strip';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

let train: DigitSet;
let test: DigitSet;

beforeAll(async () => {
	await useBackend('wasm');
	train = await loadMnist('train', readStaticAsset);
	test = await loadMnist('test', readStaticAsset);
}, 60_000);

describe('STRIP (Gao et al. 2019) on a trojaned CNN', () => {
	it('separates triggered digits from clean ones by the entropy of blended predictions', async () => {
		const clean = digitBatch(test, 1000, 1100);
		const triggered = clean.slice();
		for (let i = 0; i < 100; i++) stampTrigger(triggered, i, 1);
		const overlays = digitBatch(test, 1500, 2000);
		let rates: ReturnType<typeof stripRates> | undefined;
		const result = await runBackdoor(train, test, {
			rate: 0.05,
			target: 7,
			seed: 1,
			testCount: 200,
			onTrained: async (model) => {
				const c = classifierFromModel(model);
				const [hc, ht] = await expectNoLeaks(async () => [
					await stripEntropy(c, clean, { overlays, blends: 32 }),
					await stripEntropy(c, triggered, { overlays, blends: 32 })
				]);
				rates = stripRates(hc, ht);
			}
		});
		expect(result.attackSuccessRate).toBeGreaterThan(0.9);
		expect(rates!.falseAlarmRate).toBeLessThanOrEqual(0.02);
		expect(rates!.auc).toBeGreaterThan(0.95);
		expect(rates!.detectionRate).toBeGreaterThan(0.6);
	}, 120_000);
});
