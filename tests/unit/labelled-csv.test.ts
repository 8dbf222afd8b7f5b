import { describe, expect, it } from 'vitest';
import { CsvError, MAX_COLUMNS, MAX_ROWS, parseLabelledCsv } from '../../src/lib/data/labelled-csv';
import { newtonMaxRows } from '../../src/lib/ml/poisoning/batched-logreg';
import { KNN_K, knnMaxRows, poisonDataFromRows } from '../../src/lib/ml/poisoning/experiment';

const rows = (n: number, fraudEvery = 4) =>
	Array.from(
		{ length: n },
		(_, i) => `${i},${(i * 0.5).toFixed(1)},${i % fraudEvery === 0 ? 1 : 0}`
	);

describe('parseLabelledCsv', () => {
	it('reads the credit-card layout: the Class column is the label wherever it stands', () => {
		const text = ['Time,Class,V1,Amount', '0,0,-1.36,149.62', '1,1,1.19,2.69', '2,0,"-0.5",3']
			.concat(Array.from({ length: 10 }, (_, i) => `${i + 3},${i % 2},0.${i},${i}`))
			.join('\r\n');
		const csv = parseLabelledCsv(text, 'cards.csv');
		expect(csv.featureNames).toEqual(['Time', 'V1', 'Amount']);
		expect(csv.labelName).toBe('Class');
		expect(csv.rows).toBe(13);
		expect(csv.fraud).toBe(6);
		expect(Array.from(csv.features.subarray(0, 6))).toEqual([
			0,
			Math.fround(-1.36),
			Math.fround(149.62),
			1,
			Math.fround(1.19),
			Math.fround(2.69)
		]);
		expect(Array.from(csv.labels.subarray(0, 3))).toEqual([0, 1, 0]);
	});

	it('takes the last column as the label when no column is called Class, label or fraud', () => {
		const csv = parseLabelledCsv(['a,b,outcome', ...rows(20)].join('\n'));
		expect(csv.labelName).toBe('outcome');
		expect(csv.featureNames).toEqual(['a', 'b']);
	});

	const error = (text: string) => {
		try {
			parseLabelledCsv(text, 'bad.csv');
		} catch (e) {
			expect(e).toBeInstanceOf(CsvError);
			return (e as Error).message;
		}
		throw new Error('expected a CsvError');
	};

	it('names the line and column of a value that is not a number', () => {
		const lines = ['amount,hours,Class', ...rows(20)];
		lines[5] = '4,abc,0';
		expect(error(lines.join('\n'))).toBe(
			'bad.csv, line 6, column "hours" (column 2): "abc" is not a number'
		);
		lines[5] = '4,,0';
		expect(error(lines.join('\n'))).toBe('bad.csv, line 6, column "hours" (column 2): empty');
	});

	it('names the line of a label that is not 0 or 1, and of a row with the wrong number of fields', () => {
		const lines = ['amount,hours,Class', ...rows(20)];
		lines[3] = '2,1.0,yes';
		expect(error(lines.join('\n'))).toBe(
			'bad.csv, line 4, column "Class" (the label): "yes" is not 0 or 1'
		);
		lines[3] = '2,1.0';
		expect(error(lines.join('\n'))).toBe('bad.csv, line 4: 2 fields, but the header has 3 columns');
	});

	it('refuses empty files, a missing header, a single class and files too big to train on', () => {
		expect(error('')).toBe('bad.csv is empty');
		expect(error('a,b,Class\n')).toBe('bad.csv has a header but no data rows');
		expect(error('1,2,0\n3,4,1')).toMatch(/first line should name the columns.*column 1/);
		expect(error('onlyone\n1\n2')).toMatch(/at least two columns/);
		expect(error(['a,b,Class', ...rows(20, 1000)].join('\n'))).toMatch(
			/"Class" has 1 rows labelled 1 and 19 labelled 0; the lab needs at least 5 of each/
		);
		const huge = ['a,b,Class', ...Array.from({ length: MAX_ROWS + 1 }, () => '1,2,0')].join('\n');
		expect(error(huge)).toMatch(/100,001 rows; .* at most 100,000/);
		expect(error('a,"b,Class\n1,2,0')).toMatch(/^bad.csv/);
	});

	it('refuses a file with one feature column (the PCA plane needs two) and too many columns', () => {
		const one = ['x,Class', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`)].join('\n');
		expect(error(one)).toBe(
			'bad.csv: the first line names 1 feature column besides the label; the lab needs at least 2 to draw the data on a plane'
		);
		const names = [...Array.from({ length: MAX_COLUMNS }, (_, j) => `f${j}`), 'Class'];
		const wide = [names.join(','), ...rows(10).map(() => names.map(() => '0').join(','))];
		expect(error(wide.join('\n'))).toBe(
			`bad.csv has ${MAX_COLUMNS + 1} columns; the lab reads at most ${MAX_COLUMNS} (${MAX_COLUMNS - 1} features and the label): drop some feature columns`
		);
		// The widest file the parser takes is still one the Newton fit and kNN can handle in size.
		expect(newtonMaxRows(MAX_COLUMNS - 1)).toBeGreaterThan(20_000);
		expect(knnMaxRows(MAX_COLUMNS - 1)).toBeGreaterThan(10_000);
	});
});

describe('columns and values the lab cannot hold', () => {
	const rows = (header: string, ...data: string[]) =>
		[
			header,
			...Array.from({ length: 12 }, (_, i) => data[i % data.length] ?? `${i},${i},${i % 2}`)
		].join('\n');

	it('refuses a header that repeats a name, also after trimming, naming both columns', () => {
		expect(() => parseLabelledCsv(rows('a,a,b,label', '1,2,3,0', '1,2,3,1'), 'dup.csv')).toThrow(
			'dup.csv: column 2 repeats the name "a" of column 1; give every column its own name'
		);
		expect(() => parseLabelledCsv(rows('a, a ,Class', '1,2,0', '1,2,1'), 'dup.csv')).toThrow(
			/column 2 repeats the name "a"/
		);
	});

	it.each(['1e39', '-1e39', '3.5e38', '1e300'])(
		'refuses %s, beyond float32, with its line, column and the range',
		(big) => {
			expect(() => parseLabelledCsv(rows('x,z,Class', `${big},1,0`, '1,2,1'), 'big.csv')).toThrow(
				new RegExp(
					`^big.csv, line 2, column "x" \\(column 1\\): ${big.replace('.', '\\.')} is outside the range`
				)
			);
		}
	);

	it('accepts the largest float32 and keeps it finite', () => {
		const csv = parseLabelledCsv(rows('x,z,Class', '3.4e38,1,0', '1,2,1'), 'ok.csv');
		expect(Number.isFinite(csv.features[0])).toBe(true);
	});
});

describe('poisonDataFromRows', () => {
	const table = (n: number, d: number, fraudEvery = 2) => {
		const features = Float32Array.from({ length: n * d }, (_, i) => Math.sin(i));
		const labels = Uint8Array.from({ length: n }, (_, i) => (i % fraudEvery === 0 ? 1 : 0));
		const names = Array.from({ length: d }, (_, j) => `f${j}`);
		return [names, features, labels] as const;
	};

	it('refuses an upload whose training split is too small for the kNN defence', () => {
		// 12 rows, 6 per class: the 80/20 split keeps 5 + 5 = 10 for training, one short of k + 1.
		expect(() => poisonDataFromRows('tiny.csv', ...table(12, 3))).toThrow(
			`tiny.csv: the 80/20 split leaves 10 training rows; the lab needs at least ${KNN_K + 1} (the kNN defence compares each row with ${KNN_K} others). Add rows.`
		);
		// 14 rows (7 per class) leave 6 + 6 = 12 training rows: enough.
		const ok = poisonDataFromRows('ok.csv', ...table(14, 3));
		expect(ok.train.count).toBe(12);
		expect(ok.test.count).toBe(2);
	});

	it('refuses more training rows than the Newton fit holds at that width, saying how many fit', () => {
		const d = 50;
		const max = newtonMaxRows(d);
		const n = Math.ceil((max + 10) / 0.8);
		expect(() => poisonDataFromRows('wide.csv', ...table(n, d))).toThrow(
			new RegExp(
				`^wide.csv: [\\d,]+ training rows of 50 features are too many .* at most ${max.toLocaleString('en')} training rows`
			)
		);
	});
});
