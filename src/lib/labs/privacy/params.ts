/**
 * The privacy lab's inputs as one typed table that round-trips through the URL, so a link
 * reproduces the run (dataset, noise, clip norm, batch, epochs, delta, sampling, seed). Unknown
 * or out-of-range values fall back to defaults and are reported, never thrown.
 */
import { PRIVACY_DATASETS, RUN_DEFAULTS, type PrivacyDataset } from '$lib/ml/privacy/experiment';
import type { Sampling } from '$lib/ml/privacy/dp-sgd';

export const SIGMA_MAX = 10;
export const SIGMA_STEP = 0.05;
export const SAMPLINGS = ['poisson', 'shuffle'] as const;

export interface PrivacyParams {
	dataset: PrivacyDataset;
	sigma: number;
	clip: number;
	batch: number;
	epochs: number;
	delta: number;
	sampling: Sampling;
	seed: number;
}

export const DEFAULTS: PrivacyParams = {
	dataset: 'fraud',
	sigma: RUN_DEFAULTS.sigma,
	clip: RUN_DEFAULTS.clip,
	batch: RUN_DEFAULTS.batchSize,
	epochs: RUN_DEFAULTS.epochs,
	delta: RUN_DEFAULTS.delta,
	sampling: RUN_DEFAULTS.sampling,
	seed: RUN_DEFAULTS.seed
};

type Field<K extends keyof PrivacyParams> = {
	parse: (raw: string) => PrivacyParams[K] | undefined;
	show: (value: PrivacyParams[K]) => string;
	expect: string;
};

const num = (lo: number, hi: number, integer = false, loOpen = false) => ({
	parse: (raw: string) => {
		const v = Number(raw);
		if (raw.trim() === '' || !Number.isFinite(v) || v < lo || v > hi) return undefined;
		if (loOpen && v === lo) return undefined;
		if (integer && !Number.isInteger(v)) return undefined;
		return v;
	},
	show: (v: number) => String(+v.toPrecision(6)),
	expect: `${integer ? 'a whole number' : 'a number'} from ${lo}${loOpen ? ' (exclusive)' : ''} to ${hi}`
});

const choice = <T extends string>(options: readonly T[]) => ({
	parse: (r: string) => ((options as readonly string[]).includes(r) ? (r as T) : undefined),
	show: (v: T) => v,
	expect: `one of ${options.join(', ')}`
});

const FIELDS: { [K in keyof PrivacyParams]: Field<K> } = {
	dataset: choice(PRIVACY_DATASETS),
	sigma: num(0, SIGMA_MAX),
	clip: num(0, 100, false, true),
	batch: num(1, 500, true),
	epochs: num(1, 200, true),
	delta: num(0, 0.001, false, true),
	sampling: choice(SAMPLINGS),
	seed: num(0, 2 ** 31 - 1, true)
};

/** Reads the parameters from a query string; problems are returned, not thrown. */
export function readParams(search: string): { params: PrivacyParams; problems: string[] } {
	const query = new URLSearchParams(search);
	const params = { ...DEFAULTS };
	const problems: string[] = [];
	for (const key of Object.keys(FIELDS) as (keyof PrivacyParams)[]) {
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

/** Every field valid: an emptied or out-of-range box falls back to the default. */
export function normalizeParams(params: PrivacyParams): PrivacyParams {
	const out = { ...DEFAULTS };
	for (const key of Object.keys(FIELDS) as (keyof PrivacyParams)[]) {
		const value = params[key] as unknown;
		if (value === null || value === undefined) continue;
		const parsed = FIELDS[key].parse(String(value));
		if (parsed !== undefined) (out as Record<string, unknown>)[key] = parsed;
	}
	return out;
}

/** Which fields are out of range right now, with what they expect (for inline messages). */
export function invalidFields(
	params: PrivacyParams
): { key: keyof PrivacyParams; expect: string }[] {
	return (Object.keys(FIELDS) as (keyof PrivacyParams)[])
		.filter((key) => {
			const value = params[key] as unknown;
			return (
				value === null || value === undefined || FIELDS[key].parse(String(value)) === undefined
			);
		})
		.map((key) => ({ key, expect: FIELDS[key].expect }));
}

/** Writes the parameters that differ from the defaults into a query string (other keys kept). */
export function writeParams(raw: PrivacyParams, search: string): string {
	const params = normalizeParams(raw);
	const query = new URLSearchParams(search);
	for (const key of Object.keys(FIELDS) as (keyof PrivacyParams)[]) {
		const shown = FIELDS[key].show(params[key] as never);
		if (shown === FIELDS[key].show(DEFAULTS[key] as never)) query.delete(key);
		else query.set(key, shown);
	}
	const text = query.toString();
	return text ? `?${text}` : '';
}
