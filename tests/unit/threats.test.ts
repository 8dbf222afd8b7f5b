import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LABS } from '../../src/lib/labs/catalogue';
import {
	ATLAS_NAMES,
	COMPONENTS,
	CONCERNS,
	LAYERS,
	LIFECYCLE,
	OWASP_NAMES,
	THREAT_BY_ID,
	THREATS,
	TRADE_OFFS
} from '../../src/lib/course/threats';
import { CONTROLS } from '../../src/lib/exercise/controls';
import { REFERENCE_ASSESSMENT } from '../../src/lib/exercise/reference-assessment';
import { COMPONENT_INFO, LIBRARY, SCENARIO_THREATS } from '../../src/lib/exercise/scenario';
import { COMPONENT_IDS } from '../../src/lib/exercise/worksheet';

/** Rows of a reference TSV, skipping '#' comments and the header row. */
function referenceRows(file: string): string[][] {
	const text = readFileSync(path.join(process.cwd(), 'tests', 'reference', file), 'utf8');
	const rows = text
		.split('\n')
		.filter((line) => line.trim() && !line.startsWith('#'))
		.map((line) => line.split('\t').map((cell) => cell.trim()));
	return rows.slice(1);
}

/** ATLAS technique id -> name. */
const atlas = new Map(
	referenceRows('atlas-5.6.0-index.tsv')
		.filter((row) => row[0] === 'technique')
		.map((row) => [row[1], row[2]])
);
const atlasTechniques = new Set(atlas.keys());
const owasp = new Map(referenceRows('owasp-ml-top10-2023.tsv').map((row) => [row[0], row[1]]));
const owaspIds = new Set(owasp.keys());
const labIds = new Set<string>(LABS.map((lab) => lab.id));

describe('threat catalogue', () => {
	it('reads the reference lists (guards against an empty or moved file)', () => {
		expect(atlasTechniques.has('AML.T0043')).toBe(true);
		expect(owaspIds.size).toBe(10);
	});

	it('tags every threat only with ATLAS technique ids that exist in ATLAS 5.6.0', () => {
		for (const threat of THREATS) {
			expect(threat.atlas.length, threat.id).toBeGreaterThan(0);
			for (const id of threat.atlas) expect(atlasTechniques, `${threat.id}: ${id}`).toContain(id);
		}
	});

	it('names every tag as the reference lists do', () => {
		for (const id of new Set(THREATS.flatMap((t) => t.atlas))) {
			const parent = id.split('.').slice(0, 2).join('.');
			const expected = parent === id ? atlas.get(id) : `${atlas.get(parent)}: ${atlas.get(id)}`;
			expect(expected, id).toBeDefined();
			expect(ATLAS_NAMES[id], id).toBe(expected);
		}
		for (const [id, name] of owasp) expect(OWASP_NAMES[id], id).toBe(name);
	});

	it('tags every threat only with OWASP ML Top 10 2023 ids', () => {
		for (const threat of THREATS) {
			for (const id of threat.owasp) expect(owaspIds, `${threat.id}: ${id}`).toContain(id);
		}
	});

	it('gives every threat a unique kebab-case id and no duplicate tags', () => {
		const ids = THREATS.map((t) => t.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const t of THREATS) {
			expect(t.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
			expect(new Set(t.atlas).size, t.id).toBe(t.atlas.length);
			expect(new Set(t.owasp).size, t.id).toBe(t.owasp.length);
			expect(new Set(t.components).size, t.id).toBe(t.components.length);
		}
	});

	it('places threats in every layer and on every component', () => {
		const layers = new Set(THREATS.map((t) => t.layer));
		expect([...layers].sort()).toEqual(LAYERS.map((l) => l.id).sort());
		const used = new Set(THREATS.flatMap((t) => t.components));
		expect([...used].sort()).toEqual(COMPONENTS.map((c) => c.id).sort());
	});

	it('points threats and trade-offs only at labs in the lab catalogue', () => {
		for (const t of THREATS) if (t.lab !== null) expect(labIds, t.id).toContain(t.lab);
		for (const t of TRADE_OFFS) expect(labIds, t.id).toContain(t.lab);
	});

	it('covers the four trade-offs, four concerns and six lifecycle phases of the lesson', () => {
		expect(TRADE_OFFS.map((t) => t.id)).toEqual([
			'privacy-utility',
			'robustness-accuracy',
			'security-speed',
			'transparency-security'
		]);
		expect(CONCERNS.map((c) => c.id)).toEqual(['model', 'data', 'infrastructure', 'pipeline']);
		expect(LIFECYCLE).toHaveLength(6);
		for (const phase of LIFECYCLE) expect(phase.activities.length).toBeGreaterThan(0);
	});
});

describe('the exercise reads the same catalogue', () => {
	it('keys every scenario threat by a catalogue id and offers it in catalogue terms', () => {
		const keys = Object.keys(SCENARIO_THREATS);
		expect(keys.length).toBeGreaterThanOrEqual(16);
		for (const id of keys) {
			const threat = THREAT_BY_ID.get(id);
			expect(threat, id).toBeDefined();
			const wording = SCENARIO_THREATS[id];
			expect(threat!.components, `${id} sits on ${wording.component}`).toContain(wording.component);
			expect(threat!.atlas, `${id} is tagged ${wording.atlas}`).toContain(wording.atlas);
		}
		expect(LIBRARY.map((t) => t.id)).toEqual(keys);
		for (const entry of LIBRARY) expect(entry.threat).toBe(THREAT_BY_ID.get(entry.id));
	});

	it('uses the lesson’s four components, with the lesson’s names, as the worksheet’s', () => {
		expect(COMPONENT_IDS).toEqual(COMPONENTS.map((c) => c.id));
		for (const c of COMPONENTS) expect(COMPONENT_INFO[c.id].label).toBe(c.name);
	});

	it('has controls and a reference assessment that name only threats the exercise offers', () => {
		const offered = new Set(Object.keys(SCENARIO_THREATS));
		for (const c of CONTROLS) for (const id of c.mitigates) expect(offered, c.id).toContain(id);
		for (const c of COMPONENT_IDS) {
			for (const t of REFERENCE_ASSESSMENT.components[c]) {
				expect(SCENARIO_THREATS[t.id]?.component, t.id).toBe(c);
			}
		}
	});
});
