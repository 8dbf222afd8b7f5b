/**
 * The poisoning lab's inputs as one typed table that round-trips through the URL (attack, flip
 * rate, model, seed, defence), so a link reproduces the run. Read only in the browser; unknown or
 * out-of-range values fall back to defaults and are reported.
 */
import {
	FLIP_ATTACKS,
	POISON_DEFENCES,
	POISON_MODELS,
	type PoisonDefence,
	type PoisonModel
} from '$lib/ml/poisoning/experiment';
import type { FlipAttack } from '$lib/ml/poisoning/label-flips';
import { choice, num, paramSchema, seed } from '$lib/labs/url-params';

export const ATTACK_LABELS: Record<FlipAttack, string> = {
	random: 'Random flips (any row)',
	targeted: 'Targeted: fraud relabelled legitimate',
	boundary: 'Boundary: the rows the model is least sure of'
};
export const MODEL_LABELS: Record<PoisonModel, string> = {
	logreg: 'Logistic regression',
	mlp: 'Small MLP (10-16-1)'
};
export const DEFENCE_LABELS: Record<PoisonDefence, string> = {
	none: 'No defence',
	knn: 'kNN label sanitization (Paudice et al. 2018)',
	loss: 'Loss-based filtering (drop 5 % highest-loss per class)'
};

export const RATE_MAX = 0.5;
export const RATE_STEP = 0.01;

export interface PoisoningParams {
	attack: FlipAttack;
	rate: number;
	model: PoisonModel;
	seed: number;
	defence: PoisonDefence;
}

export const DEFAULTS: PoisoningParams = {
	attack: 'targeted',
	rate: 0.3,
	model: 'logreg',
	seed: 1,
	defence: 'none'
};

export const URL_PARAMS = paramSchema<PoisoningParams>(DEFAULTS, {
	attack: choice(FLIP_ATTACKS),
	rate: num(0, RATE_MAX),
	model: choice(POISON_MODELS),
	seed: seed(),
	defence: choice(POISON_DEFENCES)
});

export const { read: readParams, normalize: normalizeParams, write: writeParams } = URL_PARAMS;
