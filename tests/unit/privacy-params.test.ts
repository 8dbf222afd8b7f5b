import { describe, expect, it } from 'vitest';
import {
	DEFAULTS,
	invalidFields,
	normalizeParams,
	readParams,
	writeParams
} from '../../src/lib/labs/privacy/params';

describe('the privacy lab URL', () => {
	it('round-trips every setting, and the defaults leave the query empty', () => {
		const params = {
			dataset: 'mnist' as const,
			sigma: 2.5,
			clip: 0.7,
			batch: 100,
			epochs: 12,
			delta: 1e-6,
			sampling: 'shuffle' as const,
			seed: 42
		};
		const search = writeParams(params, '?backend=wasm');
		expect(search).toContain('backend=wasm');
		expect(readParams(search)).toEqual({ params, problems: [] });
		expect(writeParams(DEFAULTS, '')).toBe('');
	});

	it('reports a bad value with what it expected, and keeps the default', () => {
		const { params, problems } = readParams('?sigma=11&dataset=cifar&delta=0&epochs=2.5');
		expect(params).toEqual(DEFAULTS);
		expect(problems).toEqual([
			'?dataset=cifar is not one of fraud, mnist; using fraud',
			'?sigma=11 is not a number from 0 to 10; using 1',
			'?epochs=2.5 is not a whole number from 1 to 200; using 30',
			'?delta=0 is not a number from 0 (exclusive) to 0.001; using 0.00001'
		]);
	});

	it('an emptied number box is named as invalid and falls back to the default for a run', () => {
		const edited = { ...DEFAULTS, clip: null as unknown as number };
		expect(invalidFields(edited).map((f) => f.key)).toEqual(['clip']);
		expect(normalizeParams(edited).clip).toBe(DEFAULTS.clip);
	});
});
