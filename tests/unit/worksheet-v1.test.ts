import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_BY_ID } from '../../src/lib/exercise/scenario';
import { loadWorksheet, saveWorksheet, STORAGE_KEY } from '../../src/lib/exercise/storage';
import { parseWorksheet, validateWorksheet } from '../../src/lib/exercise/validation';
import { V1_COMPONENTS, V1_LIBRARY_IDS } from '../../src/lib/exercise/worksheet-v1';
import { COMPONENT_IDS, toJson } from '../../src/lib/exercise/worksheet';
import { memoryStorage } from './fixtures/worksheets';

// Saved by the exercise as it was before the catalogues were merged: every library threat, two
// custom threats, three controls and two answers (tests/unit/fixtures/worksheet-v1.json).
const V1_TEXT = readFileSync(
	path.join(process.cwd(), 'tests', 'unit', 'fixtures', 'worksheet-v1.json'),
	'utf8'
);
const v1 = JSON.parse(V1_TEXT);

describe('a worksheet saved in the version-1 format', () => {
	it('loads from storage with nothing lost, in the catalogue’s components and ids', () => {
		const storage = memoryStorage({ [STORAGE_KEY]: V1_TEXT });
		const result = loadWorksheet(storage);
		expect(result.problem).toBeUndefined();
		expect(result.canSave).toBe(true);
		const ws = result.worksheet;
		expect(ws.version).toBe(2);
		expect(Object.keys(ws.components)).toEqual(COMPONENT_IDS);

		for (const [oldKey, component] of V1_COMPONENTS) {
			const before = v1.components[oldKey] as { id: string; source: string }[];
			const after = ws.components[component];
			expect(after.map((t) => t.id)).toEqual(
				before.map((t) => (t.source === 'library' ? V1_LIBRARY_IDS.get(t.id) : t.id))
			);
			// Names, sources, ATLAS tags and scores come through unchanged.
			expect(after.map(({ id: _id, ...rest }) => rest)).toEqual(
				before.map(({ id: _id, ...rest }) => rest)
			);
		}
		expect(ws.components['inference-pipeline'].at(-1)).toMatchObject({
			id: 'custom-1',
			name: 'Replay of previously approved transactions'
		});
		expect(ws.controls).toEqual(v1.controls);
		expect(ws.incidentResponse).toEqual(v1.incidentResponse);
		expect(ws.submitted).toBe(false);
	});

	it('maps every old library id to the catalogue threat the exercise now offers in its place', () => {
		const oldIds = Object.values(v1.components)
			.flat()
			.filter((t) => (t as { source: string }).source === 'library') as {
			id: string;
			name: string;
			atlas: string;
		}[];
		expect(oldIds).toHaveLength(V1_LIBRARY_IDS.size);
		for (const old of oldIds) {
			const entry = LIBRARY_BY_ID.get(V1_LIBRARY_IDS.get(old.id) ?? '');
			expect(entry, old.id).toBeDefined();
			expect(entry!.name, old.id).toBe(old.name);
			expect(entry!.atlas, old.id).toBe(old.atlas);
		}
		expect(new Set(V1_LIBRARY_IDS.values()).size).toBe(V1_LIBRARY_IDS.size);
	});

	it('is saved back in the current format, which loads to the same worksheet', () => {
		const storage = memoryStorage({ [STORAGE_KEY]: V1_TEXT });
		const loaded = loadWorksheet(storage).worksheet;
		expect(saveWorksheet(storage, loaded)).toBeNull();
		expect(JSON.parse(storage.data.get(STORAGE_KEY)!).version).toBe(2);
		expect(loadWorksheet(storage).worksheet).toEqual(loaded);
		expect(parseWorksheet(toJson(loaded))).toEqual({ ok: true, worksheet: loaded });
	});

	it('reports problems at the paths the old file uses', () => {
		const bad = structuredClone(v1);
		bad.components.api[0].likelihood = 7;
		expect(validateWorksheet(bad)).toEqual({
			ok: false,
			error: 'components.api[0].likelihood must be a whole number 1-5, got 7'
		});
		const renamed = structuredClone(v1);
		renamed.components['inference-pipeline'] = [];
		expect(validateWorksheet(renamed)).toEqual({
			ok: false,
			error:
				'components.inference-pipeline is not a component; use training-data, model, api, infrastructure'
		});
	});

	it('refuses, with the id, a custom threat that takes the catalogue id of a library one', () => {
		const clash = structuredClone(v1);
		clash.components.api.push({ ...clash.components.api.at(-1), id: 'label-flipping' });
		expect(validateWorksheet(clash)).toEqual({
			ok: false,
			error: `components.api[${clash.components.api.length - 1}].id "label-flipping" is used twice in the worksheet`
		});
	});
});
