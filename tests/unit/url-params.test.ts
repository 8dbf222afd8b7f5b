import { describe, expect, it } from 'vitest';
import { choice, flag, num, paramSchema, seed } from '../../src/lib/labs/url-params';
import { URL_PARAMS as adversarial } from '../../src/lib/labs/adversarial/params';
import { URL_PARAMS as poisoning } from '../../src/lib/labs/poisoning/params';
import { URL_PARAMS as backdoor } from '../../src/lib/labs/poisoning/backdoor/params';
import { URL_PARAMS as privacy } from '../../src/lib/labs/privacy/params';
import { URL_PARAMS as extraction } from '../../src/lib/labs/extraction/params';

describe('field kinds', () => {
	it('a number field takes values inside its range and nothing else', () => {
		const eps = num(0, 0.5);
		expect(['0', '0.5', ' 0.25 ', '1e-3'].map(eps.parse)).toEqual([0, 0.5, 0.25, 0.001]);
		for (const bad of ['', '  ', 'abc', '0.51', '-0.1', 'Infinity', 'NaN', '0x'])
			expect(eps.parse(bad), bad).toBeUndefined();
		expect(eps.expect).toBe('a number from 0 to 0.5');
	});

	it('a whole-number field refuses fractions; an open bound refuses the bound itself', () => {
		const steps = num(1, 100, { integer: true });
		expect(steps.parse('40')).toBe(40);
		expect(steps.parse('2.5')).toBeUndefined();
		expect(steps.expect).toBe('a whole number from 1 to 100');
		const delta = num(0, 0.001, { above: true });
		expect(delta.parse('0')).toBeUndefined();
		expect(delta.parse('1e-6')).toBe(1e-6);
		expect(delta.expect).toBe('a number from 0 (exclusive) to 0.001');
		expect(num(0, 9, { integer: true, what: 'a digit' }).expect).toBe('a digit from 0 to 9');
	});

	it('numbers are written without float noise, and whole numbers are written exactly', () => {
		const x = num(0, 1e6);
		expect(x.show(0.1 + 0.2)).toBe('0.3');
		expect(x.show(0.1234567)).toBe('0.1234567');
		expect(x.show(1e-6)).toBe('0.000001');
		// a seed keeps every digit (rounding it would make the link reproduce another run)
		expect(seed().show(2147483647)).toBe('2147483647');
		expect(seed().parse('2147483648')).toBeUndefined();
	});

	it('a choice accepts only its listed values, strings or numbers, and names them', () => {
		const attack = choice(['fgsm', 'pgd'] as const);
		expect(attack.parse('pgd')).toBe('pgd');
		expect(attack.parse('PGD')).toBeUndefined();
		expect(attack.expect).toBe('one of fgsm, pgd');
		const size = choice([1000, 2000] as const);
		expect(size.parse('2000')).toBe(2000);
		expect(size.parse('2000.5')).toBeUndefined();
		expect(size.show(1000)).toBe('1000');
	});

	it('a flag reads 1/0 and true/false and writes 1/0', () => {
		const f = flag();
		expect(['1', 'true', '0', 'false', 'yes'].map(f.parse)).toEqual([
			true,
			true,
			false,
			false,
			undefined
		]);
		expect([f.show(true), f.show(false)]).toEqual(['1', '0']);
	});
});

interface Demo {
	mode: 'fast' | 'slow';
	rate: number;
	steps: number;
	on: boolean;
	seed: number;
}
const DEMO_DEFAULTS: Demo = { mode: 'fast', rate: 0.1, steps: 10, on: false, seed: 1 };
const demo = paramSchema<Demo>(DEMO_DEFAULTS, {
	mode: choice(['fast', 'slow'] as const),
	rate: num(0, 1),
	steps: { key: 'n', ...num(1, 50, { integer: true }) },
	on: flag(),
	seed: seed()
});

describe('a schema built from a field table', () => {
	it('round-trips every field, under its own key, beside keys it does not own', () => {
		const params: Demo = { mode: 'slow', rate: 0.35, steps: 25, on: true, seed: 123456789 };
		const search = demo.write(params, '?backend=wasm&steps=3');
		expect(search).toBe('?backend=wasm&steps=3&mode=slow&rate=0.35&n=25&on=1&seed=123456789');
		expect(demo.read(search)).toEqual({ params, problems: [] });
	});

	it('leaves the defaults out of the link and removes its keys that went back to the default', () => {
		expect(demo.write(DEMO_DEFAULTS, '')).toBe('');
		expect(demo.write(DEMO_DEFAULTS, '?rate=0.5&n=3&x=1')).toBe('?x=1');
	});

	it('says which key held what, what it expected and what it used instead, in table order', () => {
		const { params, problems } = demo.read('?seed=-4&on=maybe&n=0&mode=&rate=0.2');
		expect(params).toEqual({ ...DEMO_DEFAULTS, rate: 0.2 });
		expect(problems).toEqual([
			'?mode= is not one of fast, slow; using fast',
			'?n=0 is not a whole number from 1 to 50; using 10',
			'?on=maybe is not 0 or 1; using 0',
			'?seed=-4 is not a whole number from 0 to 2147483647; using 1'
		]);
	});

	it('normalizes what the controls hold: emptied or out-of-range values become the default', () => {
		const edited = {
			...DEMO_DEFAULTS,
			rate: null,
			steps: 80,
			on: true,
			seed: 7
		} as unknown as Demo;
		expect(demo.normalize(edited)).toEqual({ ...DEMO_DEFAULTS, on: true, seed: 7 });
		expect(demo.invalid(edited)).toEqual([
			{ key: 'rate', expect: 'a number from 0 to 1' },
			{ key: 'steps', expect: 'a whole number from 1 to 50' }
		]);
		// what is written is what is run: the link never carries a value the lab did not use
		expect(demo.write(edited, '')).toBe('?on=1&seed=7');
	});
});

describe('every lab table', () => {
	const labs = { adversarial, poisoning, backdoor, privacy, extraction };
	it.each(Object.entries(labs))(
		'%s: its defaults are valid and give an empty link',
		(_, schema) => {
			const defaults = schema.defaults as never;
			expect(schema.invalid(defaults)).toEqual([]);
			expect(schema.write(defaults, '')).toBe('');
			expect(schema.read('')).toEqual({ params: schema.defaults, problems: [] });
		}
	);
});
