/**
 * The adversarial lab's settings, declared once (see $lib/labs/settings): the page's controls and
 * URL and the `lab robustness` CLI take their ranges, defaults and words from this table. Read
 * only in the browser by the page; framework-free, so the CLI imports it too.
 */
import { DEFENCE_IDS, DEFENCES, type DefenceId } from '$lib/ml/adversarial/defences';
import { MODEL_IDS, MODEL_INFO } from '$lib/ml/models';
import {
	choice,
	defineSettings,
	flag,
	integer,
	number,
	seed,
	type Values
} from '$lib/labs/settings';

export const ATTACKS = ['fgsm', 'targeted', 'pgd'] as const;
export type AttackKind = (typeof ATTACKS)[number];

export const ATTACK_LABELS: Record<AttackKind, string> = {
	fgsm: 'FGSM',
	targeted: 'Targeted FGSM',
	pgd: 'BIM / PGD'
};

export const STEP_RULES = ['auto', 'fixed'] as const;
export type StepRule = (typeof STEP_RULES)[number];

/** The held-out digits `npm run data` ships (the test split). */
export const HELD_OUT_DIGITS = 2000;

export const SETTINGS = defineSettings({
	model: choice(MODEL_IDS, {
		label: 'Model',
		help: 'the shipped digit classifier to attack',
		default: 'mnist-cnn',
		labels: Object.fromEntries(MODEL_IDS.map((id) => [id, `${MODEL_INFO[id].title} (${id})`]))
	}),
	attack: choice(ATTACKS, {
		label: 'Attack',
		help: 'FGSM (Goodfellow et al. 2015), targeted FGSM (Kurakin et al. 2017) or BIM/PGD (Kurakin et al. 2017; Madry et al. 2018)',
		default: 'fgsm',
		labels: ATTACK_LABELS
	}),
	eps: number({
		label: 'eps (L-infinity budget)',
		help: 'the largest change allowed per pixel, in pixel units (0 to 1)',
		min: 0,
		max: 0.5,
		step: 0.005,
		default: 0.1
	}),
	target: integer({
		label: 'Target class',
		help: 'targeted FGSM: the class the digit is pushed towards',
		min: 0,
		max: 9,
		default: 3,
		what: 'a digit'
	}),
	steps: integer({
		label: 'Steps',
		help: 'BIM/PGD: gradient steps',
		min: 1,
		max: 100,
		default: 10
	}),
	stepRule: choice(STEP_RULES, {
		label: 'Step size',
		help: 'BIM/PGD: 2.5 x eps / steps (Madry et al. 2018), which can always reach eps, or a fixed size',
		default: 'auto',
		labels: { auto: '2.5 × eps / steps (Madry et al.)', fixed: 'fixed' }
	}),
	stepSize: number({
		label: 'Fixed step size',
		help: 'BIM/PGD with a fixed step: the size of each step, in pixel units',
		min: 0.001,
		max: 0.1,
		step: 0.001,
		default: 0.025
	}),
	randomStart: flag({
		label: 'Random start (PGD; off = BIM)',
		help: 'start from a random point of the eps-ball (Madry et al. 2018); without it, BIM',
		default: false
	}),
	seed: seed({ help: 'seeds the PGD random start' }),
	digit: integer({
		label: 'Held-out digit',
		help: `which of the ${HELD_OUT_DIGITS} held-out test images to attack`,
		min: 0,
		max: HELD_OUT_DIGITS - 1,
		default: 0
	}),
	gallery: integer({
		label: 'Gallery shuffle',
		help: "seed of the gallery's sample of held-out digits",
		min: 1,
		max: 2 ** 31 - 1,
		default: 1
	}),
	samples: integer({
		label: 'Digits to attack',
		help: 'robustness curves: held-out digits attacked, from the start of the test split',
		min: 1,
		max: HELD_OUT_DIGITS,
		default: 1000
	}),
	defence: choice(DEFENCE_IDS, {
		label: 'Defence',
		help: 'input transformation in front of the model (Xu et al. 2018); attacks are crafted without it',
		default: 'none' as DefenceId,
		labels: Object.fromEntries(DEFENCE_IDS.map((id) => [id, DEFENCES[id].label]))
	})
});

/** What the page keeps in its URL (the defence is the CLI's; the page runs every defence). */
const PAGE_FIELDS = [
	'model',
	'attack',
	'eps',
	'target',
	'steps',
	'stepRule',
	'stepSize',
	'randomStart',
	'seed',
	'digit',
	'gallery',
	'samples'
] as const;

export type AdversarialParams = Pick<Values<typeof SETTINGS.fields>, (typeof PAGE_FIELDS)[number]>;
export const URL_PARAMS = SETTINGS.url(PAGE_FIELDS);
export const DEFAULTS: AdversarialParams = URL_PARAMS.defaults;
export const EPS_MAX = SETTINGS.fields.eps.max;
export const EPS_STEP = SETTINGS.fields.eps.step;

/** The step size BIM/PGD takes: 2.5 eps / steps (Madry et al. 2018), or the fixed size. */
export function stepSizeOf(p: Pick<AdversarialParams, 'stepRule' | 'stepSize' | 'steps' | 'eps'>) {
	return p.stepRule === 'auto' ? undefined : p.stepSize;
}

/**
 * How far BIM/PGD can move a pixel from the start: steps x step size. With a fixed step this can
 * fall short of eps, and the attack then never uses its whole budget.
 */
export function reachOf(p: Pick<AdversarialParams, 'stepRule' | 'stepSize' | 'steps' | 'eps'>) {
	return p.stepRule === 'auto' ? 2.5 * p.eps : p.steps * p.stepSize;
}
