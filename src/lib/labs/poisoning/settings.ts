/**
 * The poisoning lab's settings, declared once (see $lib/labs/settings): label flips (attack, rate,
 * model, defence, seed) and the backdoor panel (prefixed `bd-` in the URL). The page's controls
 * and URL and the `lab poison` / `lab backdoor` CLI take their ranges and words from here.
 */
import {
	FLIP_ATTACKS,
	KNN_ETA,
	KNN_K,
	LOSS_DROP,
	POISON_DEFENCES,
	POISON_MODELS
} from '$lib/ml/poisoning/experiment';
import { BACKDOOR_DEFAULTS, BACKDOOR_MODELS } from '$lib/ml/poisoning/backdoor';
import type { FlipAttack } from '$lib/ml/poisoning/label-flips';
import { choice, defineSettings, integer, number, seed, type Values } from '$lib/labs/settings';

export const ATTACK_LABELS: Record<FlipAttack, string> = {
	random: 'Random flips (any row)',
	targeted: 'Targeted: fraud relabelled legitimate',
	boundary: 'Boundary: the rows the model is least sure of'
};

export const SETTINGS = defineSettings({
	attack: choice(FLIP_ATTACKS, {
		label: 'Label-flip attack',
		help: 'random (any rows), targeted (fraud -> legitimate) or boundary (the rows the clean model is least sure of)',
		default: 'targeted',
		labels: ATTACK_LABELS
	}),
	rate: number({
		label: 'Flip rate',
		help: 'share of the rows the attack may flip (targeted: of the fraud rows), 0 to 0.5',
		min: 0,
		max: 0.5,
		step: 0.01,
		default: 0.3,
		what: 'a rate'
	}),
	model: choice(POISON_MODELS, {
		label: 'Model',
		help: 'logistic regression or the small MLP (10-16-1)',
		default: 'logreg',
		labels: { logreg: 'Logistic regression', mlp: 'Small MLP (10-16-1)' }
	}),
	seed: seed({ help: 'seeds the flips, the MLP weights and its batch order' }),
	seeds: integer({
		label: 'Seeds per rate',
		help: 'sweeps: models trained per flip rate, seeds seed, seed + 1, ...',
		min: 1,
		max: 100,
		default: 5
	}),
	defence: choice(POISON_DEFENCES, {
		label: 'Defence',
		help: `none, knn (Paudice et al. 2018; our defaults k ${KNN_K}, eta ${KNN_ETA}) or loss (drop the ${LOSS_DROP * 100} % highest-loss rows per class)`,
		default: 'none',
		labels: {
			none: 'No defence',
			knn: 'kNN label sanitization (Paudice et al. 2018)',
			loss: 'Loss-based filtering (drop 5 % highest-loss per class)'
		}
	})
});

export type PoisoningParams = Pick<
	Values<typeof SETTINGS.fields>,
	'attack' | 'rate' | 'model' | 'seed' | 'defence'
>;
export const URL_PARAMS = SETTINGS.url(['attack', 'rate', 'model', 'seed', 'defence']);
export const DEFAULTS: PoisoningParams = URL_PARAMS.defaults;
export const RATE_MAX = SETTINGS.fields.rate.max;
export const RATE_STEP = SETTINGS.fields.rate.step;

/** The backdoor rates the page sweeps. */
export const SWEEP_RATES = [0, 0.005, 0.01, 0.02, 0.05, 0.1] as const;
const BACKDOOR_RATES = [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2] as const;
const percent = (x: number) => `${+(100 * x).toFixed(1)} %`;

export const BACKDOOR_SETTINGS = defineSettings({
	rate: choice(BACKDOOR_RATES, {
		key: 'bd-rate',
		label: 'Poisoned share p',
		help: 'share of the training digits that get the trigger and the target label',
		default: 0.05,
		labels: Object.fromEntries(BACKDOOR_RATES.map((r) => [r, percent(r)]))
	}),
	target: integer({
		key: 'bd-target',
		label: 'Target class K',
		help: 'the class a triggered digit is read as',
		min: 0,
		max: 9,
		default: 7,
		what: 'a digit'
	}),
	seed: seed({
		key: 'bd-seed',
		help: 'seeds the poisoned digits, the weights and the batch order'
	}),
	trainCount: integer({
		key: 'bd-train',
		label: 'Training digits',
		help: 'training digits, from the start of the train split',
		min: 100,
		max: 8000,
		default: BACKDOOR_DEFAULTS.trainCount
	}),
	epochs: integer({
		label: 'Epochs',
		help: 'training epochs per rate',
		min: 1,
		max: 50,
		default: BACKDOOR_DEFAULTS.epochs
	}),
	model: choice(BACKDOOR_MODELS, {
		label: 'Model',
		help: 'the small CNN of the lab, or softmax regression',
		default: BACKDOOR_DEFAULTS.model
	}),
	samples: integer({
		label: 'Test digits',
		help: 'test digits scored, from the start of the test split',
		min: 1,
		max: 2000,
		default: 2000
	})
});

export type BackdoorParams = Pick<
	Values<typeof BACKDOOR_SETTINGS.fields>,
	'rate' | 'target' | 'seed' | 'trainCount'
>;
export const BACKDOOR_URL_PARAMS = BACKDOOR_SETTINGS.url(['rate', 'target', 'seed', 'trainCount']);
export const BACKDOOR_DEFAULTS_PAGE: BackdoorParams = BACKDOOR_URL_PARAMS.defaults;
