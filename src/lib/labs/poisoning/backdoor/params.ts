/**
 * The backdoor panel's settings as URL parameters (prefixed `bd-` so they live beside the rest
 * of the poisoning lab's), so a link reproduces a run: poisoning rate, target class, seed and
 * training size. Read only in the browser; bad values fall back to defaults and are reported.
 */

export const RATE_CHOICES = [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2] as const;
export const SWEEP_RATES = [0, 0.005, 0.01, 0.02, 0.05, 0.1] as const;
export const TRAIN_CHOICES = [1000, 2000, 4000, 8000] as const;

export interface BackdoorParams {
	/** share of the training digits poisoned, 0..0.5 */
	rate: number;
	target: number;
	seed: number;
	trainCount: number;
}

export const DEFAULTS: BackdoorParams = { rate: 0.05, target: 7, seed: 1, trainCount: 2000 };

interface Field {
	key: string;
	expect: string;
	parse: (raw: string) => number | undefined;
}

const number = (lo: number, hi: number, integer: boolean) => (raw: string) => {
	const v = Number(raw);
	if (raw.trim() === '' || !Number.isFinite(v) || v < lo || v > hi) return undefined;
	return integer && !Number.isInteger(v) ? undefined : v;
};

const FIELDS: Record<keyof BackdoorParams, Field> = {
	rate: { key: 'bd-rate', expect: 'a rate from 0 to 0.5', parse: number(0, 0.5, false) },
	target: { key: 'bd-target', expect: 'a digit 0 to 9', parse: number(0, 9, true) },
	seed: { key: 'bd-seed', expect: 'a whole number >= 0', parse: number(0, 2 ** 31 - 1, true) },
	trainCount: {
		key: 'bd-train',
		expect: `one of ${TRAIN_CHOICES.join(', ')}`,
		parse: (raw) => TRAIN_CHOICES.find((n) => String(n) === raw.trim())
	}
};

const KEYS = Object.keys(FIELDS) as (keyof BackdoorParams)[];

/** Reads the settings from a query string; problems are returned, not thrown. */
export function readBackdoorParams(search: string): {
	params: BackdoorParams;
	problems: string[];
} {
	const query = new URLSearchParams(search);
	const params = { ...DEFAULTS };
	const problems: string[] = [];
	for (const name of KEYS) {
		const { key, expect, parse } = FIELDS[name];
		const raw = query.get(key);
		if (raw === null) continue;
		const value = parse(raw);
		if (value === undefined)
			problems.push(`?${key}=${raw} is not ${expect}; using ${DEFAULTS[name]}`);
		else params[name] = value;
	}
	return { params, problems };
}

/** The settings with every field valid: an emptied or out-of-range box becomes the default. */
export function normalizeBackdoorParams(raw: BackdoorParams): BackdoorParams {
	const out = { ...DEFAULTS };
	for (const name of KEYS) {
		const value = raw[name] as unknown;
		if (value === null || value === undefined) continue;
		const parsed = FIELDS[name].parse(String(value));
		if (parsed !== undefined) out[name] = parsed;
	}
	return out;
}

/** Writes the settings that differ from the defaults into a query string, keeping other keys. */
export function writeBackdoorParams(raw: BackdoorParams, search: string): string {
	const params = normalizeBackdoorParams(raw);
	const query = new URLSearchParams(search);
	for (const name of KEYS) {
		if (params[name] === DEFAULTS[name]) query.delete(FIELDS[name].key);
		else query.set(FIELDS[name].key, String(params[name]));
	}
	const text = query.toString();
	return text ? `?${text}` : '';
}
