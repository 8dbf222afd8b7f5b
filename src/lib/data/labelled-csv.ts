/**
 * Reads a CSV of numeric feature columns and one 0/1 label column, the layout of the public
 * credit-card fraud data set (Time, V1..V28, Amount, Class). Pure: it takes the file's text and
 * returns the rows or throws a CsvError naming the line and column at fault. The lab calls it in
 * a Web Worker (csv.worker.ts); tests call it in Node. Tokenising is papaparse's.
 */
import Papa from 'papaparse';

/** Column names taken as the label, case-insensitive; otherwise the last column is. */
export const LABEL_NAMES = ['class', 'label', 'fraud', 'is_fraud', 'isfraud', 'target', 'y'];
/**
 * The lab trains in the browser; bigger files get a clear refusal instead of a frozen tab. Columns:
 * the Newton fit holds (d+1)(d+2)/2 values per row, so 50 features is the most that still leaves
 * room for 25,000 training rows (see NEWTON_MAX_VALUES in ml/poisoning/batched-logreg.ts, which
 * also bounds the rows for a given width when the lab takes the file).
 */
export const MAX_BYTES = 30 * 1024 * 1024;
export const MAX_ROWS = 100_000;
export const MAX_COLUMNS = 51;
/** Two, so the lab's 2-D projection (PCA) of the data exists. */
export const MIN_FEATURES = 2;

export class CsvError extends Error {
	override name = 'CsvError';
}

export interface LabelledCsv {
	featureNames: string[];
	labelName: string;
	/** rows * featureNames.length, row-major, as written in the file */
	features: Float32Array;
	labels: Uint8Array;
	rows: number;
	fraud: number;
}

const MIN_PER_CLASS = 5;
/** The largest float32, 3.4028234663852886e38: the lab's feature arrays are Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A name or value quoted in a message, cut to 40 characters. */
function shortName(text: string): string {
	return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

/** `name` is used in messages only. Line numbers count the header as line 1. */
export function parseLabelledCsv(text: string, name = 'the file'): LabelledCsv {
	if (text.length > MAX_BYTES) {
		throw new CsvError(
			`${name} is ${(text.length / 1024 / 1024).toFixed(1)} MB; the lab reads at most ${MAX_BYTES / 1024 / 1024} MB (take a sample of the rows)`
		);
	}
	if (text.trim() === '') throw new CsvError(`${name} is empty`);
	const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
	// An undetectable delimiter only means a single column; the header check below says so.
	const fatal = parsed.errors.find((e) => e.type === 'Quotes');
	if (fatal) {
		const line = fatal.row === undefined ? '' : ` at line ${fatal.row + 1}`;
		throw new CsvError(`${name}${line}: ${fatal.message}`);
	}
	const [header, ...body] = parsed.data;
	if (!header || header.length < 2) {
		throw new CsvError(
			`${name}: the first line must name at least two columns (features and a 0/1 label), found ${header?.length ?? 0}`
		);
	}
	if (header.length > MAX_COLUMNS)
		throw new CsvError(
			`${name} has ${header.length} columns; the lab reads at most ${MAX_COLUMNS} (${MAX_COLUMNS - 1} features and the label): drop some feature columns`
		);
	if (header.length - 1 < MIN_FEATURES)
		throw new CsvError(
			`${name}: the first line names ${header.length - 1} feature column${header.length === 2 ? '' : 's'} besides the label; the lab needs at least ${MIN_FEATURES} to draw the data on a plane`
		);
	const names = header.map((h) => h.trim());
	const seen = new Map<string, number>();
	names.forEach((h, c) => {
		if (h === '') throw new CsvError(`${name}: column ${c + 1} of the header has no name`);
		if (!Number.isNaN(Number(h)))
			throw new CsvError(
				`${name}: the first line should name the columns, but column ${c + 1} is the number ${h}; add a header line`
			);
		const first = seen.get(h);
		if (first !== undefined)
			throw new CsvError(
				`${name}: column ${c + 1} repeats the name "${shortName(h)}" of column ${first + 1}; give every column its own name`
			);
		seen.set(h, c);
	});
	if (body.length === 0) throw new CsvError(`${name} has a header but no data rows`);
	if (body.length > MAX_ROWS) {
		throw new CsvError(
			`${name} has ${body.length.toLocaleString('en')} rows; the lab trains in your browser and reads at most ${MAX_ROWS.toLocaleString('en')} (take a sample)`
		);
	}
	let labelCol = names.findIndex((h) => LABEL_NAMES.includes(h.toLowerCase()));
	if (labelCol < 0) labelCol = names.length - 1;
	const featureCols = names.map((_, c) => c).filter((c) => c !== labelCol);
	const d = featureCols.length;
	const features = new Float32Array(body.length * d);
	const labels = new Uint8Array(body.length);
	let fraud = 0;
	body.forEach((row, r) => {
		const line = r + 2;
		if (row.length !== names.length) {
			throw new CsvError(
				`${name}, line ${line}: ${row.length} fields, but the header has ${names.length} columns`
			);
		}
		const rawLabel = row[labelCol].trim();
		const label = Number(rawLabel);
		if (rawLabel === '' || (label !== 0 && label !== 1)) {
			throw new CsvError(
				`${name}, line ${line}, column "${names[labelCol]}" (the label): "${rawLabel}" is not 0 or 1`
			);
		}
		labels[r] = label;
		fraud += label;
		featureCols.forEach((c, j) => {
			const raw = row[c].trim();
			const value = raw === '' ? NaN : Number(raw);
			if (!Number.isFinite(value)) {
				throw new CsvError(
					`${name}, line ${line}, column "${names[c]}" (column ${c + 1}): ${raw === '' ? 'empty' : `"${shortName(raw)}" is not a number`}`
				);
			}
			// Stored as float32: a value past its range would become Infinity and poison the column.
			if (Math.abs(value) > FLOAT32_MAX) {
				throw new CsvError(
					`${name}, line ${line}, column "${names[c]}" (column ${c + 1}): ${raw} is outside the range the lab computes in (about -3.4e38 to 3.4e38); rescale the column`
				);
			}
			features[r * d + j] = value;
		});
	});
	if (fraud < MIN_PER_CLASS || body.length - fraud < MIN_PER_CLASS) {
		throw new CsvError(
			`${name}: column "${names[labelCol]}" has ${fraud} rows labelled 1 and ${body.length - fraud} labelled 0; the lab needs at least ${MIN_PER_CLASS} of each`
		);
	}
	return {
		featureNames: featureCols.map((c) => names[c]),
		labelName: names[labelCol],
		features,
		labels,
		rows: body.length,
		fraud
	};
}
