// Reading a worksheet back from JSON (the autosave, an imported file): every field checked, the
// first problem reported with its path, files in the version-1 format renamed to the catalogue's
// vocabulary. The result is built fresh, so nothing from the file but the checked values survives.

import { CONTROL_IDS } from './controls';
import { V1_COMPONENTS, V1_LIBRARY_IDS } from './worksheet-v1';
import {
	cleanName,
	COMPONENT_IDS,
	emptyWorksheet,
	IR_PHASES,
	LIMITS,
	WORKSHEET_VERSION,
	type ComponentId,
	type Worksheet,
	type WorksheetThreat
} from './worksheet';

export type ValidationResult = { ok: true; worksheet: Worksheet } | { ok: false; error: string };

const ATLAS_ID = /^AML\.T\d{4}(\.\d{3})?$/;

/** File keys of each format's components, with the component each one is. */
const COMPONENT_KEYS: Record<1 | 2, readonly (readonly [string, ComponentId])[]> = {
	1: V1_COMPONENTS,
	2: COMPONENT_IDS.map((c) => [c, c] as const)
};

class Invalid extends Error {}

function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (typeof value === 'string')
		return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	if (typeof value === 'object') return 'an object';
	return String(value);
}

function record(v: unknown, path: string): Record<string, unknown> {
	if (typeof v !== 'object' || v === null || Array.isArray(v)) {
		throw new Invalid(`${path} must be an object, got ${describe(v)}`);
	}
	return v as Record<string, unknown>;
}

/** The object's own value for `key`: never one inherited, so "constructor" or "__proto__" cannot stand in. */
function own(o: Record<string, unknown>, key: string): unknown {
	return Object.hasOwn(o, key) ? o[key] : undefined;
}

function list(v: unknown, path: string, what: string, max: number, unit: string): unknown[] {
	if (!Array.isArray(v)) throw new Invalid(`${path} must be a list of ${what}, got ${describe(v)}`);
	if (v.length > max) {
		throw new Invalid(`${path} lists ${v.length} ${what}; the limit is ${max} ${unit}`);
	}
	return v;
}

function text(v: unknown, path: string, max: number, nonEmpty: boolean): string {
	if (typeof v !== 'string') throw new Invalid(`${path} must be text, got ${describe(v)}`);
	if (nonEmpty && v.trim() === '') throw new Invalid(`${path} must not be empty`);
	if (v.length > max)
		throw new Invalid(`${path} is ${v.length} characters long; the limit is ${max}`);
	return v;
}

function score(v: unknown, path: string): number {
	if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 5) {
		throw new Invalid(`${path} must be a whole number 1-5, got ${describe(v)}`);
	}
	return v;
}

function threat(v: unknown, path: string, version: 1 | 2): WorksheetThreat {
	const o = record(v, path);
	const id = text(own(o, 'id'), `${path}.id`, LIMITS.id, true);
	const name = cleanName(text(own(o, 'name'), `${path}.name`, LIMITS.name, true));
	if (name === '') throw new Invalid(`${path}.name must not be empty`);
	const source = own(o, 'source');
	if (source !== 'library' && source !== 'custom') {
		throw new Invalid(`${path}.source must be "library" or "custom", got ${describe(source)}`);
	}
	const t: WorksheetThreat = {
		id: version === 1 && source === 'library' ? (V1_LIBRARY_IDS.get(id) ?? id) : id,
		name,
		source,
		likelihood: score(own(o, 'likelihood'), `${path}.likelihood`),
		impact: score(own(o, 'impact'), `${path}.impact`),
		detectability: score(own(o, 'detectability'), `${path}.detectability`)
	};
	const atlas = own(o, 'atlas');
	if (atlas !== undefined) {
		if (typeof atlas !== 'string' || !ATLAS_ID.test(atlas)) {
			throw new Invalid(
				`${path}.atlas must be an ATLAS technique id like AML.T0020, got ${describe(atlas)}`
			);
		}
		t.atlas = atlas;
	}
	return t;
}

function components(value: unknown, version: 1 | 2): Worksheet['components'] {
	const comps = record(value, 'components');
	const keys = COMPONENT_KEYS[version];
	const extra = Object.keys(comps).find((k) => !keys.some(([key]) => key === k));
	if (extra !== undefined) {
		throw new Invalid(
			`components.${extra} is not a component; use ${keys.map(([k]) => k).join(', ')}`
		);
	}
	// Sizes first, so an oversized file is refused before any of its threats is read.
	const lists = keys.map(([key, id]) => {
		const path = `components.${key}`;
		return {
			key,
			id,
			items: list(own(comps, key), path, 'threats', LIMITS.threatsPerComponent, 'per component')
		};
	});
	const total = lists.reduce((n, l) => n + l.items.length, 0);
	if (total > LIMITS.threatsPerWorksheet) {
		throw new Invalid(
			`components list ${total} threats in all; the limit is ${LIMITS.threatsPerWorksheet} per worksheet`
		);
	}
	const out = emptyWorksheet().components;
	const seen = new Set<string>();
	for (const { key, id, items } of lists) {
		out[id] = items.map((item, i) => {
			const path = `components.${key}[${i}]`;
			const t = threat(item, path, version);
			if (seen.has(t.id)) throw new Invalid(`${path}.id "${t.id}" is used twice in the worksheet`);
			seen.add(t.id);
			return t;
		});
	}
	return out;
}

/**
 * Checks a parsed JSON value is a worksheet, in the current format or version 1. The error names
 * the first bad path as the file spells it, e.g. "components.inference-pipeline[2].likelihood must
 * be a whole number 1-5, got 7", and the limit when a list or a text is too long. Unknown extra
 * keys are dropped; names are put on one line.
 */
export function validateWorksheet(json: unknown): ValidationResult {
	try {
		const o = record(json, 'worksheet');
		const version = own(o, 'version');
		if (version !== 1 && version !== WORKSHEET_VERSION) {
			throw new Invalid(`version must be 1 or ${WORKSHEET_VERSION}, got ${describe(version)}`);
		}
		const ws = emptyWorksheet();
		ws.components = components(own(o, 'components'), version);
		const controls = list(
			own(o, 'controls'),
			'controls',
			'control ids',
			LIMITS.controls,
			'entries'
		);
		ws.controls = [
			...new Set(
				controls.map((id, i) => {
					if (typeof id !== 'string' || !CONTROL_IDS.has(id)) {
						throw new Invalid(`controls[${i}] is not a known control id, got ${describe(id)}`);
					}
					return id;
				})
			)
		];
		const ir = record(own(o, 'incidentResponse'), 'incidentResponse');
		for (const p of IR_PHASES) {
			ws.incidentResponse[p] = text(
				own(ir, p),
				`incidentResponse.${p}`,
				LIMITS.incidentResponse,
				false
			);
		}
		const submitted = own(o, 'submitted');
		if (typeof submitted !== 'boolean') {
			throw new Invalid(`submitted must be true or false, got ${describe(submitted)}`);
		}
		ws.submitted = submitted;
		return { ok: true, worksheet: ws };
	} catch (e) {
		if (e instanceof Invalid) return { ok: false, error: e.message };
		throw e;
	}
}

/** JSON text to worksheet, with a readable error for text that is not JSON at all. */
export function parseWorksheet(jsonText: string): ValidationResult {
	let value: unknown;
	try {
		value = JSON.parse(jsonText);
	} catch (e) {
		return { ok: false, error: `not valid JSON (${(e as Error).message})` };
	}
	return validateWorksheet(value);
}
