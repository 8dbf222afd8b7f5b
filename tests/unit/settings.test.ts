import { describe, expect, it } from 'vitest';
import {
	choice,
	defineSettings,
	flag,
	integer,
	number,
	problemOf,
	seed,
	shorten
} from '../../src/lib/labs/settings';
import { URL_PARAMS as adversarial, reachOf } from '../../src/lib/labs/adversarial/settings';
import {
	BACKDOOR_URL_PARAMS as backdoor,
	URL_PARAMS as poisoning
} from '../../src/lib/labs/poisoning/settings';
import { URL_PARAMS as privacy } from '../../src/lib/labs/privacy/settings';
import { outputModeOf, URL_PARAMS as extraction } from '../../src/lib/labs/extraction/settings';
import { toCsv } from '../../src/lib/components/download';

const meta = { label: 'x', help: 'x' };

describe('field kinds', () => {
	it('a number field takes values inside its range and nothing else', () => {
		const eps = number({ ...meta, min: 0, max: 0.5, default: 0.1 });
		expect(['0', '0.5', ' 0.25 ', '1e-3', '-0'].map(eps.parse)).toEqual([0, 0.5, 0.25, 0.001, 0]);
		expect(Object.is(eps.parse('-0'), 0)).toBe(true);
		for (const bad of ['', '  ', 'abc', '0.51', '-0.1', 'Infinity', 'NaN', '0x', '1e300'])
			expect(eps.parse(bad), bad).toBeUndefined();
		expect(eps.parse('5e-324')).toBe(5e-324);
		expect(eps.expect).toBe('a number from 0 to 0.5');
	});

	it('a whole-number field refuses fractions; an open bound refuses the bound itself', () => {
		const steps = integer({ ...meta, min: 1, max: 100, default: 10 });
		expect(steps.parse('40')).toBe(40);
		expect(steps.parse('2.5')).toBeUndefined();
		expect(steps.parse('1e300')).toBeUndefined();
		expect(steps.expect).toBe('a whole number from 1 to 100');
		const delta = number({ ...meta, min: 0, max: 0.001, above: true, default: 1e-5 });
		expect(delta.parse('0')).toBeUndefined();
		expect(delta.parse('1e-6')).toBe(1e-6);
		expect(delta.expect).toBe('a number from 0 (exclusive) to 0.001');
		expect(integer({ ...meta, min: 0, max: 9, default: 1, what: 'a digit' }).expect).toBe(
			'a digit from 0 to 9'
		);
	});

	it('numbers are written without float noise, and whole numbers are written exactly', () => {
		const x = number({ ...meta, min: 0, max: 1e6, default: 1 });
		expect(x.show(0.1 + 0.2)).toBe('0.3');
		expect(x.show(0.1234567)).toBe('0.1234567');
		expect(x.show(1e-6)).toBe('0.000001');
		// a seed keeps every digit (rounding it would make the link reproduce another run)
		expect(seed().show(2147483647)).toBe('2147483647');
		expect(seed().parse('2147483648')).toBeUndefined();
	});

	it('a choice accepts only its listed values, strings or numbers, and names them', () => {
		const attack = choice(['fgsm', 'pgd'] as const, { ...meta, default: 'fgsm' });
		expect(attack.parse('pgd')).toBe('pgd');
		expect(attack.parse('PGD')).toBeUndefined();
		expect(attack.expect).toBe('one of fgsm, pgd');
		const size = choice([0.05, 1000] as const, { ...meta, default: 1000 });
		expect(size.parse('1000')).toBe(1000);
		expect(size.parse('0.050')).toBe(0.05);
		expect(size.parse('1000.5')).toBeUndefined();
		expect(size.parse('')).toBeUndefined();
		expect(size.show(1000)).toBe('1000');
	});

	it('a flag reads 1/0 and true/false and writes 1/0', () => {
		const f = flag({ ...meta, default: false });
		expect(['1', 'true', '0', 'false', 'yes'].map(f.parse)).toEqual([
			true,
			true,
			false,
			false,
			undefined
		]);
		expect([f.show(true), f.show(false)]).toEqual(['1', '0']);
	});

	it('a value from a control gets the same words: emptied, NaN or out of range', () => {
		const budget = integer({ ...meta, min: 1, max: 20000, default: 2000 });
		const message = 'must be a whole number from 1 to 20000';
		for (const bad of [null, undefined, NaN, 0, 25000, 2.5, 1e300, Infinity])
			expect(problemOf(budget, bad), String(bad)).toBe(message);
		expect(problemOf(budget, 50)).toBeNull();
	});

	it('long values are shortened in messages', () => {
		expect(shorten('x'.repeat(4075))).toHaveLength(40);
		expect(shorten('short')).toBe('short');
	});
});

const demo = defineSettings({
	mode: choice(['fast', 'slow'] as const, { ...meta, default: 'fast' }),
	rate: number({ ...meta, min: 0, max: 1, default: 0.1 }),
	steps: integer({ ...meta, key: 'n', min: 1, max: 50, default: 10 }),
	on: flag({ ...meta, default: false }),
	seed: seed()
});
const schema = demo.url();
type Demo = typeof demo.defaults;

describe('a URL schema built from a settings table', () => {
	it('round-trips every field, under its own key, beside keys it does not own', () => {
		const params: Demo = { mode: 'slow', rate: 0.35, steps: 25, on: true, seed: 123456789 };
		const search = schema.write(params, '?backend=wasm&steps=3');
		expect(search).toBe('?backend=wasm&steps=3&mode=slow&rate=0.35&n=25&on=1&seed=123456789');
		expect(schema.read(search)).toEqual({ params, problems: [] });
	});

	it('leaves the defaults out of the link and removes its keys that went back to the default', () => {
		expect(schema.write(demo.defaults, '')).toBe('');
		expect(schema.write(demo.defaults, '?rate=0.5&n=3&x=1')).toBe('?x=1');
	});

	it('says which key held what, what it must be and what it used instead, in table order', () => {
		const { params, problems } = schema.read('?seed=-4&on=maybe&n=0&mode=&rate=0.2');
		expect(params).toEqual({ ...demo.defaults, rate: 0.2 });
		expect(problems.map((p) => p.text)).toEqual([
			'?mode=: must be one of fast, slow; using fast',
			'?n=0: must be a whole number from 1 to 50; using 10',
			'?on=maybe: must be 0 or 1; using 0',
			'?seed=-4: must be a whole number from 0 to 2147483647; using 1'
		]);
		expect(problems.map((p) => p.name)).toEqual(['mode', 'steps', 'on', 'seed']);
	});

	it('quotes at most 40 characters of a hostile value', () => {
		const { problems } = schema.read(`?mode=${'a'.repeat(4000)}`);
		expect(problems[0].text.length).toBeLessThan(100);
	});

	it('names the fields a control holds out of range; normalize is only for checked values', () => {
		const edited = {
			...demo.defaults,
			rate: null,
			steps: 80,
			on: true,
			seed: 7
		} as unknown as Demo;
		expect(schema.invalid(edited)).toEqual([
			{ name: 'rate', message: 'must be a number from 0 to 1' },
			{ name: 'steps', message: 'must be a whole number from 1 to 50' }
		]);
		expect(demo.problems(edited).map((p) => p.name)).toEqual(['rate', 'steps']);
		expect(schema.normalize(edited)).toEqual({ ...demo.defaults, on: true, seed: 7 });
	});
});

describe('every lab table', () => {
	const labs = { adversarial, poisoning, backdoor, privacy, extraction };
	it.each(Object.entries(labs))('%s: its defaults are valid and give an empty link', (_, url) => {
		const defaults = url.defaults as never;
		expect(url.invalid(defaults)).toEqual([]);
		expect(url.write(defaults, '')).toBe('');
		expect(url.read('')).toEqual({ params: url.defaults, problems: [] });
	});

	it('adversarial: a link round-trips, and the held-out digit range is the data`s (0-1999)', () => {
		const params = {
			...adversarial.defaults,
			model: 'mnist-cnn-adv' as const,
			attack: 'pgd' as const,
			eps: 0.235,
			steps: 40,
			stepRule: 'fixed' as const,
			randomStart: true,
			seed: 7,
			digit: 123,
			samples: 500
		};
		expect(adversarial.read(adversarial.write(params, '?backend=wasm'))).toEqual({
			params,
			problems: []
		});
		expect(adversarial.read('?digit=1999').problems).toEqual([]);
		expect(adversarial.read('?digit=2000').problems[0].text).toBe(
			'?digit=2000: must be a whole number from 0 to 1999; using 0'
		);
	});

	it('adversarial: with the default step rule BIM/PGD always reaches eps; a fixed step may not', () => {
		const p = adversarial.defaults;
		expect(reachOf({ ...p, eps: 0.5 })).toBeGreaterThanOrEqual(0.5);
		expect(reachOf({ ...p, eps: 0.5, stepRule: 'fixed', steps: 10, stepSize: 0.025 })).toBe(0.25);
	});

	it('privacy: bad values keep the defaults and say what they must be', () => {
		const { params, problems } = privacy.read('?sigma=11&dataset=cifar&delta=0&epochs=2.5');
		expect(params).toEqual(privacy.defaults);
		expect(problems.map((p) => p.text)).toEqual([
			'?dataset=cifar: must be one of fraud, mnist; using fraud',
			'?sigma=11: must be a number from 0 to 10; using 1',
			'?epochs=2.5: must be a whole number from 1 to 200; using 30',
			'?delta=0: must be a number from 0 (exclusive) to 0.001; using 0.00001'
		]);
	});

	it('extraction: a link reproduces the API and the attack; the budget takes 1 to 20000', () => {
		const chosen = {
			...extraction.defaults,
			victim: 'fraud-mlp' as const,
			output: 'round' as const,
			decimals: 3,
			budget: 50,
			rate: 50,
			strategy: 'natural' as const,
			seed: 9
		};
		const { params, problems } = extraction.read(extraction.write(chosen, ''));
		expect(problems).toEqual([]);
		expect(params).toEqual(chosen);
		expect(outputModeOf(params)).toEqual({ kind: 'round', decimals: 3 });
		expect(extraction.read('?budget=25000').problems[0].text).toBe(
			'?budget=25000: must be a whole number from 1 to 20000; using 2000'
		);
	});

	it('backdoor: its keys live beside the lab`s others', () => {
		const params = { rate: 0.1 as const, target: 3, seed: 9, trainCount: 4000 };
		const search = backdoor.write(params, '?backend=wasm&rate=0.2');
		expect(search).toBe('?backend=wasm&rate=0.2&bd-rate=0.1&bd-target=3&bd-seed=9&bd-train=4000');
		expect(backdoor.read(search)).toEqual({ params, problems: [] });
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
