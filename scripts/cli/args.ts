/**
 * A small, strict argument parser for the `lab` CLI. Every mistake becomes a UsageError whose
 * message names the option and what it expected; the entry point prints it as one line and
 * exits with code 2. A lab's options come from its settings table (src/lib/labs/<lab>/
 * settings.ts) through fieldOption(), so the CLI's bounds and words are the page's.
 */
import type { FieldSpec } from '../../src/lib/labs/settings';

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
	| { name: string; kind: 'string'; help: string; default?: string }
	| FieldOption;

/** An option taken from a settings field: its parse, bounds, words and default. */
export interface FieldOption {
	name: string;
	kind: 'field';
	field: FieldSpec;
	help: string;
	/** comma-separated values, each checked by the field */
	list?: boolean;
	/** no default: the command says it is required */
	required?: boolean;
	/** other spellings accepted silently, e.g. --defense for --defence */
	aliases?: string[];
	/** the values this command accepts, when fewer than the field's choices */
	choices?: readonly (string | number)[];
	default?: ParsedValue;
}

export interface FieldOptionOverrides {
	list?: boolean;
	required?: boolean;
	aliases?: string[];
	choices?: readonly (string | number)[];
	help?: string;
	default?: ParsedValue;
}

/** The --option for a settings field, named `name` on the command line (e.g. step-size). */
export function fieldOption(
	name: string,
	field: FieldSpec,
	o: FieldOptionOverrides = {}
): FieldOption {
	return {
		name,
		kind: 'field',
		field,
		help: o.help ?? field.help,
		list: o.list,
		required: o.required,
		aliases: o.aliases,
		choices: o.choices,
		default: o.required ? undefined : 'default' in o ? o.default : field.default
	};
}

/** What a field option accepts, for messages and --help. */
function expectOf(spec: FieldOption): string {
	return spec.choices ? `one of ${spec.choices.join(', ')}` : spec.field.expect;
}

function parseField(raw: string, spec: FieldOption, where: string): ParsedValue {
	const one = (text: string, at: string) => {
		const value = spec.field.parse(text) as string | number | boolean | undefined;
		const allowed =
			value !== undefined && (!spec.choices || spec.choices.includes(value as string | number));
		if (!allowed) throw new UsageError(`${at} must be ${expectOf(spec)}, got "${text}"`);
		return value;
	};
	if (!spec.list) return one(raw, where) as ParsedValue;
	if (raw.trim() === '')
		throw new UsageError(`${where} expects values separated by commas, got nothing`);
	return raw.split(',').map((part, k) => one(part, `${where} (item ${k + 1})`)) as number[];
}

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

const GIVEN = new WeakMap<ParsedOptions, Set<string>>();

/** Whether the command line itself set an option (rather than its default filling it in). */
export function wasGiven(options: ParsedOptions, name: string): boolean {
	return GIVEN.get(options)?.has(name) ?? false;
}

/** Parses `--name value` and `--name=value` pairs against the specs; positional words are errors. */
export function parseOptions(argv: string[], specs: OptionSpec[], command: string): ParsedOptions {
	const byName = new Map<string, OptionSpec>(specs.map((s) => [s.name, s]));
	for (const spec of specs)
		if (spec.kind === 'field') for (const alias of spec.aliases ?? []) byName.set(alias, spec);
	const out: ParsedOptions = {};
	const given = new Set<string>();
	GIVEN.set(out, given);
	const isFlag = (s: OptionSpec) =>
		s.kind === 'flag' || (s.kind === 'field' && s.field.kind === 'flag');
	for (const spec of specs) {
		if (spec.kind === 'flag') out[spec.name] = false;
		else if (isFlag(spec)) out[spec.name] = spec.default ?? false;
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
		given.add(spec.name);
		if (isFlag(spec)) {
			if (eq >= 0) throw new UsageError(`${command}: --${name} is a flag and takes no value`);
			out[spec.name] = true;
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
			case 'field':
				out[spec.name] = parseField(raw, spec, where);
				break;
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
						: s.kind === 'field'
							? fieldValueHint(s)
							: ` <${s.kind}>`;
		const shown =
			s.kind === 'field' && s.default !== undefined && s.field.kind !== 'flag'
				? s.list && Array.isArray(s.default)
					? s.default.join(',')
					: String(s.default)
				: s.kind !== 'field' && 'default' in s && s.default !== undefined
					? String(s.default)
					: undefined;
		const fallback =
			s.kind === 'field' && s.required
				? ' (required)'
				: shown !== undefined
					? ` (default ${shown})`
					: '';
		return [`  --${s.name}${value}`, `${s.help}${fallback}`];
	});
	const width = Math.max(0, ...rows.map(([left]) => left.length)) + 2;
	return rows.map(([left, right]) => left.padEnd(width) + right).join('\n');
}

function fieldValueHint(s: FieldOption): string {
	const f = s.field;
	if (f.kind === 'flag') return '';
	const one =
		f.kind === 'choice'
			? (s.choices ?? f.choices).join('|')
			: `${f.integer ? 'integer' : 'number'} ${f.min}..${f.max}`;
	return s.list ? ` <${one},...>` : ` <${one}>`;
}
