import { describe, expect, it } from 'vitest';
import { DEFAULTS, readParams, writeParams } from '../../src/lib/labs/adversarial/params';
import { toCsv } from '../../src/lib/components/download';

describe('adversarial lab URL parameters', () => {
	it('round-trip: every parameter written is read back the same', () => {
		const params = {
			...DEFAULTS,
			model: 'mnist-cnn-adv' as const,
			attack: 'pgd' as const,
			eps: 0.235,
			steps: 40,
			randomStart: true,
			seed: 7,
			digit: 123
		};
		const search = writeParams(params, '?backend=wasm');
		expect(search).toContain('backend=wasm');
		expect(readParams(search)).toEqual({ params, problems: [] });
	});

	it('leaves defaults out of the link', () => {
		expect(writeParams(DEFAULTS, '')).toBe('');
	});

	it('reports a bad value, says what was expected, and keeps the default', () => {
		const { params, problems } = readParams('?eps=0.9&model=gpt&steps=2.5&attack=fgsm');
		expect(params.eps).toBe(DEFAULTS.eps);
		expect(params.model).toBe(DEFAULTS.model);
		expect(params.steps).toBe(DEFAULTS.steps);
		expect(problems).toEqual([
			'?model=gpt is not one of mnist-softmax, mnist-cnn, mnist-cnn-adv; using mnist-cnn',
			'?eps=0.9 is not a number from 0 to 0.5; using 0.1',
			'?steps=2.5 is not a whole number from 1 to 100; using 10'
		]);
	});
});

describe('CSV export', () => {
	it('quotes fields that need it and leaves numbers alone', () => {
		expect(
			toCsv(
				['eps', 'model, defended'],
				[
					[0.1, 0.98],
					[0.2, null],
					['say "hi"', 1]
				]
			)
		).toBe('eps,"model, defended"\r\n0.1,0.98\r\n0.2,\r\n"say ""hi""",1\r\n');
	});
});
