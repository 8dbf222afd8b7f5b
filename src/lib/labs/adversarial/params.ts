/**
 * The adversarial lab's whole input state as one typed table that round-trips through the URL,
 * so any link reproduces what the learner saw (model, attack, eps, digit, seed). Read only in the
 * browser; unknown or out-of-range values fall back to defaults and are reported.
 */
import { isModelId, type ModelId } from '$lib/ml/models';

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

type Field<K extends keyof AdversarialParams> = {
	parse: (raw: string) => AdversarialParams[K] | undefined;
	show: (value: AdversarialParams[K]) => string;
	expect: string;
};

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

const FIELDS: { [K in keyof AdversarialParams]: Field<K> } = {
	model: { parse: (r) => (isModelId(r) ? r : undefined), show: (v) => v, expect: 'a model id' },
	attack: {
		parse: (r) => ((ATTACKS as readonly string[]).includes(r) ? (r as AttackKind) : undefined),
		show: (v) => v,
		expect: ATTACKS.join(', ')
	},
	eps: num(0, EPS_MAX),
	target: num(0, 9, true),
	steps: num(1, 100, true),
	stepSize: num(0.001, 0.1),
	randomStart: {
		parse: (r) =>
			r === '1' || r === 'true' ? true : r === '0' || r === 'false' ? false : undefined,
		show: (v) => (v ? '1' : '0'),
		expect: '0 or 1'
	},
	seed: num(0, 2 ** 31 - 1, true),
	digit: num(0, 9999, true),
	gallery: num(1, 2 ** 31 - 1, true)
};

/** Reads the parameters from a query string; problems are returned, not thrown. */
export function readParams(search: string): { params: AdversarialParams; problems: string[] } {
	const query = new URLSearchParams(search);
	const params = { ...DEFAULTS };
	const problems: string[] = [];
	for (const key of Object.keys(FIELDS) as (keyof AdversarialParams)[]) {
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

/**
 * The parameters with every field valid: a value a form control left empty or out of range
 * (a cleared number box gives null) becomes the default, so nothing downstream sees it.
 */
export function normalizeParams(params: AdversarialParams): AdversarialParams {
	const out = { ...DEFAULTS };
	for (const key of Object.keys(FIELDS) as (keyof AdversarialParams)[]) {
		const value = params[key] as unknown;
		if (value === null || value === undefined) continue;
		const parsed = FIELDS[key].parse(
			typeof value === 'boolean' ? (value ? '1' : '0') : String(value)
		);
		if (parsed !== undefined) (out as Record<string, unknown>)[key] = parsed;
	}
	return out;
}

/** Writes the parameters that differ from the defaults into a query string (other keys kept). */
export function writeParams(raw: AdversarialParams, search: string): string {
	const params = normalizeParams(raw);
	const query = new URLSearchParams(search);
	for (const key of Object.keys(FIELDS) as (keyof AdversarialParams)[]) {
		const shown = FIELDS[key].show(params[key] as never);
		if (shown === FIELDS[key].show(DEFAULTS[key] as never)) query.delete(key);
		else query.set(key, shown);
	}
	const text = query.toString();
	return text ? `?${text}` : '';
}
