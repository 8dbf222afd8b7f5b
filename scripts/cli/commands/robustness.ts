import { loadMnist } from '../../../src/lib/data/mnist';
import { classifierFromModel } from '../../../src/lib/ml/classifier';
import { defended, DEFENCES, type DefenceId } from '../../../src/lib/ml/adversarial/defences';
import { SETTINGS } from '../../../src/lib/labs/adversarial/settings';
import { MODEL_IDS, modelFromArtifacts, type ModelId } from '../../../src/lib/ml/models';
import {
	robustnessCurve,
	type AttackSpec,
	type RobustnessPoint
} from '../../../src/lib/ml/adversarial/robustness';
import {
	CHECK_EPS,
	defaultTransferSource,
	honestChecks,
	type HonestReport
} from '../../../src/lib/ml/adversarial/checks';
import { readModelArtifacts } from '../../lib/model-files';
import { readStaticAsset } from '../../lib/paths';
import { fieldOption, UsageError, wasGiven } from '../args';
import { defineCommand } from '../command';

const NAME = 'lab robustness';
const DEFAULT_EPS = Array.from({ length: 21 }, (_, i) => Math.round(i * 25) / 1000);
const F = SETTINGS.fields;

interface RobustnessResult {
	model: ModelId;
	attack: AttackSpec;
	defence: DefenceId;
	samples: number;
	/** seeds the PGD random start; FGSM and BIM use no randomness */
	seed: number;
	backend: string;
	points: RobustnessPoint[];
	/** wall time of the attack and evaluation, without loading the model and digits */
	ms: number;
	/** with --checks: the honest robustness checks of this evaluation, pass/fail with numbers */
	checks?: HonestReport['checks'];
	/** with --checks: what they were computed on (grid, claimed accuracy, ceilings, transfer model) */
	checkRun?: Omit<HonestReport, 'checks'> & { transferFrom: ModelId; ms: number };
}

export const robustness = defineCommand<RobustnessResult>({
	name: 'robustness',
	summary: 'accuracy of a shipped model under FGSM or PGD/BIM over a range of eps',
	options: [
		fieldOption('model', F.model, { required: true }),
		fieldOption('attack', F.attack, {
			choices: ['fgsm', 'pgd'],
			default: 'fgsm',
			help: 'fgsm, or pgd (BIM without --random-start); curves are untargeted'
		}),
		fieldOption('eps', F.eps, {
			list: true,
			default: DEFAULT_EPS,
			help: 'L-infinity budgets in pixel units'
		}),
		fieldOption('samples', F.samples),
		fieldOption('steps', F.steps, { help: 'pgd: iterations' }),
		fieldOption('step-size', F.stepSize, {
			default: undefined,
			help: 'pgd: a fixed size for every step (default 2.5 * eps / steps, Madry et al. 2018)'
		}),
		fieldOption('random-start', F.randomStart),
		fieldOption('seed', F.seed, { help: 'pgd: seed of the random start' }),
		fieldOption('defence', F.defence, { aliases: ['defense'] }),
		{
			name: 'checks',
			kind: 'flag',
			help: `also run the honest robustness checks (Athalye et al. 2018; Carlini et al. 2019) on the same digits, at eps ${CHECK_EPS.join(', ')}: --json adds "checks", a list of { id, name, passed, detail }`
		},
		fieldOption('transfer-from', F.model, {
			default: undefined,
			help: 'with --checks: the model the transfer check crafts on (default: mnist-cnn for the others, mnist-cnn-adv for mnist-cnn)'
		})
	],
	needsBackend: true,
	async run(options, ctx) {
		const model = options.model as ModelId | undefined;
		if (!model)
			throw new UsageError(`${NAME}: --model is required (one of ${MODEL_IDS.join(', ')})`);
		const kind = options.attack as 'fgsm' | 'pgd';
		if (kind === 'fgsm') {
			for (const name of ['steps', 'step-size', 'random-start'])
				if (wasGiven(options, name))
					throw new UsageError(`${NAME}: --${name} applies to --attack pgd only`);
		}
		const seed = options.seed as number;
		const attack: AttackSpec =
			kind === 'fgsm'
				? { kind: 'fgsm' }
				: {
						kind: 'pgd',
						steps: options.steps as number,
						stepSize: options['step-size'] as number | undefined,
						randomStart: options['random-start'] as boolean,
						seed
					};
		const epsValues = options.eps as number[];
		const defence = options.defence as DefenceId;
		const test = await loadMnist('test', readStaticAsset);
		const samples = options.samples as number;
		if (wasGiven(options, 'transfer-from') && !options.checks)
			throw new UsageError(`${NAME}: --transfer-from applies with --checks only`);
		const transferFrom =
			(options['transfer-from'] as ModelId | undefined) ?? defaultTransferSource(model);
		if (transferFrom === model)
			throw new UsageError(
				`${NAME}: --transfer-from must be another model than --model (${model})`
			);
		const classifier = classifierFromModel(await modelFromArtifacts(readModelArtifacts(model)));
		try {
			const started = performance.now();
			const points = await robustnessCurve(classifier, test, epsValues, {
				attack,
				evaluateOn: defence === 'none' ? undefined : defended(classifier, defence),
				limit: samples
			});
			const ms = Math.round(performance.now() - started);
			const result: RobustnessResult = {
				model,
				attack,
				defence,
				samples,
				seed,
				backend: ctx.backend,
				points,
				ms
			};
			if (options.checks) {
				const other = classifierFromModel(
					await modelFromArtifacts(readModelArtifacts(transferFrom))
				);
				try {
					const checksStarted = performance.now();
					const { checks, ...run } = await honestChecks(classifier, test, {
						claim: { attacks: [attack] },
						defence,
						transferFrom: { id: transferFrom, classifier: other },
						limit: samples,
						seed
					});
					result.checks = checks;
					result.checkRun = {
						...run,
						transferFrom,
						ms: Math.round(performance.now() - checksStarted)
					};
				} finally {
					other.dispose();
				}
			}
			return result;
		} finally {
			classifier.dispose();
		}
	},
	text(r) {
		const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
		const attack =
			r.attack.kind === 'fgsm'
				? 'FGSM (Goodfellow et al. 2015)'
				: `${r.attack.randomStart ? `PGD (Madry et al. 2018), seed ${r.seed}` : 'BIM (Kurakin et al. 2017)'}, ${r.attack.steps} steps of ${r.attack.stepSize ?? '2.5 eps / steps'}`;
		const defence =
			r.defence === 'none'
				? 'no defence'
				: `defence ${DEFENCES[r.defence].label} (attacks crafted on the undefended model)`;
		return [
			`${r.model} under ${attack}`,
			`${r.samples} held-out digits, ${defence}, ${r.backend}, ${(r.ms / 1000).toFixed(2)} s`,
			'',
			'    eps   accuracy      error   mean confidence on errors',
			...r.points.map(
				(p) =>
					`  ${p.eps.toFixed(3)}    ${pct(p.accuracy)}    ${pct(p.errorRate)}    ${p.errorRate > 0 ? pct(p.meanConfidenceOnErrors) : '    -'}`
			),
			...(r.checks && r.checkRun
				? [
						'',
						`Honest robustness checks (${r.checkRun.samples} digits, transfer from ${r.checkRun.transferFrom}, ${(r.checkRun.ms / 1000).toFixed(1)} s):`,
						...r.checks.map((c) => `  ${c.passed ? 'pass' : 'FAIL'}  ${c.name}: ${c.detail}`)
					]
				: [])
		].join('\n');
	}
});
