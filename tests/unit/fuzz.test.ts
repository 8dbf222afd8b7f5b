import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseLabelledCsv } from '../../src/lib/data/labelled-csv';
import { validateImageFile } from '../../src/lib/labs/adversarial/upload';
import { URL_PARAMS as adversarial } from '../../src/lib/labs/adversarial/settings';
import {
	BACKDOOR_URL_PARAMS as backdoor,
	URL_PARAMS as poisoning
} from '../../src/lib/labs/poisoning/settings';
import { URL_PARAMS as privacy } from '../../src/lib/labs/privacy/settings';
import { URL_PARAMS as extraction } from '../../src/lib/labs/extraction/settings';
import { guardSearch } from '../../src/lib/runtime/url-guard';

// Seeded and bounded, so the suite costs seconds and a failure reproduces.
const SEED = 20261201;

const schemas = { adversarial, poisoning, backdoor, privacy, extraction };
const hostile = fc.constantFrom(
	'%',
	'%E0%A4%A',
	'%ZZ',
	'%ED%A0%80',
	'%FF',
	'tfjsflags=DEBUG:true',
	'1e300',
	'-0',
	'5e-324',
	'1e-300',
	'NaN',
	'Infinity',
	'0x10',
	' ',
	'\u0000',
	'<script>',
	'&',
	'=',
	'?',
	'#'
);

describe('hostile links (fuzzed)', () => {
	it.each(Object.entries(schemas))(
		'%s: any query gives settings inside the table, and every bad value a short message',
		(_, schema) => {
			const keys = Object.keys(schema.defaults).flatMap((k) => [k, `bd-${k}`, 'lr', 'bd-train']);
			const pair = fc.tuple(
				fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })),
				fc.oneof(
					hostile,
					fc.string({ maxLength: 40 }),
					fc.double().map(String),
					fc.integer().map(String)
				)
			);
			fc.assert(
				fc.property(fc.array(pair, { maxLength: 12 }), (pairs) => {
					const raw = '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&');
					// the page reads what the URL guard left, as it does in the browser
					const { search } = guardSearch(raw);
					const read = schema.read(search);
					expect(schema.invalid(read.params as never)).toEqual([]);
					for (const p of read.problems) expect(p.text.length).toBeLessThan(200);
				}),
				{ seed: SEED, numRuns: 400 }
			);
		}
	);
});

describe('hostile CSV files (fuzzed)', () => {
	const cell = fc.oneof(
		fc.double({ noNaN: false }).map(String),
		fc.integer({ min: 0, max: 1 }).map(String),
		fc.constantFrom(
			'1e39',
			'-1e39',
			'3.5e38',
			'1e300',
			'',
			' ',
			'"',
			'a',
			'label',
			'Class',
			'\u00a0'
		),
		fc.string({ maxLength: 6 })
	);
	const row = fc.array(cell, { minLength: 1, maxLength: 5 });
	it('never throws anything but a CsvError; what it accepts is finite float32 with 0/1 labels and distinct names', () => {
		fc.assert(
			fc.property(
				fc.array(fc.constantFrom('a', 'b', 'a ', 'c', 'Class', 'label', ' a'), {
					minLength: 1,
					maxLength: 5
				}),
				fc.array(row, { maxLength: 40 }),
				fc.constantFrom(',', ';', '\t'),
				(header, rows, sep) => {
					const text = [header.join(sep), ...rows.map((r) => r.join(sep))].join('\n');
					try {
						const csv = parseLabelledCsv(text, 'fuzz.csv');
						expect(csv.features.every(Number.isFinite)).toBe(true);
						expect(csv.labels.every((l) => l === 0 || l === 1)).toBe(true);
						const names = [...csv.featureNames, csv.labelName];
						expect(new Set(names).size).toBe(names.length);
					} catch (err) {
						expect(err).toBeInstanceOf(CsvError);
						expect((err as Error).message).toMatch(/^fuzz\.csv/);
					}
				}
			),
			{ seed: SEED, numRuns: 1500 }
		);
	});
});

describe('hostile uploads (fuzzed)', () => {
	it('the file check never throws, and names the file in every refusal', () => {
		fc.assert(
			fc.property(
				fc.string({ maxLength: 30 }),
				fc.oneof(
					fc.constantFrom('image/png', 'image/svg+xml', 'text/plain', '', 'image/x-icon'),
					fc.string({ maxLength: 12 })
				),
				fc.oneof(
					fc.integer({ min: 0, max: 40 * 1024 * 1024 }),
					fc.constantFrom(0, Number.MAX_SAFE_INTEGER)
				),
				(name, type, size) => {
					const problem = validateImageFile({ name, type, size });
					if (problem !== null) expect(problem).toContain(`"${name}"`);
				}
			),
			{ seed: SEED, numRuns: 2000 }
		);
	});
});
