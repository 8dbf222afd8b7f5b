/**
 * A lab's settings, declared once: one framework-free table per lab lists every input (kind,
 * range, step, default, unit, label, help), and the three front doors are derived from it, so a
 * bound cannot disagree between them (the tensorflow/playground PROPS habit, extended):
 * - the URL: `settings.url()` reads, writes and checks the query string, so any link reproduces
 *   what was on screen;
 * - the page: NumberField and friends take their label, min, max and step from the field, and
 *   `settings.problems()` says which values are out of range, to show beside the field and to
 *   disable the action;
 * - the CLI: scripts/cli/args.ts turns fields into `--options`.
 * An out-of-range value gets the same words at every door: "must be a whole number from 20 to
 * 20000". Bad values never throw.
 */

interface FieldCommon<T> {
	/** what the control is called on the page, e.g. "Query budget" */
	label: string;
	/** one sentence for help texts (CLI --help, tooltips) */
	help: string;
	/** the query key; the field's own name when left out */
	key?: string;
	default: T;
	/** the value a query string (or CLI argument) stands for, or undefined when not acceptable */
	parse(raw: string): T | undefined;
	/** the query text for a value (parse(show(v)) gives v back) */
	show(value: T): string;
	/** what an acceptable value looks like: "a whole number from 1 to 100" */
	expect: string;
}

export interface NumberSpec extends FieldCommon<number> {
	kind: 'number';
	min: number;
	max: number;
	/** the control's step (sliders move by it; number boxes accept multiples of it from min) */
	step: number;
	integer: boolean;
	/** min itself is not allowed */
	above: boolean;
	unit?: string;
}

export interface ChoiceSpec<T extends string | number = string | number> extends FieldCommon<T> {
	kind: 'choice';
	choices: readonly T[];
	/** words for each choice on the page; the value itself when missing */
	labels?: Partial<Record<T, string>>;
}

export interface FlagSpec extends FieldCommon<boolean> {
	kind: 'flag';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any choice type
export type FieldSpec = NumberSpec | ChoiceSpec<any> | FlagSpec;
export type FieldTable = Record<string, FieldSpec>;
export type ValueOf<F> = F extends FieldCommon<infer V> ? V : never;
export type Values<T extends FieldTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

interface Meta<T> {
	label: string;
	help: string;
	default: T;
	key?: string;
}

export interface NumberOptions extends Meta<number> {
	min: number;
	max: number;
	/** default: 1 for whole numbers, (max - min) / 100 otherwise */
	step?: number;
	integer?: boolean;
	/** the lower bound itself is not allowed */
	above?: boolean;
	/** the noun in messages ("a rate", "a digit"); "a number" or "a whole number" by default */
	what?: string;
	unit?: string;
}

/** Ten significant digits drop float noise (0.30000000000000004) but keep anything typed. */
function showNumber(v: number): string {
	return Number.isInteger(v) ? String(v) : String(+Number(v).toPrecision(10));
}

/** A number in [min, max] (or (min, max] with `above`), whole when `integer`. */
export function number(o: NumberOptions): NumberSpec {
	const integer = o.integer ?? false;
	const above = o.above ?? false;
	const what = o.what ?? (integer ? 'a whole number' : 'a number');
	const ok = (v: number) =>
		Number.isFinite(v) &&
		v >= o.min &&
		v <= o.max &&
		!(above && v === o.min) &&
		!(integer && !Number.isInteger(v));
	return {
		kind: 'number',
		label: o.label,
		help: o.help,
		key: o.key,
		default: o.default,
		min: o.min,
		max: o.max,
		step: o.step ?? (integer ? 1 : (o.max - o.min) / 100),
		integer,
		above,
		unit: o.unit,
		parse(raw) {
			if (raw.trim() === '') return undefined;
			const v = Number(raw);
			// -0 reads as 0: a link never carries a sign the page would not show
			return ok(v) ? v + 0 : undefined;
		},
		show: showNumber,
		expect: `${what} from ${o.min}${above ? ' (exclusive)' : ''} to ${o.max}`
	};
}

export const integer = (o: Omit<NumberOptions, 'integer'>) => number({ ...o, integer: true });

/** A seed for the seeded generators in $lib/base/rng (a 31-bit whole number). */
export function seed(o: Partial<Meta<number>> = {}): NumberSpec {
	return integer({
		label: 'Seed',
		help: 'seeds every random choice, so the same seed reproduces the run',
		default: 1,
		...o,
		min: 0,
		max: 2 ** 31 - 1
	});
}

/** One of a fixed list of strings or numbers, written as itself. */
export function choice<const T extends string | number>(
	choices: readonly T[],
	o: Meta<T> & { labels?: Partial<Record<T, string>> }
): ChoiceSpec<T> {
	return {
		kind: 'choice',
		label: o.label,
		help: o.help,
		key: o.key,
		default: o.default,
		choices,
		labels: o.labels,
		// numbers match by value ("0.050" is 0.05), strings exactly
		parse: (raw) =>
			choices.find((v) =>
				typeof v === 'number' ? raw.trim() !== '' && Number(raw) === v : v === raw.trim()
			),
		show: (v) => String(v),
		expect: `one of ${choices.join(', ')}`
	};
}

/** A checkbox: 1/0 in the link, true/false also read. */
export function flag(o: Meta<boolean>): FlagSpec {
	return {
		kind: 'flag',
		label: o.label,
		help: o.help,
		key: o.key,
		default: o.default,
		parse: (raw) =>
			raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : undefined,
		show: (v) => (v ? '1' : '0'),
		expect: '0 or 1'
	};
}

/** The same field under another default or key (e.g. a panel's prefixed URL key). */
export function withDefaults<F extends FieldSpec>(field: F, o: Partial<Meta<ValueOf<F>>>): F {
	return { ...field, ...o };
}

/** Why a value is not acceptable for this field ("must be ..."), or null when it is. */
export function problemOf<F extends FieldSpec>(field: F, value: unknown): string | null {
	if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value)))
		return `must be ${field.expect}`;
	const text =
		field.kind === 'number' && typeof value === 'number' ? showNumber(value) : String(value);
	return field.parse(text) === undefined ? `must be ${field.expect}` : null;
}

/** Keeps a quoted value short in a message (a link can carry thousands of characters). */
export function shorten(raw: string, max = 40): string {
	return raw.length <= max ? raw : `${raw.slice(0, max - 1)}…`;
}

export interface Problem<K> {
	name: K;
	/** "must be a whole number from 20 to 20000" */
	message: string;
}

export interface ParamRead<P> {
	params: P;
	/** one per value that was not acceptable: key, value, what it must be, and the fallback */
	problems: (Problem<keyof P> & { text: string })[];
}

export interface ParamSchema<P> {
	readonly defaults: P;
	/** Reads the parameters from a query string; problems are returned, not thrown. */
	read(search: string): ParamRead<P>;
	/** Every field valid: a value a control left empty (null) or out of range becomes the default.
	 * For snapshots of values already checked with `invalid`; never to hide a bad value. */
	normalize(params: P): P;
	/** Writes the parameters that differ from the defaults into a query string (other keys kept). */
	write(params: P, search: string): string;
	/** The fields whose value is missing or out of range, with what they must be. */
	invalid(params: P): Problem<keyof P>[];
}

export interface Settings<T extends FieldTable> {
	readonly fields: T;
	readonly defaults: Values<T>;
	/** The URL schema over all fields, or over `names` only. */
	url<K extends keyof T>(names?: readonly K[]): ParamSchema<Pick<Values<T>, K>>;
	/** The values (of `names`, default all) that are out of range. */
	problems(values: Partial<Values<T>>, names?: readonly (keyof T)[]): Problem<keyof T>[];
}

/** A lab's settings from its field table. */
export function defineSettings<const T extends FieldTable>(fields: T): Settings<T> {
	const all = Object.keys(fields) as (keyof T)[];
	const defaults = Object.fromEntries(all.map((n) => [n, fields[n].default])) as Values<T>;
	return {
		fields,
		defaults,
		url<K extends keyof T>(names?: readonly K[]) {
			const picked = (names ?? all) as K[];
			const sub = Object.fromEntries(picked.map((n) => [n, fields[n]])) as unknown as Record<
				K,
				FieldSpec
			>;
			return paramSchema(
				Object.fromEntries(picked.map((n) => [n, defaults[n]])) as Pick<Values<T>, K>,
				sub as never
			);
		},
		problems(values, names = all) {
			return names
				.filter((n) => n in values)
				.flatMap((name) => {
					const message = problemOf(fields[name], values[name]);
					return message ? [{ name, message }] : [];
				});
		}
	};
}

function paramSchema<P extends object>(
	defaults: P,
	fields: { [K in keyof P]: FieldSpec }
): ParamSchema<P> {
	const names = Object.keys(fields) as (keyof P)[];
	const keyOf = (name: keyof P) => fields[name].key ?? String(name);
	const shown = (name: keyof P, value: unknown) =>
		(fields[name].show as (v: unknown) => string)(value);
	const check = (name: keyof P, value: unknown) => problemOf(fields[name], value) === null;
	const normalize = (params: P): P => {
		const out = { ...defaults };
		for (const name of names) if (check(name, params[name])) out[name] = params[name];
		return out;
	};
	return {
		defaults,
		read(search) {
			let query: URLSearchParams;
			try {
				query = new URLSearchParams(search);
			} catch {
				query = new URLSearchParams();
			}
			const params = { ...defaults };
			const problems: ParamRead<P>['problems'] = [];
			for (const name of names) {
				const key = keyOf(name);
				const raw = query.get(key);
				if (raw === null) continue;
				const value = fields[name].parse(raw);
				if (value !== undefined) params[name] = value as P[keyof P];
				else {
					const message = `must be ${fields[name].expect}`;
					problems.push({
						name,
						message,
						text: `?${key}=${shorten(raw)}: ${message}; using ${shown(name, defaults[name])}`
					});
				}
			}
			return { params, problems };
		},
		normalize,
		write(raw, search) {
			const params = normalize(raw);
			const query = new URLSearchParams(search);
			for (const name of names) {
				const text = shown(name, params[name]);
				if (text === shown(name, defaults[name])) query.delete(keyOf(name));
				else query.set(keyOf(name), text);
			}
			const text = query.toString();
			return text ? `?${text}` : '';
		},
		invalid(params) {
			return names.flatMap((name) => {
				const message = problemOf(fields[name], params[name]);
				return message ? [{ name, message }] : [];
			});
		}
	};
}
