/**
 * A small, strict argument parser for the `lab` CLI. Every mistake becomes a UsageError whose
 * message names the option and what it expected; the entry point prints it as one line and
 * exits with code 2.
 */

export class UsageError extends Error {
	override name = 'UsageError';
}

export type OptionSpec =
	| { name: string; kind: 'flag'; help: string }
	| {
			name: string;
			kind: 'number' | 'integer';
			help: string;
			default?: number;
			min?: number;
			max?: number;
	  }
	| { name: string; kind: 'numbers'; help: string; default?: number[]; min?: number; max?: number }
	| { name: string; kind: 'choice'; help: string; choices: readonly string[]; default?: string }
	| { name: string; kind: 'string'; help: string; default?: string };

export type ParsedValue = boolean | number | number[] | string | undefined;
export type ParsedOptions = Record<string, ParsedValue>;

function parseNumber(
	raw: string,
	spec: OptionSpec & { kind: 'number' | 'integer' | 'numbers' },
	where: string
) {
	const trimmed = raw.trim();
	const value = trimmed === '' ? NaN : Number(trimmed);
	if (!Number.isFinite(value)) throw new UsageError(`${where} expects a number, got "${raw}"`);
	if (spec.kind === 'integer' && !Number.isInteger(value)) {
		throw new UsageError(`${where} expects a whole number, got "${raw}"`);
	}
	if (spec.min !== undefined && value < spec.min)
		throw new UsageError(`${where} must be at least ${spec.min}, got ${raw}`);
	if (spec.max !== undefined && value > spec.max)
		throw new UsageError(`${where} must be at most ${spec.max}, got ${raw}`);
	return value;
}

/** Parses `--name value` and `--name=value` pairs against the specs; positional words are errors. */
export function parseOptions(argv: string[], specs: OptionSpec[], command: string): ParsedOptions {
	const byName = new Map(specs.map((s) => [s.name, s]));
	const out: ParsedOptions = {};
	for (const spec of specs) {
		if (spec.kind === 'flag') out[spec.name] = false;
		else out[spec.name] = spec.default;
	}
	for (let i = 0; i < argv.length; i++) {
		const token = argv[i];
		if (!token.startsWith('--')) {
			throw new UsageError(
				`${command}: unexpected argument "${token}" (options start with --; see --help)`
			);
		}
		const eq = token.indexOf('=');
		const name = token.slice(2, eq >= 0 ? eq : undefined);
		const spec = byName.get(name);
		if (!spec) {
			const known = specs.map((s) => `--${s.name}`).join(', ');
			throw new UsageError(`${command}: unknown option --${name} (known: ${known})`);
		}
		if (spec.kind === 'flag') {
			if (eq >= 0) throw new UsageError(`${command}: --${name} is a flag and takes no value`);
			out[name] = true;
			continue;
		}
		let raw: string;
		if (eq >= 0) raw = token.slice(eq + 1);
		else {
			if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) {
				throw new UsageError(`${command}: --${name} needs a value`);
			}
			raw = argv[++i];
		}
		const where = `${command}: --${name}`;
		switch (spec.kind) {
			case 'number':
			case 'integer':
				out[name] = parseNumber(raw, spec, where);
				break;
			case 'numbers':
				if (raw.trim() === '')
					throw new UsageError(`${where} expects numbers separated by commas, got nothing`);
				out[name] = raw
					.split(',')
					.map((part, k) => parseNumber(part, spec, `${where} (item ${k + 1})`));
				break;
			case 'choice':
				if (!spec.choices.includes(raw)) {
					throw new UsageError(`${where} must be one of ${spec.choices.join(', ')}, got "${raw}"`);
				}
				out[name] = raw;
				break;
			case 'string':
				out[name] = raw;
				break;
		}
	}
	return out;
}

export function describeOptions(specs: OptionSpec[]): string {
	const rows = specs.map((s) => {
		const value =
			s.kind === 'flag'
				? ''
				: s.kind === 'choice'
					? ` <${s.choices.join('|')}>`
					: s.kind === 'numbers'
						? ' <a,b,...>'
						: ` <${s.kind}>`;
		const fallback = 'default' in s && s.default !== undefined ? ` (default ${s.default})` : '';
		return [`  --${s.name}${value}`, `${s.help}${fallback}`];
	});
	const width = Math.max(0, ...rows.map(([left]) => left.length)) + 2;
	return rows.map(([left, right]) => left.padEnd(width) + right).join('\n');
}
