/**
 * The extraction lab's inputs as one typed table that round-trips through the URL: victim, what
 * the API reveals, its budget, rate limit and price, the attack and its seed, PRADA's threshold.
 * Read only in the browser; bad values fall back to defaults and are reported.
 */
import { isVictimId, type VictimId } from '$lib/ml/extraction/victims';
import { STRATEGIES, type Strategy } from '$lib/ml/extraction/learning';
import type { OutputMode } from '$lib/ml/extraction/victim-api';

export const OUTPUTS = ['probs', 'round', 'label'] as const;
export type OutputKind = (typeof OUTPUTS)[number];

export const OUTPUT_LABELS: Record<OutputKind, string> = {
	probs: 'full probabilities',
	round: 'probabilities rounded',
	label: 'top-1 label only'
};

export interface ExtractionParams {
	victim: VictimId;
	output: OutputKind;
	/** decimals kept when output = round */
	decimals: number;
	/** queries the API will answer in all */
	budget: number;
	/** queries per second; 0 = no limit */
	rate: number;
	/** price of one query */
	cost: number;
	strategy: Strategy;
	seed: number;
	/** PRADA alarm threshold on Shapiro-Wilk W */
	delta: number;
}

export const DEFAULTS: ExtractionParams = {
	victim: 'fraud-mlp',
	output: 'probs',
	decimals: 1,
	budget: 2000,
	rate: 0,
	cost: 0.001,
	strategy: 'jacobian',
	seed: 1,
	delta: 0.55
};

export function outputModeOf(p: ExtractionParams): OutputMode {
	return p.output === 'round' ? { kind: 'round', decimals: p.decimals } : { kind: p.output };
}

export function outputText(mode: OutputMode): string {
	return mode.kind === 'round' ? `rounded to ${mode.decimals} decimals` : OUTPUT_LABELS[mode.kind];
}

type Field<K extends keyof ExtractionParams> = {
	parse: (raw: string) => ExtractionParams[K] | undefined;
	show: (value: ExtractionParams[K]) => string;
	expect: string;
};

const num = (lo: number, hi: number, integer = false) => ({
	parse: (raw: string) => {
		const v = Number(raw);
		if (raw.trim() === '' || !Number.isFinite(v) || v < lo || v > hi) return undefined;
		if (integer && !Number.isInteger(v)) return undefined;
		return v;
	},
	show: (v: number) => String(+v.toFixed(6)),
	expect: integer ? `a whole number from ${lo} to ${hi}` : `a number from ${lo} to ${hi}`
});

const choice = <T extends string>(values: readonly T[]) => ({
	parse: (r: string) => ((values as readonly string[]).includes(r) ? (r as T) : undefined),
	show: (v: T) => v,
	expect: `one of ${values.join(', ')}`
});

const FIELDS: { [K in keyof ExtractionParams]: Field<K> } = {
	victim: { parse: (r) => (isVictimId(r) ? r : undefined), show: (v) => v, expect: 'a victim id' },
	output: choice(OUTPUTS),
	decimals: num(0, 15, true),
	budget: num(20, 20000, true),
	rate: num(0, 100000, true),
	cost: num(0, 1000),
	strategy: choice(STRATEGIES),
	seed: num(0, 2 ** 31 - 1, true),
	delta: num(0.01, 0.99)
};

export function readParams(search: string): { params: ExtractionParams; problems: string[] } {
	const query = new URLSearchParams(search);
	const params = { ...DEFAULTS };
	const problems: string[] = [];
	for (const key of Object.keys(FIELDS) as (keyof ExtractionParams)[]) {
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

/** Every field valid: an emptied or out-of-range control value becomes the default. */
export function normalizeParams(params: ExtractionParams): ExtractionParams {
	const out = { ...DEFAULTS };
	for (const key of Object.keys(FIELDS) as (keyof ExtractionParams)[]) {
		const value = params[key] as unknown;
		if (value === null || value === undefined) continue;
		const parsed = FIELDS[key].parse(String(value));
		if (parsed !== undefined) (out as Record<string, unknown>)[key] = parsed;
	}
	return out;
}

export function writeParams(raw: ExtractionParams, search: string): string {
	const params = normalizeParams(raw);
	const query = new URLSearchParams(search);
	for (const key of Object.keys(FIELDS) as (keyof ExtractionParams)[]) {
		const shown = FIELDS[key].show(params[key] as never);
		if (shown === FIELDS[key].show(DEFAULTS[key] as never)) query.delete(key);
		else query.set(key, shown);
	}
	const text = query.toString();
	return text ? `?${text}` : '';
}
