import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/lib/exercise/controls';
import { REFERENCE_ASSESSMENT } from '../../src/lib/exercise/reference-assessment';
import { LIBRARY } from '../../src/lib/exercise/scenario';
import { rankThreats, riskLevel, riskMatrix, riskScore } from '../../src/lib/exercise/scoring';
import {
	CORRUPTED_PREFIX,
	keepCopy,
	loadWorksheet,
	PREVIOUS_PREFIX,
	saveWorksheet,
	STORAGE_KEY,
	type StorageLike
} from '../../src/lib/exercise/storage';
import { parseWorksheet, validateWorksheet } from '../../src/lib/exercise/validation';
import {
	COMPONENT_IDS,
	emptyWorksheet,
	LIMITS,
	nextCustomId,
	toJson
} from '../../src/lib/exercise/worksheet';
import { custom, memoryStorage, sample } from './fixtures/worksheets';

/** A worksheet parsed back from JSON, loose enough to be broken on purpose. */
interface Loose {
	version: unknown;
	components: Record<string, Record<string, unknown>[]>;
	controls: unknown[];
	incidentResponse: Record<string, unknown>;
	submitted: unknown;
}

describe('risk scoring', () => {
	it('risk is likelihood × impact, from 1 to 25, independent of detectability', () => {
		expect(riskScore(custom('a', 1, 1))).toBe(1);
		expect(riskScore(custom('a', 4, 5, 1))).toBe(20);
		expect(riskScore(custom('a', 4, 5, 5))).toBe(20);
		expect(riskScore(custom('a', 5, 5))).toBe(25);
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
});

describe('custom threat ids', () => {
	it('numbers custom threats after the highest custom id in the worksheet', () => {
		const ws = emptyWorksheet();
		expect(nextCustomId(ws)).toBe('custom-1');
		ws.components['inference-pipeline'].push(custom('custom-4', 1, 1), custom('custom-2', 1, 1));
		expect(nextCustomId(ws)).toBe('custom-5');
	});

	it('counts past 2^53 exactly, where Number(id) + 1 would give the same id again', () => {
		const ws = emptyWorksheet();
		ws.components['inference-pipeline'].push(custom('custom-9007199254740992', 1, 1));
		expect(nextCustomId(ws)).toBe('custom-9007199254740993');
		const digits = '1'.repeat(190);
		ws.components['inference-pipeline'].push(custom(`custom-${digits}`, 1, 1));
		expect(nextCustomId(ws)).toBe(`custom-${'1'.repeat(189)}2`);
	});

	it('takes the lowest free id when the next one would be longer than an id may be', () => {
		const ws = emptyWorksheet();
		const longest = `custom-${'9'.repeat(LIMITS.id - 'custom-'.length)}`;
		ws.components['training-data'].push(custom(longest, 1, 1), custom('custom-1', 1, 1));
		const id = nextCustomId(ws);
		expect(id).toBe('custom-2');
		ws.components['training-data'].push(custom(id, 1, 1));
		expect(validateWorksheet(JSON.parse(toJson(ws))).ok).toBe(true);
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
		ws.components['inference-pipeline'][2].likelihood = 7;
		expect(validateWorksheet(ws)).toEqual({
			ok: false,
			error: 'components.inference-pipeline[2].likelihood must be a whole number 1-5, got 7'
		});
	});

	it.each([
		[(ws: Loose) => (ws.version = 3), 'version must be 1 or 2, got 3'],
		[
			(ws: Loose) => delete ws.components['model-architecture'],
			'components.model-architecture must be a list of threats, got nothing'
		],
		[
			(ws: Loose) => (ws.components['model-architecture'][1].impact = 2.5),
			'components.model-architecture[1].impact must be a whole number 1-5, got 2.5'
		],
		[
			(ws: Loose) => (ws.components['model-architecture'][0].detectability = '3'),
			'components.model-architecture[0].detectability must be a whole number 1-5, got "3"'
		],
		[
			(ws: Loose) => (ws.components['inference-pipeline'][0].name = ''),
			'components.inference-pipeline[0].name must not be empty'
		],
		[
			(ws: Loose) => (ws.components['inference-pipeline'][0].name = '\n\u0000\t'),
			'components.inference-pipeline[0].name must not be empty'
		],
		[
			(ws: Loose) => (ws.components['inference-pipeline'][0].source = 'web'),
			'components.inference-pipeline[0].source must be "library" or "custom", got "web"'
		],
		[
			(ws: Loose) => (ws.components['training-data'][0].atlas = 'T0020'),
			'components.training-data[0].atlas must be an ATLAS technique id like AML.T0020, got "T0020"'
		],
		[
			(ws: Loose) => (ws.components['inference-pipeline'][1].id = 'evade'),
			'components.inference-pipeline[1].id "evade" is used twice in the worksheet'
		],
		[
			(ws: Loose) => (ws.components.cloud = []),
			'components.cloud is not a component; use training-data, model-architecture, inference-pipeline, deployment-infrastructure'
		],
		[
			(ws: Loose) => (ws.components.api = []),
			'components.api is not a component; use training-data, model-architecture, inference-pipeline, deployment-infrastructure'
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
		const bad = parseWorksheet('{"version": 2,');
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.error).toMatch(/^not valid JSON \(/);
		expect(parseWorksheet('[1, 2]')).toEqual({
			ok: false,
			error: 'worksheet must be an object, got a list'
		});
	});

	it('puts names on one line: line breaks and control characters become spaces', () => {
		const ws = JSON.parse(toJson(sample()));
		ws.components['inference-pipeline'][0].name = '  Replay\n# of approved\r\npayments\u2028\t ';
		const result = validateWorksheet(ws);
		expect(result.ok && result.worksheet.components['inference-pipeline'][0].name).toBe(
			'Replay # of approved payments'
		);
	});

	it('reads only a value the file itself holds, never one inherited from Object.prototype', () => {
		const ws = JSON.parse(toJson(sample()));
		delete ws.incidentResponse.contain;
		ws.incidentResponse.constructor = 'x';
		expect(validateWorksheet(ws)).toEqual({
			ok: false,
			error: 'incidentResponse.contain must be text, got nothing'
		});
		const proto = JSON.parse(
			toJson(emptyWorksheet()).replace('"components": {', '"components": {"__proto__": [],')
		);
		expect(validateWorksheet(proto)).toEqual({
			ok: false,
			error:
				'components.__proto__ is not a component; use training-data, model-architecture, inference-pipeline, deployment-infrastructure'
		});
	});
});

describe('worksheet limits', () => {
	function withThreats(counts: Partial<Record<string, number>>) {
		const ws = emptyWorksheet();
		let n = 0;
		for (const c of COMPONENT_IDS) {
			for (let i = 0; i < (counts[c] ?? 0); i++)
				ws.components[c].push(custom(`custom-${++n}`, 3, 3));
		}
		return JSON.parse(toJson(ws));
	}

	it('accepts a full component and a full worksheet', () => {
		expect(
			validateWorksheet(withThreats({ 'inference-pipeline': LIMITS.threatsPerComponent })).ok
		).toBe(true);
		expect(
			validateWorksheet(withThreats({ 'training-data': 50, 'model-architecture': 50 })).ok
		).toBe(true);
	});

	it('refuses more threats in a component than the limit, naming the component and the limit', () => {
		expect(validateWorksheet(withThreats({ 'inference-pipeline': 6000 }))).toEqual({
			ok: false,
			error: 'components.inference-pipeline lists 6000 threats; the limit is 50 per component'
		});
	});

	it('refuses more threats in the worksheet than the limit', () => {
		expect(
			validateWorksheet(
				withThreats({
					'training-data': 30,
					'model-architecture': 30,
					'inference-pipeline': 30,
					'deployment-infrastructure': 11
				})
			)
		).toEqual({
			ok: false,
			error: 'components list 101 threats in all; the limit is 100 per worksheet'
		});
	});

	it.each([
		[
			(ws: Loose) => (ws.components['training-data'][0].name = 'x'.repeat(201)),
			'components.training-data[0].name is 201 characters long; the limit is 200'
		],
		[
			(ws: Loose) => (ws.components['training-data'][0].id = 'x'.repeat(201)),
			'components.training-data[0].id is 201 characters long; the limit is 200'
		],
		[
			(ws: Loose) => (ws.incidentResponse.detect = 'x'.repeat(10_001)),
			'incidentResponse.detect is 10001 characters long; the limit is 10000'
		],
		[
			(ws: Loose) => (ws.controls = Array(101).fill('AML.M0007')),
			'controls lists 101 control ids; the limit is 100 entries'
		]
	])('refuses over-long text and lists %#: %s', (mutate, error) => {
		const ws = JSON.parse(toJson(sample()));
		mutate(ws);
		expect(validateWorksheet(ws)).toEqual({ ok: false, error });
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
		for (const t of LIBRARY) expect(techniques, `${t.id} ${t.atlas}`).toContain(t.atlas);
	});

	it('uses real ATLAS mitigation ids and names for every ATLAS control', () => {
		const atlas = CONTROLS.filter((c) => c.kind === 'atlas');
		expect(atlas.length).toBeGreaterThan(10);
		for (const c of atlas) expect(mitigations.get(c.id), c.id).toBe(c.name);
		expect(CONTROLS.filter((c) => c.kind === 'classic').length).toBeGreaterThan(5);
	});

	it('has threats for every component and controls that name real library threats', () => {
		for (const c of COMPONENT_IDS) {
			expect(LIBRARY.filter((t) => t.component === c).length).toBeGreaterThanOrEqual(4);
		}
		const ids = new Set(LIBRARY.map((t) => t.id));
		expect(ids.size).toBe(LIBRARY.length);
		for (const c of CONTROLS) for (const id of c.mitigates) expect(ids, c.id).toContain(id);
	});

	it('has a complete, submitted reference assessment that passes its own validation', () => {
		expect(validateWorksheet(REFERENCE_ASSESSMENT)).toEqual({
			ok: true,
			worksheet: REFERENCE_ASSESSMENT
		});
		expect(REFERENCE_ASSESSMENT.submitted).toBe(true);
		for (const c of COMPONENT_IDS)
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
		const storage = memoryStorage({ [STORAGE_KEY]: '{"version": 2, "comp' });
		const now = new Date('2026-01-02T03:04:05.000Z');
		const result = loadWorksheet(storage, now);
		expect(result.worksheet).toEqual(emptyWorksheet());
		expect(result.asideKey).toBe(`${CORRUPTED_PREFIX}2026-01-02T03:04:05.000Z`);
		expect(storage.data.get(result.asideKey!)).toBe('{"version": 2, "comp');
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
		expect(result.problem).toContain('version must be 1 or 2, got 3');
	});

	it('never writes a worksheet its own loader would refuse, and says why', () => {
		const storage = memoryStorage();
		expect(saveWorksheet(storage, sample())).toBeNull();
		const before = storage.data.get(STORAGE_KEY);
		const broken = sample();
		broken.components['model-architecture'][1].id = 'evade';
		const problem = saveWorksheet(storage, broken);
		expect(problem).toContain('was not saved');
		expect(problem).toContain('components.model-architecture[1].id "evade" is used twice');
		expect(storage.data.get(STORAGE_KEY)).toBe(before);
	});

	it('keeps copies under distinct timestamped keys, even within the same millisecond', () => {
		const storage = memoryStorage();
		const now = new Date('2026-03-04T05:06:07.000Z');
		const first = keepCopy(storage, PREVIOUS_PREFIX, 'one', now);
		const second = keepCopy(storage, PREVIOUS_PREFIX, 'two', now);
		expect(first).toEqual({ ok: true, key: `${PREVIOUS_PREFIX}2026-03-04T05:06:07.000Z` });
		expect(second).toEqual({ ok: true, key: `${PREVIOUS_PREFIX}2026-03-04T05:06:07.000Z-2` });
		expect([...storage.data.values()]).toEqual(['one', 'two']);
	});
});
