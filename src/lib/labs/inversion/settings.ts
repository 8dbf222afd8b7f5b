/**
 * The inversion lab's settings, declared once (see $lib/labs/settings): the attacked model, the
 * few-photos model's k, the target class, MI-Face's steps, step size and stopping rules, the
 * image priors, and the black-box API (what it reveals, its budget, the gradient estimator).
 * The privacy lab's digit MLP is trained with that lab's sigma field (and its other defaults).
 * The page's controls and URL and the `lab invert` CLI take their ranges and words from here.
 */
import { MODEL_IDS } from '$lib/ml/model-ids';
import { ESTIMATORS } from '$lib/ml/inversion/black-box';
import { FEW_SHOT_KS } from '$lib/ml/inversion/few-shot';
import { OUTPUTS, OUTPUT_LABELS } from '$lib/labs/extraction/settings';
import { SETTINGS as PRIVACY } from '$lib/labs/privacy/settings';
import {
	choice,
	defineSettings,
	flag,
	integer,
	number,
	seed,
	type Values
} from '$lib/labs/settings';

export const INVERSION_MODELS = [...MODEL_IDS, 'few-shot', 'privacy-mlp'] as const;
export type InversionModel = (typeof INVERSION_MODELS)[number];

export const SETTINGS = defineSettings({
	model: choice(INVERSION_MODELS, {
		label: 'Attacked model',
		help: 'a shipped digit model, or the few-photos model trained here on k digits per class',
		default: 'few-shot',
		labels: {
			'mnist-softmax': 'mnist-softmax (softmax regression)',
			'mnist-cnn': 'mnist-cnn (CNN)',
			'mnist-cnn-adv': 'mnist-cnn-adv (adversarially trained CNN)',
			'few-shot': 'Few photos per class (softmax regression)',
			'privacy-mlp': 'The privacy lab’s digit MLP (DP-SGD)'
		}
	}),
	k: choice(FEW_SHOT_KS, {
		label: 'Photos per class',
		help: 'the few-photos model trains on this many digits of each class',
		default: 5
	}),
	// the privacy lab's own field: the same range, default and meaning of 0
	sigma: PRIVACY.fields.sigma,
	target: integer({
		label: 'Target class',
		help: 'the class whose image the attack reconstructs',
		min: 0,
		max: 9,
		default: 3
	}),
	steps: integer({
		label: 'Steps (alpha)',
		help: 'most gradient steps per class',
		min: 1,
		max: 5000,
		default: 300
	}),
	stepSize: number({
		label: 'Step size (lambda)',
		help: 'how far one step moves the most affected pixel',
		min: 0,
		above: true,
		max: 1,
		step: 0.005,
		default: 0.05
	}),
	patience: integer({
		label: 'Patience (beta)',
		help: 'stop a class once its cost has not improved on the last beta costs; 0 never',
		min: 0,
		max: 5000,
		default: 100
	}),
	goal: number({
		label: 'Cost goal (gamma)',
		help: 'stop a class once its cost 1 - confidence + prior is at most this; 0 never',
		min: 0,
		max: 1,
		step: 0.01,
		default: 0
	}),
	tv: number({
		label: 'Total variation',
		help: 'weight of the smoothness prior (mean difference between neighbouring pixels)',
		min: 0,
		max: 10,
		step: 0.05,
		default: 0.3
	}),
	l2: number({
		label: 'L2',
		help: 'weight of the mean squared pixel: keeps the background dark',
		min: 0,
		max: 10,
		step: 0.05,
		default: 0.1
	}),
	blur: number({
		label: 'Blur between steps',
		help: 'share of each image replaced by its 3x3 blur after every step',
		min: 0,
		max: 1,
		step: 0.05,
		default: 0.3
	}),
	blackbox: flag({
		label: 'Black box',
		help: 'estimate the gradient from the prediction API’s answers instead of reading it',
		default: false
	}),
	output: choice(OUTPUTS, {
		label: 'API answers with',
		help: 'black box: what the prediction API reveals',
		default: 'probs',
		labels: OUTPUT_LABELS
	}),
	decimals: integer({
		label: 'Decimals kept',
		help: 'rounded answers: decimals of each probability',
		min: 0,
		max: 15,
		default: 1
	}),
	estimator: choice(ESTIMATORS, {
		label: 'Gradient estimator',
		help: 'black box: NES (2 x samples queries per step) or finite differences (2 x 784)',
		default: 'nes',
		labels: { nes: 'NES, antithetic Gaussian', fd: 'Finite differences' }
	}),
	samples: integer({
		label: 'NES samples',
		help: 'antithetic pairs per gradient estimate',
		min: 1,
		max: 500,
		default: 50
	}),
	budget: integer({
		label: 'Query budget',
		help: 'black box: queries the API answers per class',
		min: 1,
		max: 1000000,
		default: 20000
	}),
	seed: seed({ help: 'seeds the few-photos digits and training, and the black-box directions' })
});

export type InversionParams = Values<typeof SETTINGS.fields>;
export const URL_PARAMS = SETTINGS.url([
	'model',
	'k',
	'sigma',
	'target',
	'steps',
	'stepSize',
	'patience',
	'goal',
	'tv',
	'l2',
	'blur',
	'blackbox',
	'output',
	'decimals',
	'estimator',
	'samples',
	'budget',
	'seed'
]);
export const DEFAULTS: InversionParams = URL_PARAMS.defaults;
