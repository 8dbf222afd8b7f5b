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

type Field<K extends keyof PoisoningParams> = {
	parse: (raw: string) => PoisoningParams[K] | undefined;
	show: (value: PoisoningParams[K]) => string;
	expect: string;
};

function choice<T extends string>(values: readonly T[]) {
	return {
		parse: (raw: string) => ((values as readonly string[]).includes(raw) ? (raw as T) : undefined),
		show: (v: T) => v,
		expect: `one of ${values.join(', ')}`
	};
}

const num = (lo: number, hi: number, integer = false) => ({
	parse: (raw: string) => {
		const v = Number(raw);
		if (raw.trim() === '' || !Number.isFinite(v) || v < lo || v > hi) return undefined;
		if (integer && !Number.isInteger(v)) return undefined;
		return v;
	},
	show: (v: number) => String(+v.toFixed(4)),
	expect: integer ? `a whole number from ${lo} to ${hi}` : `a number from ${lo} to ${hi}`
});

const FIELDS: { [K in keyof PoisoningParams]: Field<K> } = {
	attack: choice(FLIP_ATTACKS),
	rate: num(0, RATE_MAX),
	model: choice(POISON_MODELS),
	seed: num(0, 2 ** 31 - 1, true),
	defence: choice(POISON_DEFENCES)
};

const KEYS = Object.keys(FIELDS) as (keyof PoisoningParams)[];

/** Reads the parameters from a query string; problems are returned, not thrown. */
export function readParams(search: string): { params: PoisoningParams; problems: string[] } {
	const query = new URLSearchParams(search);
	const params = { ...DEFAULTS };
	const problems: string[] = [];
	for (const key of KEYS) {
		const raw = query.get(key);
		if (raw === null) continue;
		const value = FIELDS[key].parse(raw);
		if (value === undefined)
			problems.push(
				`?${key}=${raw} is not ${FIELDS[key].expect}; using ${FIELDS[key].show(DEFAULTS[key] as never)}`
			);
		else (params as Record<string, unknown>)[key] = value;
	}
	return { params, problems };
}

/** Every field valid: a cleared or out-of-range control value becomes the default. */
export function normalizeParams(params: PoisoningParams): PoisoningParams {
	const out = { ...DEFAULTS };
	for (const key of KEYS) {
		const value = params[key] as unknown;
		if (value === null || value === undefined) continue;
		const parsed = FIELDS[key].parse(String(value));
		if (parsed !== undefined) (out as Record<string, unknown>)[key] = parsed;
	}
	return out;
}

/** Writes the parameters that differ from the defaults into a query string (other keys kept). */
export function writeParams(raw: PoisoningParams, search: string): string {
	const params = normalizeParams(raw);
	const query = new URLSearchParams(search);
	for (const key of KEYS) {
		const shown = FIELDS[key].show(params[key] as never);
		if (shown === FIELDS[key].show(DEFAULTS[key] as never)) query.delete(key);
		else query.set(key, shown);
	}
	const text = query.toString();
	return text ? `?${text}` : '';
}
