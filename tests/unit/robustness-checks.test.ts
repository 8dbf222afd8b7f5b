import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifierFromModel, type Classifier } from '../../src/lib/ml/classifier';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import { honestChecks, type HonestReport } from '../../src/lib/ml/adversarial/checks';
import type { AttackSpec } from '../../src/lib/ml/adversarial/robustness';
import { loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { readModelArtifacts } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

const FGSM: AttackSpec = { kind: 'fgsm' };
const PGD: AttackSpec = { kind: 'pgd', steps: 10, randomStart: true, seed: 0 };

let test: DigitSet;
let adv: Classifier;
let cnn: Classifier;

beforeAll(async () => {
	await useBackend('wasm');
	test = await loadMnist('test', readStaticAsset);
	adv = classifierFromModel(await modelFromArtifacts(readModelArtifacts('mnist-cnn-adv')));
	cnn = classifierFromModel(await modelFromArtifacts(readModelArtifacts('mnist-cnn')));
});

afterAll(() => {
	adv?.dispose();
	cnn?.dispose();
});

const verdict = (r: HonestReport, id: string) => r.checks.find((c) => c.id === id)!;

describe('honest robustness checks (Athalye et al. 2018; Carlini et al. 2019)', () => {
	it('the masking checks fail for mnist-cnn-adv under FGSM only and pass once PGD is included', async () => {
		const only = ['monotone', 'unbounded'] as const;
		const fgsmOnly = await honestChecks(adv, test, {
			claim: { attacks: [FGSM] },
			limit: 200,
			only: [...only]
		});
		// FGSM-trained, FGSM-evaluated: accuracy rises again with eps and stays far above chance
		// at eps 0.5 (README: 81.5 % at 0.05, 92.0 % at 0.15, 48.0 % at 0.5 on these 200 digits).
		expect(verdict(fgsmOnly, 'monotone').passed).toBe(false);
		expect(verdict(fgsmOnly, 'monotone').detail).toMatch(/masked/);
		expect(verdict(fgsmOnly, 'unbounded').passed).toBe(false);
		const at = (r: HonestReport, eps: number) => r.claimed.find((p) => p.eps === eps)!.accuracy;
		expect(at(fgsmOnly, 0.15)).toBeGreaterThan(at(fgsmOnly, 0.05) + 0.05);
		expect(at(fgsmOnly, 0.5)).toBeGreaterThan(0.3);

		const withPgd = await honestChecks(adv, test, {
			claim: { attacks: [FGSM, PGD] },
			limit: 200,
			only: [...only]
		});
		expect(verdict(withPgd, 'monotone').passed, verdict(withPgd, 'monotone').detail).toBe(true);
		expect(verdict(withPgd, 'unbounded').passed, verdict(withPgd, 'unbounded').detail).toBe(true);
		expect(at(withPgd, 0.5)).toBeLessThanOrEqual(withPgd.classShareCeiling);
		// The same digits: adding an attack can only lower the per-digit worst case.
		for (const p of withPgd.claimed) expect(p.accuracy).toBeLessThanOrEqual(at(fgsmOnly, p.eps));
	});

	it('a one-step evaluation fails convergence; attacking through a median filter beats ignoring it', async () => {
		const r = await expectNoLeaks(() =>
			honestChecks(cnn, test, {
				claim: { attacks: [FGSM] },
				defence: 'median-2',
				transferFrom: { id: 'mnist-cnn-adv', classifier: adv },
				epsValues: [0, 0.1, 0.3],
				limit: 40
			})
		);
		expect(r.checks.map((c) => c.id)).toEqual([
			'monotone',
			'unbounded',
			'iterative',
			'convergence',
			'transfer',
			'adaptive'
		]);
		expect(r.epsValues).toEqual([0, 0.1, 0.3, 0.5]);
		expect(verdict(r, 'convergence').passed).toBe(false);
		expect(verdict(r, 'adaptive').passed).toBe(false);
		expect(verdict(r, 'adaptive').detail).toMatch(/2x2 median/);
		for (const c of r.checks) expect(c.detail).toMatch(/\d+\.\d %/);
	});

	it('rejects a bad plan with a message naming the field', async () => {
		await expect(honestChecks(cnn, test, { claim: { attacks: [] } })).rejects.toThrow(/claim/);
		await expect(honestChecks(cnn, test, { claim: { attacks: [FGSM] }, limit: 0 })).rejects.toThrow(
			/limit/
		);
		await expect(
			honestChecks(cnn, test, { claim: { attacks: [FGSM] }, referenceEps: -1 })
		).rejects.toThrow(/referenceEps/);
	});

	it('stops when its signal aborts, leaving no tensors', async () => {
		const controller = new AbortController();
		await expectNoLeaks(async () => {
			const run = honestChecks(cnn, test, {
				claim: { attacks: [PGD] },
				limit: 50,
				signal: controller.signal,
				onProgress: (done) => done > 0 && controller.abort()
			});
			await expect(run).rejects.toThrow(/cancelled/);
		});
	});
});
