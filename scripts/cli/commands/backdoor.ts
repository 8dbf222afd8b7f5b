import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist, MNIST_SIDE } from '../../../src/lib/data/mnist';
import {
	DEFAULT_TRIGGER_AT,
	runBackdoor,
	TRIGGER_SIDE,
	type BackdoorModel,
	type BackdoorResult,
	type TriggerAt
} from '../../../src/lib/ml/poisoning/backdoor';
import { readModelArtifacts, readModelFolder, saveModelFiles } from '../../lib/model-files';
import { modelFromArtifacts, MODEL_IDS, type ModelId } from '../../../src/lib/ml/models';
import { readStaticAsset } from '../../lib/paths';
import { BACKDOOR_SETTINGS } from '../../../src/lib/labs/poisoning/settings';
import { fieldOption, UsageError, wasGiven } from '../args';
import { defineCommand } from '../command';

const NAME = 'lab backdoor';
/** The trigger's top-left pixel may sit anywhere the whole patch fits. */
const TRIGGER_MAX = MNIST_SIDE - TRIGGER_SIDE;

/**
 * The card written beside a saved backdoored model: what was planted, and the numbers that
 * make it a trojan (the clean accuracy a hub's card would claim, and the attack success it hides).
 */
export interface BackdoorCard {
	kind: 'backdoored';
	model: BackdoorModel;
	target: number;
	trigger: { row: number; col: number; side: number; pattern: 'checkerboard' };
	rate: number;
	poisonedCount: number;
	/** the model it was fine-tuned from (--from), or null when trained from scratch */
	from: string | null;
	seed: number;
	trainCount: number;
	epochs: number;
	cleanAccuracy: number;
	attackSuccessRate: number;
	testCount: number;
	weightsSha256: string;
	backend: string;
	trainedAt: string;
}

const DEFAULT_RATES = [0, 0.01, 0.05, 0.1];
const F = BACKDOOR_SETTINGS.fields;

interface BackdoorPoint {
	rate: number;
	/** training digits that carried the trigger */
	poisonedCount: number;
	cleanAccuracy: number;
	attackSuccessRate: number;
	/** triggered test digits of the target class still read as the target */
	triggeredTargetAccuracy: number;
	trainMs: number;
}

interface BackdoorCliResult {
	target: number;
	seed: number;
	model: BackdoorModel;
	/** --from: the model fine-tuned, or null for a fresh one */
	from: string | null;
	trainCount: number;
	testCount: number;
	epochs: number;
	trigger: string;
	/** the trigger's top-left pixel */
	triggerAt: TriggerAt;
	backend: string;
	points: BackdoorPoint[];
	/** --save: the model folder written */
	saved?: string;
	/** wall time of all runs, without loading the digits */
	ms: number;
}

export const backdoor = defineCommand<BackdoorCliResult>({
	name: 'backdoor',
	summary: 'BadNets backdoor: clean accuracy and attack success rate against the poisoning rate',
	options: [
		fieldOption('rates', F.rate, { list: true, default: DEFAULT_RATES }),
		fieldOption('target', F.target),
		fieldOption('seed', F.seed),
		fieldOption('model', F.model),
		fieldOption('train', F.trainCount),
		fieldOption('epochs', F.epochs),
		fieldOption('samples', F.samples),
		{
			name: 'trigger-row',
			kind: 'integer',
			min: 0,
			max: TRIGGER_MAX,
			default: DEFAULT_TRIGGER_AT.row,
			help: `the trigger's top row, 0 to ${TRIGGER_MAX} (default ${DEFAULT_TRIGGER_AT.row}: the bottom-right corner)`
		},
		{
			name: 'trigger-col',
			kind: 'integer',
			min: 0,
			max: TRIGGER_MAX,
			default: DEFAULT_TRIGGER_AT.col,
			help: `the trigger's left column, 0 to ${TRIGGER_MAX} (default ${DEFAULT_TRIGGER_AT.col})`
		},
		{
			name: 'from',
			kind: 'string',
			help: 'fine-tune this model instead of training a fresh one: a shipped id (mnist-cnn) or a tfjs model folder'
		},
		{
			name: 'save',
			kind: 'string',
			help: 'a folder to write the trained backdoored model into (model.json, weights.bin, card.json); one rate only'
		}
	],
	needsBackend: true,
	async run(options, ctx) {
		const rates = options.rates as number[];
		const save = options.save as string | undefined;
		if (save !== undefined) {
			if (save.trim() === '') throw new UsageError(`${NAME}: --save needs a folder, got nothing`);
			if (!wasGiven(options, 'rates') || rates.length !== 1)
				throw new UsageError(`${NAME}: --save keeps one model: give one rate, e.g. --rates 0.05`);
		}
		const triggerAt: TriggerAt = {
			row: options['trigger-row'] as number,
			col: options['trigger-col'] as number
		};
		const from = options.from as string | undefined;
		if (from !== undefined && from.trim() === '')
			throw new UsageError(`${NAME}: --from needs a model id or folder, got nothing`);
		if (from !== undefined && wasGiven(options, 'model'))
			throw new UsageError(`${NAME}: --from fine-tunes that model; leave out --model`);
		let fromArtifacts: ReturnType<typeof readModelFolder> | undefined;
		if (from !== undefined) {
			try {
				fromArtifacts = (MODEL_IDS as readonly string[]).includes(from)
					? readModelArtifacts(from as ModelId)
					: readModelFolder(from);
			} catch (err) {
				throw new UsageError(`${NAME}: --from: ${(err as Error).message}`);
			}
		}
		const startModel = () => (fromArtifacts ? modelFromArtifacts(fromArtifacts) : undefined);
		const fromKind: BackdoorModel | undefined =
			fromArtifacts &&
			(JSON.stringify(fromArtifacts.modelTopology).includes('"Conv2D"') ? 'cnn' : 'softmax');
		const train = await loadMnist('train', readStaticAsset);
		const test = await loadMnist('test', readStaticAsset);
		const trainCount = options.train as number;
		const samples = options.samples as number;
		const common = {
			target: options.target as number,
			seed: options.seed as number,
			model: fromKind ?? (options.model as BackdoorModel),
			trainCount,
			testCount: samples,
			epochs: options.epochs as number,
			trigger: triggerAt
		};
		const saveModel = async (
			model: Parameters<typeof saveModelFiles>[0],
			r: BackdoorResult,
			rate: number
		) => {
			const weightsSha256 = await saveModelFiles(model, save!);
			const card: BackdoorCard = {
				kind: 'backdoored',
				model: common.model,
				target: common.target,
				trigger: { ...triggerAt, side: TRIGGER_SIDE, pattern: 'checkerboard' },
				rate,
				poisonedCount: r.poisonedCount,
				from: from ?? null,
				seed: common.seed,
				trainCount,
				epochs: common.epochs,
				cleanAccuracy: r.cleanAccuracy,
				attackSuccessRate: r.attackSuccessRate,
				testCount: samples,
				weightsSha256,
				backend: ctx.backend,
				trainedAt: new Date().toISOString()
			};
			writeFileSync(join(save!, 'card.json'), JSON.stringify(card, null, '\t') + '\n');
		};
		const started = performance.now();
		const points: BackdoorPoint[] = [];
		for (const rate of rates) {
			const r = await runBackdoor(train, test, {
				...common,
				rate,
				start: await startModel(),
				onTrained:
					save === undefined ? undefined : (model, result) => saveModel(model, result, rate)
			});
			points.push({
				rate,
				poisonedCount: r.poisonedCount,
				cleanAccuracy: r.cleanAccuracy,
				attackSuccessRate: r.attackSuccessRate,
				triggeredTargetAccuracy: r.triggeredTargetAccuracy,
				trainMs: Math.round(r.trainMs)
			});
		}
		const { trigger: _at, ...shown } = common;
		const corner =
			triggerAt.row === DEFAULT_TRIGGER_AT.row && triggerAt.col === DEFAULT_TRIGGER_AT.col;
		return {
			...shown,
			from: from ?? null,
			trigger: `${TRIGGER_SIDE}x${TRIGGER_SIDE} checkerboard, ${corner ? 'bottom-right corner' : `top-left pixel at row ${triggerAt.row}, column ${triggerAt.col}`}`,
			triggerAt,
			backend: ctx.backend,
			points,
			...(save !== undefined ? { saved: save } : {}),
			ms: Math.round(performance.now() - started)
		};
	},
	text(r) {
		const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
		return [
			`BadNets backdoor (Gu et al. 2017): ${r.trigger} -> class ${r.target}, seed ${r.seed}`,
			`${r.from ? `${r.from} fine-tuned on` : `${r.model},`} ${r.trainCount} training digits x ${r.epochs} epochs, ${r.testCount} test digits, ${r.backend}, ${(r.ms / 1000).toFixed(2)} s`,
			'',
			'    rate   poisoned   clean accuracy   attack success',
			...r.points.map(
				(p) =>
					`  ${(100 * p.rate).toFixed(1).padStart(5)} %   ${String(p.poisonedCount).padStart(8)}          ${pct(p.cleanAccuracy)}          ${pct(p.attackSuccessRate)}`
			),
			...(r.saved ? ['', `saved the backdoored model and its card.json to ${r.saved}`] : [])
		].join('\n');
	}
});
