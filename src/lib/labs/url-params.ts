/**
 * One typed table per lab that round-trips its inputs through the URL, so any link reproduces
 * what the learner saw (the tensorflow/playground habit). A lab lists its fields (how to parse a
 * query value, how to show it, what it expects); this turns the table into read, normalize and
 * write. Bad values never throw: they fall back to the default and come back as a message saying
 * what was wrong and where (`?eps=0.9 is not a number from 0 to 0.5; using 0.1`).
 */

export interface Field<T> {
	/** the query key; the field's own name when left out */
	key?: string;
	/** the value a query string stands for, or undefined when it is not acceptable */
	parse(raw: string): T | undefined;
	/** the query text for a value (parse(show(v)) gives v back) */
	show(value: T): string;
	/** what an acceptable value looks like, for messages: "a whole number from 1 to 100" */
	expect: string;
}

export type Fields<P> = { [K in keyof P]: Field<P[K]> };

export interface ParamRead<P> {
	params: P;
	/** one line per value that was not acceptable, naming the key, the value and the fallback */
	problems: string[];
}

export interface ParamSchema<P> {
	readonly defaults: P;
	/** Reads the parameters from a query string; problems are returned, not thrown. */
	read(search: string): ParamRead<P>;
	/** Every field valid: a value a control left empty (null) or out of range becomes the default. */
	normalize(params: P): P;
	/** Writes the parameters that differ from the defaults into a query string (other keys kept). */
	write(params: P, search: string): string;
	/** The fields whose value is missing or out of range, with what they expect. */
	invalid(params: P): { key: keyof P; expect: string }[];
}

export interface NumberOptions {
	integer?: boolean;
	/** the lower bound itself is not allowed */
	above?: boolean;
	/** the noun in messages ("a rate", "a digit"); "a number" or "a whole number" by default */
	what?: string;
}

/** A number in [lo, hi] (or (lo, hi] with `above`), whole when `integer`. */
export function num(lo: number, hi: number, options: NumberOptions = {}): Field<number> {
	const { integer = false, above = false } = options;
	const what = options.what ?? (integer ? 'a whole number' : 'a number');
	return {
		parse: (raw) => {
			const v = Number(raw);
			if (raw.trim() === '' || !Number.isFinite(v) || v < lo || v > hi) return undefined;
			if ((above && v === lo) || (integer && !Number.isInteger(v))) return undefined;
			return v;
		},
		// Ten significant digits drop float noise (0.30000000000000004) but keep anything typed.
		show: (v) => (Number.isInteger(v) ? String(v) : String(+Number(v).toPrecision(10))),
		expect: `${what} from ${lo}${above ? ' (exclusive)' : ''} to ${hi}`
	};
}

/** One of a fixed list of strings or numbers, written as itself. */
export function choice<T extends string | number>(values: readonly T[]): Field<T> {
	return {
		parse: (raw) => values.find((v) => String(v) === raw.trim()),
		show: (v) => String(v),
		expect: `one of ${values.join(', ')}`
	};
}

/** A checkbox: 1/0 in the link, true/false also read. */
export function flag(): Field<boolean> {
	return {
		parse: (raw) =>
			raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : undefined,
		show: (v) => (v ? '1' : '0'),
		expect: '0 or 1'
	};
}

/** A seed for the seeded generators in $lib/ml/rng (a 31-bit whole number). */
export const seed = (): Field<number> => num(0, 2 ** 31 - 1, { integer: true });

/** Builds read/normalize/write from a lab's defaults and field table. */
export function paramSchema<P extends object>(defaults: P, fields: Fields<P>): ParamSchema<P> {
	const names = Object.keys(fields) as (keyof P)[];
	const keyOf = (name: keyof P) => fields[name].key ?? String(name);
	const shown = <K extends keyof P>(name: K, value: P[K]) => fields[name].show(value);
	// A value from a form control: null when a number box is emptied, otherwise of the field's type.
	const check = <K extends keyof P>(name: K, value: P[K]): P[K] | undefined =>
		value === null || value === undefined ? undefined : fields[name].parse(shown(name, value));

	const normalize = (params: P): P => {
		const out = { ...defaults };
		for (const name of names) {
			const value = check(name, params[name]);
			if (value !== undefined) out[name] = value;
		}
		return out;
	};

	return {
		defaults,
		read(search) {
			const query = new URLSearchParams(search);
			const params = { ...defaults };
			const problems: string[] = [];
			for (const name of names) {
				const key = keyOf(name);
				const raw = query.get(key);
				if (raw === null) continue;
				const value = fields[name].parse(raw);
				if (value !== undefined) params[name] = value;
				else
					problems.push(
						`?${key}=${raw} is not ${fields[name].expect}; using ${shown(name, defaults[name])}`
					);
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
			return names
				.filter((name) => check(name, params[name]) === undefined)
				.map((name) => ({ key: name, expect: fields[name].expect }));
		}
	};
}
