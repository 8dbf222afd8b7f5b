import { loadMnist } from '../../../src/lib/data/mnist';
import {
	DATASET_INFO,
	fraudPrivacyData,
	mnistPrivacyData,
	runPrivacyExperiment,
	type PrivacyDataset,
	type RunResult
} from '../../../src/lib/ml/privacy/experiment';
import { readStaticAsset } from '../../lib/paths';
import { SETTINGS } from '../../../src/lib/labs/privacy/settings';
import { fieldOption, UsageError, wasGiven } from '../args';
import { defineCommand } from '../command';

const NAME = 'lab dp-train';
const F = SETTINGS.fields;

type DpTrainResult = Omit<RunResult, 'history'> & {
	backend: string;
	learningRate: number;
	/** mean training loss per epoch */
	losses: number[];
	ms: number;
};

export const dpTrain = defineCommand<DpTrainResult>({
	name: 'dp-train',
	summary: 'train an MLP with DP-SGD; held-out accuracy, epsilon and a membership-inference attack',
	options: [
		fieldOption('dataset', F.dataset),
		fieldOption('sigma', F.sigma, {
			help: `${F.sigma.help}: --json then gives "epsilon": null and "private": false`
		}),
		{
			name: 'no-privacy',
			kind: 'flag',
			help: 'train the non-private baseline instead: plain SGD, no clipping, no noise (--json: "epsilon": null, "private": false; "private" is true only when epsilon is finite)'
		},
		fieldOption('clip', F.clip),
		fieldOption('batch', F.batch),
		fieldOption('epochs', F.epochs),
		fieldOption('delta', F.delta),
		fieldOption('lr', F.learningRate, {
			default: undefined,
			help: `${F.learningRate.help} (default: the dataset's, ${DATASET_INFO.fraud.learningRate})`
		}),
		fieldOption('momentum', F.momentum),
		fieldOption('sampling', F.sampling, {
			help: `${F.sampling.help}; --json adds "accountingNote"`
		}),
		fieldOption('seed', F.seed)
	],
	needsBackend: true,
	async run(options, ctx) {
		const dataset = options.dataset as PrivacyDataset;
		const info = DATASET_INFO[dataset];
		const baseline = options['no-privacy'] as boolean;
		if (baseline && wasGiven(options, 'sigma'))
			throw new UsageError(`${NAME}: --sigma and --no-privacy exclude each other`);
		const delta = options.delta as number;
		const batch = options.batch as number;
		if (batch > info.members)
			throw new UsageError(
				`${NAME}: --batch must be at most ${info.members} (the ${dataset} training set), got ${batch}`
			);
		const seed = options.seed as number;
		const data =
			dataset === 'fraud'
				? fraudPrivacyData(info.members, seed)
				: mnistPrivacyData(
						await loadMnist('train', readStaticAsset),
						await loadMnist('test', readStaticAsset),
						info.members,
						seed
					);
		const learningRate = (options.lr as number | undefined) ?? info.learningRate;
		const started = performance.now();
		const { history, ...result } = await runPrivacyExperiment(data, {
			sigma: baseline ? null : (options.sigma as number),
			clip: options.clip as number,
			batchSize: batch,
			epochs: options.epochs as number,
			delta,
			learningRate,
			momentum: options.momentum as number,
			sampling: options.sampling as 'poisson' | 'shuffle',
			seed
		});
		return {
			...result,
			backend: ctx.backend,
			learningRate,
			losses: history.map((h) => h.loss),
			ms: Math.round(performance.now() - started)
		};
	},
	text(r) {
		const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
		const eps = Number.isFinite(r.epsilon)
			? `epsilon ${r.epsilon.toFixed(3)} at delta ${r.delta} (Renyi order ${r.order})`
			: 'epsilon infinite (no privacy guarantee)';
		const how =
			r.sigma !== null
				? `DP-SGD, sigma ${r.sigma}, clip ${r.clip}, ${r.sampling} lots of ${r.batchSize}`
				: `non-private SGD, batches of ${r.batchSize}`;
		return [
			`${r.dataset}: ${r.members} training examples, ${how}, ${r.epochs} epochs (${r.steps} steps), seed ${r.seed}`,
			`  held-out accuracy ${pct(r.accuracy)} (training ${pct(r.trainAccuracy)})`,
			`  ${eps}`,
			...(r.accountingNote ? [`  note: ${r.accountingNote}`] : []),
			`  membership inference (loss threshold): AUC ${r.miaAuc.toFixed(3)}, advantage ${r.miaAdvantage.toFixed(3)} (chance: ${r.miaChance.toFixed(3)}); DP allows at most ${r.advantageBound.toFixed(3)}`,
			`  the attack proves epsilon >= ${r.empiricalEpsilon.toFixed(3)} at 95 % confidence (Jagielski et al. 2020 audit; the accountant's epsilon should stand above it)`,
			`  ${r.backend}, ${(r.ms / 1000).toFixed(2)} s (${r.epochMs.toFixed(1)} ms per epoch)`
		].join('\n');
	}
});
