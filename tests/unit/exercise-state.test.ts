import { describe, expect, it } from 'vitest';
import { ExerciseState } from '../../src/lib/exercise/exercise-state.svelte';
import { PREVIOUS_PREFIX, STORAGE_KEY } from '../../src/lib/exercise/storage';
import { parseWorksheet } from '../../src/lib/exercise/validation';
import {
	allThreats,
	emptyWorksheet,
	LIMITS,
	toJson,
	type Worksheet
} from '../../src/lib/exercise/worksheet';
import { custom, memoryStorage, sample, type MemoryStorage } from './fixtures/worksheets';

/** A page state loaded from `storage`, as the page's onMount does. */
function opened(storage: MemoryStorage = memoryStorage()) {
	const ex = new ExerciseState();
	ex.load(storage);
	return ex;
}

/** What the page's $effect does after every change. */
function autosaved(ex: ExerciseState, storage: MemoryStorage) {
	ex.save();
	return storage.data.get(STORAGE_KEY);
}

const ids = (ws: Worksheet) => allThreats(ws).map((t) => t.id);
const keptKeys = (storage: MemoryStorage) =>
	[...storage.data.keys()].filter((k) => k.startsWith(PREVIOUS_PREFIX));

describe('adding threats', () => {
	it('gives a threat added after an imported custom-9007199254740992 its own id, and the save loads back', () => {
		const storage = memoryStorage();
		const ex = opened(storage);
		const ws = emptyWorksheet();
		ws.components['inference-pipeline'].push(custom('custom-9007199254740992'));
		ex.importText(toJson(ws), 'big-id.json');
		ex.addCustom('inference-pipeline', 'Replay of approved payments');
		expect(ids(ex.worksheet)).toEqual(['custom-9007199254740992', 'custom-9007199254740993']);

		const saved = autosaved(ex, storage)!;
		expect(ex.saveProblem).toBeNull();
		expect(parseWorksheet(saved).ok).toBe(true);
		expect(opened(storage).worksheet).toEqual(ex.worksheet);
	});

	it('stops adding at the component limit and says why', () => {
		const ex = opened();
		for (let i = 0; i < LIMITS.threatsPerComponent + 3; i++) ex.addCustom('training-data', `t${i}`);
		expect(ex.worksheet.components['training-data']).toHaveLength(LIMITS.threatsPerComponent);
		expect(ex.cannotAdd('training-data')).toContain('already lists 50 threats');
		expect(ex.cannotAdd('model-architecture')).toBeNull();
		ex.addFromLibrary('training-data', 'label-flipping');
		expect(ex.worksheet.components['training-data']).toHaveLength(LIMITS.threatsPerComponent);
	});

	it('does not offer a library threat again that an import placed on another component', () => {
		const ex = opened();
		const ws = emptyWorksheet();
		ws.components['inference-pipeline'].push({ ...custom('label-flipping'), source: 'library' });
		ex.importText(toJson(ws), 'moved.json');
		expect(ex.available('training-data').map((t) => t.id)).not.toContain('label-flipping');
		ex.addFromLibrary('training-data', 'label-flipping');
		expect(ids(ex.worksheet)).toEqual(['label-flipping']);
	});

	it('puts a pasted name with line breaks on one line', () => {
		const ex = opened();
		ex.addCustom('model-architecture', '  Evasion\n# by crafted\tpayments  ');
		expect(ex.worksheet.components['model-architecture'][0].name).toBe(
			'Evasion # by crafted payments'
		);
	});
});

describe('a submitted worksheet', () => {
	it('takes no edits until it is reopened', () => {
		const ex = opened();
		ex.addFromLibrary('training-data', 'label-flipping');
		ex.submit();
		const before = toJson(ex.worksheet);
		ex.addCustom('training-data', 'Late idea');
		ex.addFromLibrary('training-data', 'data-injection');
		ex.remove('training-data', 'label-flipping');
		ex.toggleControl('AML.M0007', true);
		ex.importText(toJson(sample()), 'other.json');
		expect(toJson(ex.worksheet)).toBe(before);
		expect(ex.cannotAdd('training-data')).toContain('reopen');

		ex.reopen();
		ex.addCustom('training-data', 'Late idea');
		expect(ex.worksheet.components['training-data'].map((t) => t.name)).toContain('Late idea');
	});
});

describe('replacing the worksheet', () => {
	it('New worksheet keeps the current one under a timestamped key, and restore brings it back', () => {
		const storage = memoryStorage();
		const ex = opened(storage);
		ex.importText(toJson(sample()), 'sample.json');
		const before = toJson(ex.worksheet);
		expect(keptKeys(storage)).toEqual([]);

		expect(ex.startNew()).toBeNull();
		expect(ex.worksheet).toEqual(emptyWorksheet());
		const [key] = keptKeys(storage);
		expect(key).toMatch(/^ai-lab:exercise:v1:previous:\d{4}-\d\d-\d\dT/);
		expect(storage.data.get(key)).toBe(before);
		expect(ex.kept?.key).toBe(key);

		expect(ex.restoreKept()).toBeNull();
		expect(toJson(ex.worksheet)).toBe(before);
		// The empty worksheet it replaced had nothing to keep.
		expect(keptKeys(storage)).toHaveLength(1);
		expect(ex.kept).toBeNull();
	});

	it('New worksheet changes nothing when the copy cannot be kept, unless told to go ahead', () => {
		const storage = memoryStorage();
		const ex = opened(storage);
		ex.importText(toJson(sample()), 'sample.json');
		const before = toJson(ex.worksheet);
		storage.failWrites = true;
		expect(ex.startNew()).toContain('QuotaExceededError');
		expect(toJson(ex.worksheet)).toBe(before);
		expect(ex.startNew(true)).toBeNull();
		expect(ex.worksheet).toEqual(emptyWorksheet());
	});

	it('an import keeps the worksheet it replaces; a refused import changes nothing and says why', () => {
		const storage = memoryStorage();
		const ex = opened(storage);
		ex.addCustom('inference-pipeline', 'Mine');
		const mine = toJson(ex.worksheet);

		const tooMany = emptyWorksheet();
		for (let i = 1; i <= 60; i++)
			tooMany.components['inference-pipeline'].push(custom(`custom-${i}`));
		ex.importText(toJson(tooMany), 'class.json');
		expect(ex.importError).toBe(
			'Could not import class.json: components.inference-pipeline lists 60 threats; the limit is 50 per component. Your current worksheet was not changed.'
		);
		expect(toJson(ex.worksheet)).toBe(mine);

		storage.failWrites = true;
		ex.importText(toJson(sample()), 'sample.json');
		expect(ex.importError).toContain('could not be kept in this browser first (QuotaExceededError');
		expect(toJson(ex.worksheet)).toBe(mine);

		storage.failWrites = false;
		ex.importText(toJson(sample()), 'sample.json');
		expect(ex.importError).toBeNull();
		expect(ex.importNotice).toBe('Imported sample.json: 6 threats.');
		expect(keptKeys(storage).map((k) => storage.data.get(k))).toEqual([mine]);
	});
});

describe('autosave', () => {
	it('when the browser refuses the write, the work stays on the page and the message says so', () => {
		const storage = memoryStorage();
		const ex = opened(storage);
		ex.addCustom('training-data', 'Saved one');
		autosaved(ex, storage);
		const lastGood = storage.data.get(STORAGE_KEY);

		storage.failWrites = true;
		ex.addCustom('training-data', 'Not saved yet');
		autosaved(ex, storage);
		expect(ex.saveProblem).toContain('could not be saved in this browser (QuotaExceededError');
		expect(ex.saveProblem).toContain('Your work is still on this page');
		expect(ex.worksheet.components['training-data'].map((t) => t.name)).toEqual([
			'Saved one',
			'Not saved yet'
		]);
		expect(storage.data.get(STORAGE_KEY)).toBe(lastGood);

		storage.failWrites = false;
		autosaved(ex, storage);
		expect(ex.saveProblem).toBeNull();
		expect(opened(storage).worksheet).toEqual(ex.worksheet);
	});

	it('does not save over a good copy with one the loader would refuse', () => {
		const storage = memoryStorage();
		const ex = opened(storage);
		ex.addCustom('training-data', 'Fine');
		const lastGood = autosaved(ex, storage);
		// A state no edit on the page produces, made directly: two threats with one id.
		ex.worksheet.components['training-data'].push({
			...ex.worksheet.components['training-data'][0]
		});
		autosaved(ex, storage);
		expect(ex.saveProblem).toContain('is used twice in the worksheet');
		expect(storage.data.get(STORAGE_KEY)).toBe(lastGood);
		expect(ex.worksheet.components['training-data']).toHaveLength(2);
	});
});
