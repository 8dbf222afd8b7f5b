import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	CORRUPTED_PREFIX,
	loadWorksheet,
	saveWorksheet,
	STORAGE_KEY,
	type StorageLike
} from '../../src/lib/exercise/storage';
import {
	COMPONENTS,
	CONTROLS,
	emptyWorksheet,
	nextCustomId,
	parseWorksheet,
	rankThreats,
	REFERENCE_ASSESSMENT,
	riskLevel,
	riskMatrix,
	riskScore,
	THREAT_LIBRARY,
	toJson,
	toMarkdown,
	validateWorksheet,
	type Threat,
	type Worksheet
} from '../../src/lib/exercise/worksheet';

/** A worksheet parsed back from JSON, loose enough to be broken on purpose. */
interface Loose {
	version: unknown;
	components: Record<string, Record<string, unknown>[]>;
	controls: unknown[];
	incidentResponse: Record<string, unknown>;
	submitted: unknown;
}

function threat(id: string, likelihood: number, impact: number, detectability = 3): Threat {
	return { id, name: id, source: 'custom', likelihood, impact, detectability };
}

function sample(): Worksheet {
	const ws = emptyWorksheet();
	ws.components['training-data'] = [
		{ ...threat('poison', 4, 5, 5), source: 'library', atlas: 'AML.T0020' }
	];
	ws.components.model = [threat('evade', 5, 4, 2), threat('backdoor', 2, 5, 5)];
	ws.components.api = [
		threat('dos', 3, 3, 1),
		threat('probe', 2, 5, 4),
		threat('extract', 5, 2, 4)
	];
	ws.controls = ['AML.M0007', 'ctl-rate-limiting'];
	ws.incidentResponse.detect = 'Score drift alerts';
	return ws;
}

function memoryStorage(
	initial: Record<string, string> = {}
): StorageLike & { data: Map<string, string> } {
	const data = new Map(Object.entries(initial));
	return {
		data,
		getItem: (k) => data.get(k) ?? null,
		setItem: (k, v) => void data.set(k, v)
	};
}

describe('risk scoring', () => {
	it('risk is likelihood × impact, from 1 to 25, independent of detectability', () => {
		expect(riskScore(threat('a', 1, 1))).toBe(1);
		expect(riskScore(threat('a', 4, 5, 1))).toBe(20);
		expect(riskScore(threat('a', 4, 5, 5))).toBe(20);
		expect(riskScore(threat('a', 5, 5))).toBe(25);
	});

	it('bands the matrix into low, medium, high and critical', () => {
		expect([1, 4, 5, 9, 10, 16, 20, 25].map(riskLevel)).toEqual([
			'low',
			'low',
			'medium',
			'medium',
			'high',
			'high',
			'critical',
			'critical'
		]);
	});

	it('ranks by risk, then the harder-to-detect threat first, then higher impact', () => {
		const ranked = rankThreats(sample());
		expect(ranked.map((t) => t.id)).toEqual([
			'poison', // 20, D5
			'evade', // 20, D2
			'backdoor', // 10, D5
			'probe', // 10, D4, I5
			'extract', // 10, D4, I2
			'dos' // 9
		]);
		expect(ranked[0]).toMatchObject({ component: 'training-data', risk: 20, level: 'critical' });
	});

	it('counts threats per matrix cell as counts[impact - 1][likelihood - 1]', () => {
		const m = riskMatrix(sample());
		expect(m[4][3]).toBe(1); // poison: I5 L4
		expect(m[3][4]).toBe(1); // evade: I4 L5
		expect(m[4][1]).toBe(2); // backdoor and probe: I5 L2
		expect(m.flat().reduce((a, b) => a + b, 0)).toBe(6);
		expect(
			riskMatrix(emptyWorksheet())
				.flat()
				.every((n) => n === 0)
		).toBe(true);
	});

	it('numbers custom threats after the highest custom id in the worksheet', () => {
		const ws = emptyWorksheet();
		expect(nextCustomId(ws)).toBe('custom-1');
		ws.components.api.push(threat('custom-4', 1, 1), threat('custom-2', 1, 1));
		expect(nextCustomId(ws)).toBe('custom-5');
	});
});

describe('worksheet validation', () => {
	it('accepts its own JSON and round-trips it unchanged', () => {
		const ws = sample();
		const result = parseWorksheet(toJson(ws));
		expect(result).toEqual({ ok: true, worksheet: ws });
		expect(validateWorksheet(REFERENCE_ASSESSMENT).ok).toBe(true);
	});

	it('names the path of a score out of range', () => {
		const ws = JSON.parse(toJson(sample()));
		ws.components.api[2].likelihood = 7;
		expect(validateWorksheet(ws)).toEqual({
			ok: false,
			error: 'components.api[2].likelihood must be a whole number 1-5, got 7'
		});
	});

	it.each([
		[(ws: Loose) => (ws.version = 2), 'version must be 1, got 2'],
		[
			(ws: Loose) => delete ws.components.model,
			'components.model must be a list of threats, got nothing'
		],
		[
			(ws: Loose) => (ws.components.model[1].impact = 2.5),
			'components.model[1].impact must be a whole number 1-5, got 2.5'
		],
		[
			(ws: Loose) => (ws.components.model[0].detectability = '3'),
			'components.model[0].detectability must be a whole number 1-5, got "3"'
		],
		[(ws: Loose) => (ws.components.api[0].name = ''), 'components.api[0].name must not be empty'],
		[
			(ws: Loose) => (ws.components.api[0].source = 'web'),
			'components.api[0].source must be "library" or "custom", got "web"'
		],
		[
			(ws: Loose) => (ws.components['training-data'][0].atlas = 'T0020'),
			'components.training-data[0].atlas must be an ATLAS technique id like AML.T0020, got "T0020"'
		],
		[
			(ws: Loose) => (ws.components.api[1].id = 'evade'),
			'components.api[1].id "evade" is used twice in the worksheet'
		],
		[
			(ws: Loose) => (ws.components.cloud = []),
			'components.cloud is not a component; use training-data, model, api, infrastructure'
		],
		[
			(ws: Loose) => ws.controls.push('AML.M9999'),
			'controls[2] is not a known control id, got "AML.M9999"'
		],
		[
			(ws: Loose) => (ws.incidentResponse.learn = null),
			'incidentResponse.learn must be text, got null'
		],
		[(ws: Loose) => (ws.submitted = 'yes'), 'submitted must be true or false, got "yes"']
	])('reports %#: %s', (mutate, error) => {
		const ws = JSON.parse(toJson(sample()));
		mutate(ws);
		expect(validateWorksheet(ws)).toEqual({ ok: false, error });
	});

	it('reports text that is not JSON, and a JSON value that is not an object', () => {
		const bad = parseWorksheet('{"version": 1,');
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.error).toMatch(/^not valid JSON \(/);
		expect(parseWorksheet('[1, 2]')).toEqual({
			ok: false,
			error: 'worksheet must be an object, got a list'
		});
	});
});

describe('markdown deliverables', () => {
	it('contains the four deliverables with the ranked threats, controls and IR text', () => {
		const md = toMarkdown(sample());
		const sections = [
			'## 1. Threat landscape',
			'## 2. Risk assessment matrix',
			'## 3. Recommended controls',
			'## 4. Incident response outline'
		];
		const at = sections.map((s) => md.indexOf(s));
		expect(at.every((i) => i >= 0)).toBe(true);
		expect([...at].sort((a, b) => a - b)).toEqual(at);
		expect(md).toContain('| 1 | poison | Training data | AML.T0020 | 4 | 5 | 5 | 20 (critical) |');
		expect(md).toContain('| Sanitize Training Data | ATLAS mitigation AML.M0007 |');
		expect(md).toContain('| Rate limiting and request quotas | Classic control | - |');
		expect(md).toContain('Score drift alerts');
		expect(md).toContain('| 5 | 0 | 2 | 0 | 1 | 0 |');
	});

	it('escapes table pipes in names written by the learner', () => {
		const ws = emptyWorksheet();
		ws.components.api.push({ ...threat('custom-1', 2, 2), name: 'A | B' });
		expect(toMarkdown(ws)).toContain('| A \\| B |');
	});
});

describe('built-in libraries', () => {
	const tsv = readFileSync(
		path.join(process.cwd(), 'tests', 'reference', 'atlas-5.6.0-index.tsv'),
		'utf8'
	);
	const rows = tsv
		.split('\n')
		.filter((line) => line && !line.startsWith('#'))
		.map((line) => line.split('\t'));
	const techniques = new Set(rows.filter((r) => r[0] === 'technique').map((r) => r[1]));
	const mitigations = new Map(rows.filter((r) => r[0] === 'mitigation').map((r) => [r[1], r[2]]));

	it('tags every library threat with an ATLAS technique that exists in ATLAS 5.6.0', () => {
		expect(techniques.size).toBeGreaterThan(100);
		for (const t of THREAT_LIBRARY) expect(techniques, `${t.id} ${t.atlas}`).toContain(t.atlas);
	});

	it('uses real ATLAS mitigation ids and names for every ATLAS control', () => {
		const atlas = CONTROLS.filter((c) => c.kind === 'atlas');
		expect(atlas.length).toBeGreaterThan(10);
		for (const c of atlas) expect(mitigations.get(c.id), c.id).toBe(c.name);
		expect(CONTROLS.filter((c) => c.kind === 'classic').length).toBeGreaterThan(5);
	});

	it('has threats for every component and controls that name real library threats', () => {
		for (const c of COMPONENTS) {
			expect(THREAT_LIBRARY.filter((t) => t.component === c).length).toBeGreaterThanOrEqual(4);
		}
		const ids = new Set(THREAT_LIBRARY.map((t) => t.id));
		expect(ids.size).toBe(THREAT_LIBRARY.length);
		for (const c of CONTROLS) for (const id of c.mitigates) expect(ids, c.id).toContain(id);
	});

	it('has a complete, submitted reference assessment', () => {
		expect(REFERENCE_ASSESSMENT.submitted).toBe(true);
		for (const c of COMPONENTS)
			expect(REFERENCE_ASSESSMENT.components[c].length).toBeGreaterThan(0);
		expect(Object.values(REFERENCE_ASSESSMENT.incidentResponse).every((s) => s.length > 50)).toBe(
			true
		);
	});
});

describe('saved worksheet in storage', () => {
	it('loads what was saved', () => {
		const storage = memoryStorage();
		expect(saveWorksheet(storage, sample())).toBeNull();
		expect(loadWorksheet(storage)).toEqual({ worksheet: sample(), canSave: true });
	});

	it('keeps a corrupted copy aside, reports it and starts fresh', () => {
		const storage = memoryStorage({ [STORAGE_KEY]: '{"version": 1, "comp' });
		const now = new Date('2026-01-02T03:04:05.000Z');
		const result = loadWorksheet(storage, now);
		expect(result.worksheet).toEqual(emptyWorksheet());
		expect(result.asideKey).toBe(`${CORRUPTED_PREFIX}2026-01-02T03:04:05.000Z`);
		expect(storage.data.get(result.asideKey!)).toBe('{"version": 1, "comp');
		expect(result.problem).toContain('not valid JSON');
		expect(result.problem).toContain(result.asideKey);
		expect(result.canSave).toBe(true);
	});

	it('does not allow saving over a corrupted copy it could not keep aside', () => {
		const storage: StorageLike = {
			getItem: () => '{"version": 3}',
			setItem: () => {
				throw new Error('QuotaExceededError');
			}
		};
		const result = loadWorksheet(storage);
		expect(result.canSave).toBe(false);
		expect(result.problem).toContain('version must be 1, got 3');
	});
});
