import {
	DECISION_THRESHOLD,
	FLIP_ATTACKS,
	fraudPoisonData,
	poisonSweep,
	type PoisonDefence,
	type PoisonModel,
	type SweepResult
} from '../../../src/lib/ml/poisoning/experiment';
import type { FlipAttack } from '../../../src/lib/ml/poisoning/label-flips';
import { SETTINGS } from '../../../src/lib/labs/poisoning/settings';
import { fieldOption, UsageError } from '../args';
import { defineCommand } from '../command';

const NAME = 'lab poison';
const DEFAULT_RATES = Array.from({ length: 11 }, (_, i) => i / 20);
const F = SETTINGS.fields;
/** Printed under the table: what the spread and the random-flip numbers do and do not mean. */
const NOTES: Partial<Record<FlipAttack, string[]>> = {
	boundary: [
		`Spread is 0: the boundary attack always flips the same rows (clean score nearest ${DECISION_THRESHOLD}),`,
		'so every seed trains the same model. Seeds only break exact ties.'
	],
	random: [
		'Random flips mostly turn legitimate rows into fraud. The model then scores most payments above',
		`the fixed ${DECISION_THRESHOLD}: accuracy falls and recall rises, while AUC and recall@1%FPR hold.`,
		'That is calibration drift, not a damaged ranking.'
	]
};

interface PoisonResult extends SweepResult {
	backend: string;
	trainRows: number;
	testRows: number;
}

export const poison = defineCommand<PoisonResult>({
	name: 'poison',
	summary: 'fraud-detector metrics against the label-flip rate, mean and spread over seeds',
	options: [
		fieldOption('attack', F.attack, { required: true }),
		fieldOption('rates', F.rate, { list: true, default: DEFAULT_RATES, help: F.rate.help }),
		fieldOption('defence', F.defence, { aliases: ['defense'] }),
		fieldOption('model', F.model),
		fieldOption('seeds', F.seeds),
		fieldOption('seed', F.seed, { help: 'first seed' })
	],
	needsBackend: true,
	async run(options, ctx) {
		const attack = options.attack as FlipAttack | undefined;
		if (!attack)
			throw new UsageError(`${NAME}: --attack is required (one of ${FLIP_ATTACKS.join(', ')})`);
		const rates = options.rates as number[];
		const data = fraudPoisonData();
		const result = await poisonSweep(data, {
			attack,
			rates,
			seeds: options.seeds as number,
			seed: options.seed as number,
			model: options.model as PoisonModel,
			defence: options.defence as PoisonDefence
		});
		return {
			...result,
			backend: ctx.backend,
			trainRows: data.train.count,
			testRows: data.test.count
		};
	},
	text(r) {
		const notes = NOTES[r.attack];
		const pct = (x: number, s: number) =>
			`${(100 * x).toFixed(1).padStart(5)} ±${(100 * s).toFixed(1).padStart(4)}`;
		return [
			`${r.model} under ${r.attack} label flips, defence ${r.defence}, seeds ${r.seeds.join(', ')}`,
			`${r.trainRows} training / ${r.testRows} held-out transactions, fraud flagged at P >= ${DECISION_THRESHOLD}, ${r.backend}, ${(r.ms / 1000).toFixed(2)} s`,
			'',
			'   rate      accuracy %     precision %      recall %         F1 %          AUC %    recall@1%FPR %',
			...r.points.map(
				(p) =>
					`  ${p.rate.toFixed(3)}  ${pct(p.accuracy, p.accuracyStd)}   ${pct(p.precision, p.precisionStd)}   ${pct(p.recall, p.recallStd)}   ${pct(p.f1, p.f1Std)}   ${pct(p.auc, p.aucStd)}   ${pct(p.recallAt1Fpr, p.recallAt1FprStd)}`
			),
			...(notes ? ['', ...notes] : [])
		].join('\n');
	}
});
