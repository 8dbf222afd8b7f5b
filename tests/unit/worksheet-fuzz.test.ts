// Property-based tests of the worksheet importer, the autosave and the Markdown export: random and
// hostile input, seeded so a failure replays, bounded so the file runs in a few seconds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExerciseState } from '../../src/lib/exercise/exercise-state.svelte';
import { CONTROLS } from '../../src/lib/exercise/controls';
import { toMarkdown } from '../../src/lib/exercise/markdown';
import { COMPONENT_INFO, IR_INFO, LIBRARY } from '../../src/lib/exercise/scenario';
import { loadWorksheet, saveWorksheet } from '../../src/lib/exercise/storage';
import { parseWorksheet, validateWorksheet } from '../../src/lib/exercise/validation';
import { V1_COMPONENTS, V1_LIBRARY_IDS } from '../../src/lib/exercise/worksheet-v1';
import {
	allThreats,
	COMPONENT_IDS,
	IR_PHASES,
	toJson,
	type Worksheet
} from '../../src/lib/exercise/worksheet';
import { memoryStorage } from './fixtures/worksheets';

const RUN = { seed: 20260611, numRuns: 250 };

// ---- Arbitraries ------------------------------------------------------------------------------

/** Pieces that have broken Markdown, HTML or a naive loader before, mixed into random text. */
const HOSTILE = [
	'<script>alert(1)</script>',
	'<img src=x onerror=alert(1)>',
	'</b>',
	'<!-- c -->',
	'[click](javascript:alert(1))',
	'<javascript:alert(1)>',
	'[x]: javascript:alert(1)',
	'![i](javascript:alert(2))',
	'[^1]',
	'\n# Heading\n',
	'\n## ',
	'\n---\n',
	'\n===\n',
	'\n***\n',
	'```',
	'~~~',
	'    code',
	'\n> quote',
	'\n- item',
	'\n1. item',
	'|',
	'\\',
	'*',
	'_',
	'&lt;b&gt;',
	'&#91;',
	'\r\n',
	'\r',
	'\u2028',
	'\u0000',
	'\t',
	'__proto__',
	'constructor',
	'javascript:'
];

const text = (maxParts = 6) =>
	fc
		.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom(...HOSTILE)), {
			maxLength: maxParts
		})
		.map((parts) => parts.join(''));

const id = fc.oneof(
	fc.bigInt({ min: 0n, max: 10n ** 195n }).map((n) => `custom-${n}`),
	fc.constantFrom(
		'custom-9007199254740992',
		`custom-${'9'.repeat(190)}`,
		...LIBRARY.map((t) => t.id),
		...V1_LIBRARY_IDS.keys()
	),
	text(3)
);

/** Own keys that a careless loader would treat as special. */
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** Adds own properties named __proto__ and friends (a computed key is an own key, as JSON.parse makes). */
function withSpecialKeys(o: Record<string, unknown>, keys: string[], value: unknown) {
	const out: Record<string, unknown> = { ...o };
	for (const k of keys) Object.defineProperty(out, k, { value, enumerable: true, writable: true });
	return out;
}

/** A threat the loader should take: any hostile name, a valid source, scores and tag. */
const threatJson = (threatId: string) =>
	fc
		.record({
			name: fc.oneof(
				{ weight: 4, arbitrary: text() },
				fc.string({ unit: 'binary', minLength: 150, maxLength: 200 })
			),
			source: fc.constantFrom('library', 'custom'),
			likelihood: fc.integer({ min: 1, max: 5 }),
			impact: fc.integer({ min: 1, max: 5 }),
			detectability: fc.integer({ min: 1, max: 5 }),
			atlas: fc.option(fc.constantFrom('AML.T0020', 'AML.T0043.001', 'AML.T0010.002')),
			special: fc.subarray(SPECIAL_KEYS, { maxLength: 2 })
		})
		.map(({ special, atlas, name, ...t }) =>
			withSpecialKeys(
				{
					id: threatId,
					// A name of nothing but spaces and control characters is refused; keep one letter.
					name: `${name.slice(0, 199)}x`,
					...t,
					...(atlas === null ? {} : { atlas })
				},
				special,
				{ polluted: true }
			)
		);

/** A worksheet in either format that the loader should take, with ids unique across it. */
const goodWorksheet = fc
	.record({
		version: fc.constantFrom(1, 2),
		ids: fc.uniqueArray(id, { maxLength: 16 }),
		split: fc.array(fc.nat(3), { minLength: 16, maxLength: 16 }),
		controls: fc.subarray(CONTROLS.map((c) => c.id)),
		answers: fc.array(text(8), { minLength: 5, maxLength: 5 }),
		submitted: fc.boolean(),
		special: fc.subarray(SPECIAL_KEYS, { maxLength: 2 })
	})
	.chain(({ ids, ...rest }) =>
		fc.tuple(fc.constant(rest), fc.tuple(...ids.map((i) => threatJson(i))))
	)
	.map(([{ version, split, controls, answers, submitted, special }, threats]) => {
		const keys = version === 1 ? V1_COMPONENTS.map(([k]) => k) : COMPONENT_IDS;
		const components: Record<string, unknown[]> = Object.fromEntries(keys.map((k) => [k, []]));
		threats.forEach((t, i) => components[keys[split[i]]].push(t));
		const incidentResponse = Object.fromEntries(IR_PHASES.map((p, i) => [p, answers[i]]));
		return withSpecialKeys(
			{ version, components, controls, incidentResponse, submitted },
			special,
			{ polluted: true }
		);
	});

/** One field of a good worksheet replaced by something wrong, or a special key added. */
const JUNK = [undefined, null, 0, 6, 2.5, '3', '', 'web', 'T0020', [], {}, 'x'.repeat(10_001)];
const brokenWorksheet = fc
	.tuple(
		goodWorksheet,
		fc.nat(),
		fc.constantFrom(...JUNK),
		fc.constantFrom(...SPECIAL_KEYS, 'cloud')
	)
	.map(([ws, pick, junk, key]) => {
		const copy = JSON.parse(JSON.stringify(ws));
		const spots: [Record<string, unknown>, string][] = [
			[copy, 'version'],
			[copy, 'controls'],
			[copy, 'submitted'],
			[copy, 'incidentResponse']
		];
		for (const list of Object.values(copy.components) as Record<string, unknown>[][]) {
			for (const t of list) for (const k of Object.keys(t)) spots.push([t, k]);
		}
		spots.push([copy.components, key]);
		const [target, field] = spots[pick % spots.length];
		target[field] = junk;
		return copy;
	});

const worksheetText = fc.oneof(goodWorksheet, brokenWorksheet).map((w) => JSON.stringify(w));

/** Only what the loader accepts (almost every good worksheet is). */
const accepted = goodWorksheet
	.map((w) => parseWorksheet(JSON.stringify(w)))
	.filter((r) => r.ok)
	.map((r) => (r as { ok: true; worksheet: Worksheet }).worksheet);

const anyInput = fc.oneof(
	worksheetText,
	fc.string({ unit: 'binary', maxLength: 200 }),
	fc.json({ maxDepth: 4 }),
	fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ version: 2, components: v }))
);

// ---- Checks -----------------------------------------------------------------------------------

function noPollution() {
	expect(Object.keys(Object.prototype)).toEqual([]);
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	expect(Object.prototype.toString.call([])).toBe('[object Array]');
}

const THREAT_KEYS = new Set([
	'id',
	'name',
	'source',
	'atlas',
	'likelihood',
	'impact',
	'detectability'
]);

function plain(ws: Worksheet) {
	expect(Object.getPrototypeOf(ws)).toBe(Object.prototype);
	expect(Object.keys(ws.components)).toEqual(COMPONENT_IDS);
	expect(Object.keys(ws.incidentResponse)).toEqual([...IR_PHASES]);
	for (const t of allThreats(ws)) {
		expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
		for (const k of Object.keys(t)) expect(THREAT_KEYS).toContain(k);
	}
}

/** Headings the export writes itself; no other line may be one. */
const OWN_HEADINGS = new Set([
	'# Threat assessment: AI fraud detection for online banking',
	'## 1. Threat landscape',
	'## 2. Risk assessment matrix',
	'## 3. Recommended controls',
	'## 4. Incident response outline',
	...COMPONENT_IDS.map((c) => `### ${COMPONENT_INFO[c].label}`),
	...IR_PHASES.map((p) => `### ${IR_INFO[p].label}`)
]);
/** An ATX heading, also one nested in list items or block quotes. */
const HEADING = /^ {0,3}(?:(?:[-+*]|\d{1,9}[.)])[ \t]+|>[ \t]?)*#{1,6}(?:[ \t]|$)/;
/** A line that turns the paragraph above it into a heading. */
const SETEXT = /^ {0,3}(?:=+|-+)[ \t]*$/;

function safeMarkdown(md: string) {
	expect(md).not.toMatch(/<[a-z/!?]/i);
	expect(md).not.toMatch(/\]\s*\(\s*<?\s*javascript:/i);
	expect(md).not.toMatch(/<\s*javascript:/i);
	expect(md).not.toMatch(/^\s*\[[^\]]*\]:\s*javascript:/im);
	// Stronger: no bracket or angle bracket survives at all, so no link or tag can form.
	expect(md).not.toMatch(/[<[\]]/);
	for (const line of md.split('\n')) {
		if (HEADING.test(line)) expect(OWN_HEADINGS, line).toContain(line);
		expect(line, 'setext underline').not.toMatch(SETEXT);
		expect(line, 'indented code').not.toMatch(/^\s+\S/);
	}
}

// ---- Properties -------------------------------------------------------------------------------

describe('worksheet importer and autosave under random input', () => {
	it('never throws, on any string, JSON or worksheet-like value, and every refusal says why', () => {
		fc.assert(
			fc.property(anyInput, (input) => {
				const result = parseWorksheet(input);
				if (!result.ok) expect(result.error.length).toBeGreaterThan(10);
				noPollution();
			}),
			RUN
		);
		fc.assert(
			fc.property(fc.anything({ maxDepth: 3 }), (value) => {
				expect(typeof validateWorksheet(value).ok).toBe('boolean');
			}),
			RUN
		);
	});

	it('the generator reaches both outcomes often (guards against a fuzz that tests nothing)', () => {
		const outcomes = fc
			.sample(worksheetText, { seed: RUN.seed, numRuns: 300 })
			.map((t) => parseWorksheet(t).ok);
		expect(outcomes.filter(Boolean).length).toBeGreaterThan(30);
		expect(outcomes.filter((ok) => !ok).length).toBeGreaterThan(30);
	});

	it('an accepted worksheet exports to JSON that imports to the same worksheet, and re-saves', () => {
		fc.assert(
			fc.property(accepted, (ws) => {
				plain(ws);
				expect(parseWorksheet(toJson(ws))).toEqual({ ok: true, worksheet: ws });
				const storage = memoryStorage();
				expect(saveWorksheet(storage, ws)).toBeNull();
				expect(loadWorksheet(storage)).toEqual({ worksheet: ws, canSave: true });
				noPollution();
			}),
			RUN
		);
	});

	it('the Markdown of an accepted worksheet has no raw tag, no javascript: link and no heading of the learner’s', () => {
		fc.assert(
			fc.property(accepted, (ws) => safeMarkdown(toMarkdown(ws))),
			RUN
		);
	});
});

type Op =
	| { kind: 'custom'; component: number; name: string }
	| { kind: 'library'; component: number; pick: number }
	| { kind: 'remove'; component: number; pick: number }
	| { kind: 'import'; text: string }
	| { kind: 'new' }
	| { kind: 'restore' }
	| { kind: 'submit' }
	| { kind: 'reopen' };

const op: fc.Arbitrary<Op> = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.record({
			kind: fc.constant('custom' as const),
			component: fc.nat(3),
			name: text(3)
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('library' as const),
			component: fc.nat(3),
			pick: fc.nat(10)
		})
	},
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('remove' as const),
			component: fc.nat(3),
			pick: fc.nat(10)
		})
	},
	{
		weight: 2,
		arbitrary: fc.record({ kind: fc.constant('import' as const), text: worksheetText })
	},
	fc.constant({ kind: 'new' as const }),
	fc.constant({ kind: 'restore' as const }),
	fc.constant({ kind: 'submit' as const }),
	fc.constant({ kind: 'reopen' as const })
);

function apply(ex: ExerciseState, o: Op) {
	const component = 'component' in o ? COMPONENT_IDS[o.component] : COMPONENT_IDS[0];
	if (o.kind === 'custom') ex.addCustom(component, o.name);
	else if (o.kind === 'library') {
		const options = ex.available(component);
		if (options.length) ex.addFromLibrary(component, options[o.pick % options.length].id);
	} else if (o.kind === 'remove') {
		const list = ex.worksheet.components[component];
		if (list.length) ex.remove(component, list[o.pick % list.length].id);
	} else if (o.kind === 'import') ex.importText(o.text, 'fuzz.json');
	else if (o.kind === 'new') ex.startNew();
	else if (o.kind === 'restore') ex.restoreKept();
	else if (o.kind === 'submit') ex.submit();
	else ex.reopen();
}

describe('the page state under any sequence of edits', () => {
	it('keeps ids unique and only ever autosaves what loads back', () => {
		fc.assert(
			fc.property(accepted, fc.array(op, { maxLength: 25 }), (start, ops) => {
				const storage = memoryStorage();
				const ex = new ExerciseState();
				ex.load(storage);
				ex.importText(toJson(start), 'start.json');
				ex.save();
				for (const o of ops) {
					apply(ex, o);
					const ids = allThreats(ex.worksheet).map((t) => t.id);
					expect(new Set(ids).size, `after ${o.kind}`).toBe(ids.length);
					ex.save();
					expect(ex.saveProblem, `after ${o.kind}`).toBeNull();
				}
				expect(loadWorksheet(storage).worksheet).toEqual(ex.worksheet);
				safeMarkdown(toMarkdown(ex.worksheet));
				noPollution();
			}),
			{ ...RUN, numRuns: 120 }
		);
	});
});
