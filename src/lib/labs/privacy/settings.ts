/**
 * The privacy lab's settings, declared once (see $lib/labs/settings): the page's controls and URL
 * and the `lab dp-train` CLI take their ranges, defaults and words from this table.
 */
import { DATASET_INFO, PRIVACY_DATASETS, RUN_DEFAULTS } from '$lib/ml/privacy/experiment';
import { choice, defineSettings, integer, number, seed, type Values } from '$lib/labs/settings';

export const SAMPLINGS = ['poisson', 'shuffle'] as const;

export const SETTINGS = defineSettings({
	dataset: choice(PRIVACY_DATASETS, {
		label: 'Data and model',
		help: `fraud (${DATASET_INFO.fraud.members} seeded transactions) or mnist (${DATASET_INFO.mnist.members} digits)`,
		default: 'fraud',
		labels: Object.fromEntries(
			PRIVACY_DATASETS.map((id) => [
				id,
				`${DATASET_INFO[id].label}, ${DATASET_INFO[id].members} training rows`
			])
		)
	}),
	sigma: number({
		label: 'Noise multiplier sigma',
		help: 'the noise standard deviation is sigma x C; 0 clips but adds no noise, so epsilon is infinite',
		min: 0,
		max: 10,
		step: 0.05,
		default: RUN_DEFAULTS.sigma
	}),
	clip: number({
		label: 'Clip norm C',
		help: "each example's gradient is scaled down to at most this L2 norm",
		min: 0,
		above: true,
		max: 100,
		step: 0.1,
		default: RUN_DEFAULTS.clip
	}),
	batch: integer({
		label: 'Batch size',
		help: 'expected lot size L (Poisson), or the batch size (shuffled)',
		min: 1,
		max: 500,
		default: RUN_DEFAULTS.batchSize
	}),
	epochs: integer({
		label: 'Epochs',
		help: 'passes over the training set (on average, under Poisson sampling)',
		min: 1,
		max: 200,
		default: RUN_DEFAULTS.epochs
	}),
	delta: number({
		label: 'delta',
		help: 'the target delta of the (epsilon, delta) guarantee, below 1 / (training set size)',
		min: 0,
		above: true,
		max: 0.001,
		step: 1e-6,
		default: RUN_DEFAULTS.delta
	}),
	sampling: choice(SAMPLINGS, {
		label: 'Batches',
		help: 'Poisson lots (what the accountant assumes) or shuffled fixed batches (epsilon is then an approximation)',
		default: RUN_DEFAULTS.sampling,
		labels: { poisson: 'Poisson (as accounted)', shuffle: 'shuffled, fixed size' }
	}),
	learningRate: number({
		key: 'lr',
		label: 'Learning rate',
		help: 'SGD step size',
		min: 0,
		above: true,
		max: 10,
		step: 0.01,
		default: DATASET_INFO.fraud.learningRate
	}),
	momentum: number({
		label: 'Momentum',
		help: 'heavy-ball momentum (0: plain SGD)',
		min: 0,
		max: 0.99,
		step: 0.01,
		default: RUN_DEFAULTS.momentum
	}),
	seed: seed({ help: 'seeds the data, the weights, the lots and the noise' })
});

export type PrivacyParams = Pick<
	Values<typeof SETTINGS.fields>,
	'dataset' | 'sigma' | 'clip' | 'batch' | 'epochs' | 'delta' | 'sampling' | 'seed'
>;
export const URL_PARAMS = SETTINGS.url([
	'dataset',
	'sigma',
	'clip',
	'batch',
	'epochs',
	'delta',
	'sampling',
	'seed'
]);
export const DEFAULTS: PrivacyParams = URL_PARAMS.defaults;
export const SIGMA_MAX = SETTINGS.fields.sigma.max;
export const SIGMA_STEP = SETTINGS.fields.sigma.step;
