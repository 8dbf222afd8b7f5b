import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTyping, shortcutFor } from '../../src/lib/present/shortcuts';
import {
	checkScript,
	readScriptFile,
	readScriptParam,
	ScriptError,
	scriptFile,
	scriptParam,
	type Script
} from '../../src/lib/present/script';
import { findScene, sceneQuery } from '../../src/lib/present/scene';
import { SCENES as adversarial } from '../../src/lib/labs/adversarial/scenes';
import { SCENES as poisoning } from '../../src/lib/labs/poisoning/scenes';
import { SCENES as extraction } from '../../src/lib/labs/extraction/scenes';
import { SCENES as privacy } from '../../src/lib/labs/privacy/scenes';
import { SCENES as inversion } from '../../src/lib/labs/inversion/scenes';
import { URL_PARAMS as A } from '../../src/lib/labs/adversarial/settings';
import { BACKDOOR_URL_PARAMS as BD, URL_PARAMS as P } from '../../src/lib/labs/poisoning/settings';
import { URL_PARAMS as E } from '../../src/lib/labs/extraction/settings';
import { URL_PARAMS as R } from '../../src/lib/labs/privacy/settings';
import { URL_PARAMS as I } from '../../src/lib/labs/inversion/settings';

const ALL = [adversarial, poisoning, extraction, privacy, inversion];

describe('scenes', () => {
	it.each([
		[adversarial, [A]],
		[poisoning, [P, BD]],
		[extraction, [E]],
		[privacy, [R]],
		[inversion, [I]]
	] as const)('every scene of %# is a valid, complete link of its lab', (list, schemas) => {
		const ids = list.scenes.map((s) => s.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const scene of list.scenes) {
			const query = sceneQuery(scene);
			for (const schema of schemas) expect(schema.read(query).problems, scene.id).toEqual([]);
			// every key the scene sets belongs to one of the lab's schemas
			const known = schemas.flatMap((s) =>
				Object.keys(s.defaults).map((k) =>
					s === BD ? `bd-${k === 'trainCount' ? 'train' : k}` : k
				)
			);
			for (const key of Object.keys(scene.settings))
				expect(known, `${scene.id}: ${key}`).toContain(key);
			expect(scene.notes.length).toBeGreaterThanOrEqual(2);
			expect(findScene(list, scene.id)).toBe(scene);
		}
	});
});

describe('the presenter keyboard', () => {
	const input = { tag: 'INPUT', type: 'number' };
	it('steps, slides and runs only in presenter view; p, f and ? always', () => {
		expect(shortcutFor({ key: 'PageDown' }, true)).toBe('next');
		expect(shortcutFor({ key: 'PageDown' }, false)).toBeNull();
		expect(shortcutFor({ key: 'ArrowRight' }, true)).toBe('slider-up');
		expect(shortcutFor({ key: 'ArrowDown' }, true)).toBe('slider-down');
		expect(shortcutFor({ key: 'r' }, true)).toBe('run');
		expect(shortcutFor({ key: 'r' }, false)).toBeNull();
		expect(shortcutFor({ key: 'p' }, false)).toBe('present');
		expect(shortcutFor({ key: 'f' }, true)).toBe('fullscreen');
		expect(shortcutFor({ key: '?' }, false)).toBe('help');
		expect(shortcutFor({ key: 'Escape' }, false)).toBe('cancel');
	});

	it('never fires while typing in a field, and leaves a focused slider its arrows', () => {
		for (const key of ['p', 'f', 'r', '?', 'PageDown', 'ArrowRight'])
			expect(shortcutFor({ key, target: input }, true), key).toBeNull();
		expect(
			shortcutFor({ key: 'ArrowRight', target: { tag: 'INPUT', type: 'range' } }, true)
		).toBeNull();
		expect(shortcutFor({ key: 'r', target: { tag: 'INPUT', type: 'range' } }, true)).toBe('run');
		expect(shortcutFor({ key: 'p', target: { tag: 'DIV', editable: true } }, true)).toBeNull();
		expect(shortcutFor({ key: 'p', ctrlKey: true }, true)).toBeNull();
		expect(isTyping({ tag: 'TEXTAREA' })).toBe(true);
		expect(isTyping({ tag: 'BUTTON' })).toBe(false);
	});
});

describe('an instructor`s own script', () => {
	const script: Script = {
		title: 'Week 3',
		steps: [
			{ kind: 'scene', lab: 'adversarial', scene: 'flip', title: 'Look at the 2' },
			{ kind: 'question', title: 'Why does the model not notice?' },
			{ kind: 'scene', lab: 'privacy', scene: 'trade-off' }
		]
	};

	it('travels as a link and as a file, and comes back the same', () => {
		expect(readScriptParam(scriptParam(script), ALL)).toEqual(script);
		expect(readScriptFile(scriptFile(script), 'w3.json', ALL)).toEqual(script);
	});

	it.each([
		[{ steps: [] }, 'steps must be a list of 1 to 60 steps'],
		[{ steps: [{ kind: 'dance' }] }, 'step 1: kind must be scene or question'],
		[
			{ steps: [{ kind: 'scene', lab: 'adversarial', scene: 'nope' }] },
			'step 1: the adversarial lab has no scene "nope" (it has cnn'
		],
		[
			{
				steps: [
					{ kind: 'question', title: 'ok' },
					{ kind: 'scene', lab: 'gpu', scene: 'x' }
				]
			},
			'step 2: lab must be one of'
		],
		[{ steps: [{ kind: 'question', title: '' }] }, 'step 1: title must be a line of text']
	])('a malformed script names its step and field: %j', (value, message) => {
		expect(() => checkScript(value, ALL)).toThrow(ScriptError);
		expect(() => checkScript(value, ALL)).toThrow(message);
	});

	it('a damaged link or file loads nothing and says so; any text only ever gives a ScriptError', () => {
		expect(() => readScriptParam('%%%', ALL)).toThrow(/damaged/);
		expect(() => readScriptFile('{', 'x.json', ALL)).toThrow(/x\.json is not JSON/);
		expect(() => readScriptFile('{"steps":[]}', 'x.json', ALL)).toThrow(/not a lecture script/);
		fc.assert(
			fc.property(fc.oneof(fc.string(), fc.base64String(), fc.json()), (text) => {
				for (const read of [
					() => readScriptParam(text, ALL),
					() => readScriptFile(text, 'f', ALL)
				]) {
					try {
						read();
					} catch (err) {
						expect(err).toBeInstanceOf(ScriptError);
					}
				}
			}),
			{ seed: 20261201, numRuns: 1000 }
		);
	});
});
