import { loadMnist } from '../../../src/lib/data/mnist';
import {
	DATASET_INFO,
	fraudPrivacyData,
	mnistPrivacyData,
	PRIVACY_DATASETS,
	RUN_DEFAULTS,
	runPrivacyExperiment,
	type PrivacyDataset,
	type RunResult
} from '../../../src/lib/ml/privacy/experiment';
import { readStaticAsset } from '../../lib/paths';
import { UsageError } from '../args';
import { defineCommand } from '../command';

const NAME = 'lab dp-train';

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
		{
			name: 'dataset',
			kind: 'choice',
			choices: PRIVACY_DATASETS,
			default: 'fraud',
			help: `fraud (${DATASET_INFO.fraud.members} seeded transactions) or mnist (${DATASET_INFO.mnist.members} digits)`
		},
		{
			name: 'sigma',
			kind: 'number',
			min: 0,
			max: 100,
			help: `noise multiplier (default ${RUN_DEFAULTS.sigma}); 0 clips but adds no noise, so epsilon is infinite: --json then gives "epsilon": null and "private": false`
		},
		{
			name: 'no-privacy',
			kind: 'flag',
			help: 'train the non-private baseline instead: plain SGD, no clipping, no noise (--json: "epsilon": null, "private": false; "private" is true only when epsilon is finite)'
		},
		{
			name: 'clip',
			kind: 'number',
			min: 1e-6,
			default: RUN_DEFAULTS.clip,
			help: 'per-example clip norm C'
		},
		{
			name: 'batch',
			kind: 'integer',
			min: 1,
			default: RUN_DEFAULTS.batchSize,
			help: 'expected batch (lot) size'
		},
		{
			name: 'epochs',
			kind: 'integer',
			min: 1,
			max: 1000,
			default: RUN_DEFAULTS.epochs,
			help: 'epochs'
		},
		{
			name: 'delta',
			kind: 'number',
			default: RUN_DEFAULTS.delta,
			help: 'target delta, below 1 / (training set size)'
		},
		{ name: 'lr', kind: 'number', min: 1e-6, help: 'learning rate (default 0.5)' },
		{
			name: 'momentum',
			kind: 'number',
			min: 0,
			max: 0.99,
			default: RUN_DEFAULTS.momentum,
			help: 'heavy-ball momentum (0: plain SGD)'
		},
		{
			name: 'sampling',
			kind: 'choice',
			choices: ['poisson', 'shuffle'],
			default: RUN_DEFAULTS.sampling,
			help: 'Poisson lots (what the accountant assumes) or shuffled fixed batches (epsilon is then an approximation; --json adds "accountingNote")'
		},
		{
			name: 'seed',
			kind: 'integer',
			min: 0,
			default: RUN_DEFAULTS.seed,
			help: 'seed of data, weights, lots and noise'
		}
	],
	needsBackend: true,
	async run(options, ctx) {
		const dataset = options.dataset as PrivacyDataset;
		const info = DATASET_INFO[dataset];
		const baseline = options['no-privacy'] as boolean;
		if (baseline && options.sigma !== undefined)
			throw new UsageError(`${NAME}: --sigma and --no-privacy exclude each other`);
		const delta = options.delta as number;
		if (!(delta > 0 && delta < 1))
			throw new UsageError(`${NAME}: --delta must be a number in (0, 1), got ${delta}`);
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
			sigma: baseline ? null : ((options.sigma as number | undefined) ?? RUN_DEFAULTS.sigma),
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
			`  ${r.backend}, ${(r.ms / 1000).toFixed(2)} s (${r.epochMs.toFixed(1)} ms per epoch)`
		].join('\n');
	}
});
