/**
 * The adversarial lab's whole input state as one typed table that round-trips through the URL,
 * so any link reproduces what the learner saw (model, attack, eps, digit, seed). Read only in the
 * browser; unknown or out-of-range values fall back to defaults and are reported.
 */
import { MODEL_IDS, type ModelId } from '$lib/ml/models';
import { choice, flag, num, paramSchema, seed } from '$lib/labs/url-params';

export const ATTACKS = ['fgsm', 'targeted', 'pgd'] as const;
export type AttackKind = (typeof ATTACKS)[number];

export const ATTACK_LABELS: Record<AttackKind, string> = {
	fgsm: 'FGSM',
	targeted: 'Targeted FGSM',
	pgd: 'BIM / PGD'
};

export const EPS_MAX = 0.5;
export const EPS_STEP = 0.005;

export interface AdversarialParams {
	model: ModelId;
	attack: AttackKind;
	eps: number;
	target: number;
	steps: number;
	stepSize: number;
	randomStart: boolean;
	seed: number;
	/** index of the held-out digit (gallery) */
	digit: number;
	/** seed of the gallery's sample of held-out digits ("Shuffle" changes it) */
	gallery: number;
}

export const DEFAULTS: AdversarialParams = {
	model: 'mnist-cnn',
	attack: 'fgsm',
	eps: 0.1,
	target: 3,
	steps: 10,
	// 10 steps of 0.025 can reach 0.25 from the start; BIM's reach is steps x stepSize.
	stepSize: 0.025,
	randomStart: false,
	seed: 1,
	digit: 0,
	gallery: 1
};

export const URL_PARAMS = paramSchema<AdversarialParams>(DEFAULTS, {
	model: choice(MODEL_IDS),
	attack: choice(ATTACKS),
	eps: num(0, EPS_MAX),
	target: num(0, 9, { integer: true }),
	steps: num(1, 100, { integer: true }),
	stepSize: num(0.001, 0.1),
	randomStart: flag(),
	seed: seed(),
	digit: num(0, 9999, { integer: true }),
	gallery: num(1, 2 ** 31 - 1, { integer: true })
});

export const { read: readParams, normalize: normalizeParams, write: writeParams } = URL_PARAMS;
