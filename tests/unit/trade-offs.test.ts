import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type DigitSet } from '../../src/lib/data/mnist';
import { classifierFromModel, type Classifier } from '../../src/lib/ml/classifier';
import { modelFromArtifacts, type ModelId } from '../../src/lib/ml/models';
import type { SmoothedModelId } from '../../src/lib/ml/model-ids';
import {
	DEFENCE_COST_IDS,
	DEFENCE_NAMES,
	isFailure,
	measureDefenceCosts,
	type CostInputs,
	type CostOptions,
	type DefenceCost
} from '../../src/lib/ml/defence-costs';
import {
	measurePrivacyUtility,
	measureRobustnessAccuracy,
	measureTransparencySecurity,
	privacyBudgets,
	PRIVACY_DEFAULTS
} from '../../src/lib/ml/trade-offs';
import { epsilonFor, stepsFor } from '../../src/lib/ml/privacy/rdp';
import { readModelArtifacts } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';
import { lab } from '../helpers/lab-cli';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

let test: DigitSet;
let train: DigitSet;
const loaded = new Map<ModelId | SmoothedModelId, Classifier>();
const inputs: CostInputs = {
	async classifier(id) {
		if (!loaded.has(id))
			loaded.set(id, classifierFromModel(await modelFromArtifacts(readModelArtifacts(id))));
		return loaded.get(id)!;
	},
	test: async () => test,
	train: async () => train
};

beforeAll(async () => {
	await useBackend('wasm');
	[test, train] = await Promise.all([
		loadMnist('test', readStaticAsset),
		loadMnist('train', readStaticAsset)
	]);
	// the models load before the leak checks count: a loaded model's weights are not a leak
	await inputs.classifier('mnist-cnn');
	await inputs.classifier('mnist-cnn-noise-050');
});

afterAll(() => {
	for (const c of loaded.values()) c.dispose();
});

/** Every defence at a tiny size: a few digits, one epoch, the smallest PRADA budget. */
const TINY: Partial<CostOptions> = {
	digits: 8,
	latencyDigits: 3,
	smoothingN: [20, 40],
	smoothingDigits: 2,
	dpMembers: 60,
	dpEpochs: 1,
	pradaBudget: 110,
	pradaClients: 1,
	poisonTrain: 300,
	poisonTest: 200
};

describe('the cost of every defence, measured (src/lib/ml/defence-costs.ts)', () => {
	it('measures all seven with and without, in their own units, and leaves no tensor behind', async () => {
		const progress: number[] = [];
		const shown: string[] = [];
		const results = await expectNoLeaks(() =>
			measureDefenceCosts(inputs, TINY, {
				onProgress: (f) => progress.push(f),
				onResult: (r) => shown.push(r.id)
			})
		);
		expect(results.map((r) => r.id)).toEqual([...DEFENCE_COST_IDS]);
		expect(shown).toEqual([...DEFENCE_COST_IDS]);
		const failures = results.filter(isFailure);
		expect(failures, failures.map((f) => f.error).join('; ')).toEqual([]);
		for (const d of results as DefenceCost[]) {
			expect(d.baselineMs, d.id).toBeGreaterThan(0);
			for (const p of d.points) {
				expect(p.ms, d.id).toBeGreaterThan(0);
				expect(Number.isFinite(p.gain), d.id).toBe(true);
			}
		}
		const byId = Object.fromEntries(results.map((r) => [r.id, r as DefenceCost]));
		// smoothing: one point per n, each a share of the two digits
		expect(byId.smoothing.points.map((p) => p.setting)).toEqual(['n = 20', 'n = 40']);
		for (const p of byId.smoothing.points) expect([0, 0.5, 1]).toContain(p.value);
		// PRADA's value is a query number within the budget, or null when it never fired
		const alarm = byId.prada.points[0].value;
		expect(alarm === null || (alarm >= 100 && alarm <= 110)).toBe(true);
		// a share of the squeezers' eight digits
		expect(Number.isInteger(byId['bit-depth'].points[0].value! * 8)).toBe(true);
		// progress only moves forward and ends at 1
		expect(progress.every((f, i) => i === 0 || f >= progress[i - 1] - 1e-12)).toBe(true);
		expect(progress.at(-1)).toBe(1);
	});

	it('a defence that fails is reported with its message; the others are still measured', async () => {
		const broken: CostInputs = {
			...inputs,
			classifier: async (id) => {
				if (id === 'mnist-cnn-noise-050') throw new Error('models/mnist-cnn-noise-050: HTTP 404');
				return inputs.classifier(id);
			}
		};
		const results = await measureDefenceCosts(broken, { ...TINY, dpEpochs: 1 });
		const smoothing = results.find((r) => r.id === 'smoothing')!;
		expect(isFailure(smoothing) && smoothing.error).toBe('models/mnist-cnn-noise-050: HTTP 404');
		expect(results.filter(isFailure)).toHaveLength(1);
	});

	it('stops at once on abort, with the AbortError', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(
			measureDefenceCosts(inputs, TINY, { signal: controller.signal })
		).rejects.toMatchObject({ name: 'AbortError' });
	});

	it('names a bad option and what it must be', async () => {
		await expect(measureDefenceCosts(inputs, { pradaBudget: 50 })).rejects.toThrow(
			'defence costs: pradaBudget must be a whole number from 110 to 20000, got 50'
		);
		await expect(measureDefenceCosts(inputs, { smoothingN: [] })).rejects.toThrow(
			'smoothingN must list whole numbers >= 1'
		);
		await expect(measureDefenceCosts(inputs, { eps: 0 })).rejects.toThrow(
			'eps must be above 0 and at most 0.5, got 0'
		);
	});
});

describe('the lesson’s privacy and robustness miniatures (src/lib/ml/trade-offs.ts)', () => {
	it('give the accountant’s epsilon per sigma before anything is trained', () => {
		const { q, steps } = stepsFor(PRIVACY_DEFAULTS.members, 50, PRIVACY_DEFAULTS.epochs);
		expect(privacyBudgets(PRIVACY_DEFAULTS)).toEqual(
			PRIVACY_DEFAULTS.sigmas.map((sigma) => ({
				sigma,
				epsilon: sigma === null ? Infinity : epsilonFor({ q, sigma, steps, delta: 1e-5 }).epsilon
			}))
		);
	});

	it('train the digit MLP at each noise level and attack it, leaving no tensor behind', async () => {
		const points = await expectNoLeaks(() =>
			measurePrivacyUtility(inputs, { sigmas: [null, 2], members: 60, epochs: 1 })
		);
		expect(points.map((p) => p.sigma)).toEqual([null, 2]);
		expect(points[0].epsilon).toBe(Infinity);
		expect(points[1].epsilon).toBeGreaterThan(0);
		for (const p of points) {
			expect(p.accuracy).toBeGreaterThanOrEqual(0);
			expect(p.accuracy).toBeLessThanOrEqual(1);
		}
	});

	it('attack each model with PGD on the same digits, leaving no tensor behind', async () => {
		const rows = await expectNoLeaks(() =>
			measureRobustnessAccuracy(inputs, { models: ['mnist-cnn'], digits: 10 })
		);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ model: 'mnist-cnn', digits: 10 });
		// the plain CNN reads the first ten digits and loses most of them to PGD at eps 0.1
		expect(rows[0].clean).toBeGreaterThanOrEqual(0.9);
		expect(rows[0].attacked).toBeLessThan(rows[0].clean);
		await expect(measureRobustnessAccuracy(inputs, { digits: 0 })).rejects.toThrow(
			'robustness trade-off: digits must be a whole number from 1 to 2000, got 0'
		);
	});
});

describe('the lesson’s transparency miniature (src/lib/ml/trade-offs.ts)', () => {
	it('one explained answer recovers the logistic regression that equation solving needs 11 for; the MLP is copied with and without gradients', async () => {
		const parts: string[] = [];
		const r = await expectNoLeaks(() =>
			measureTransparencySecurity(
				{ budget: 50 },
				{ onPart: (part) => parts.push(...Object.keys(part)) }
			)
		);
		expect(parts).toEqual(['logreg', 'audit', 'mlp']);
		expect(r.logreg.explainedQueries).toBe(1);
		// d + 1 = 11 unknowns for the 10 fraud features and the bias
		expect(r.logreg.equationQueries).toBe(11);
		expect(r.logreg.explainedMaxParamError).toBeLessThan(1e-9);
		expect(r.logreg.equationMaxParamError).toBeLessThan(1e-9);
		expect(r.mlp.with.map((p) => p.queries)).toEqual([10, 20, 50]);
		expect(r.mlp.without.map((p) => p.queries)).toEqual([10, 20, 50]);
		for (const p of [...r.mlp.with, ...r.mlp.without]) {
			expect(p.agreement).toBeGreaterThan(0.5);
			expect(p.agreement).toBeLessThanOrEqual(1);
		}
		expect(r.mlp.saving.level).toBe(r.mlp.without[2].agreement);
		// the README's auditor: amount compared with usual first, and a larger amount raises P(fraud)
		expect(r.audit).toHaveLength(3);
		expect(r.audit[0].feature).toBe('Amount compared with usual');
		expect(r.audit[0].direction).toBeGreaterThan(0);
	});

	it('names a bad option, and stops on abort', async () => {
		await expect(measureTransparencySecurity({ budget: 10 })).rejects.toThrow(/budget must be/);
		const controller = new AbortController();
		controller.abort();
		await expect(measureTransparencySecurity({}, { signal: controller.signal })).rejects.toThrow(
			/cancel/
		);
	});
});

describe('npm run lab -- costs', () => {
	it('prints every defence with its cost and protection, and takes the core’s bounds as its own', async () => {
		const run = await lab(
			'costs',
			...[
				'--digits',
				'5',
				'--latency-digits',
				'2',
				'--smoothing-n',
				'20',
				'--smoothing-digits',
				'1'
			],
			...[
				'--dp-members',
				'60',
				'--dp-epochs',
				'1',
				'--prada-budget',
				'110',
				'--prada-clients',
				'1'
			],
			...['--poison-train', '300', '--poison-test', '200']
		);
		expect(run.code, run.stderr).toBe(0);
		for (const id of DEFENCE_COST_IDS) expect(run.stdout).toContain(DEFENCE_NAMES[id].name);
		expect(run.stdout).not.toContain('not measured');
		expect(run.stdout).toMatch(/cost per prediction of one digit: \d/);

		const bad = await lab('costs', '--prada-budget', '50');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toBe(
			'lab costs: --prada-budget must be a whole number from 110 to 20000, got 50'
		);
	});
});
