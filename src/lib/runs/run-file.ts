/**
 * Runs as files: one run (`ai-security-lab/run`) or a lab's whole shelf (`ai-security-lab/shelf`),
 * JSON with the format, the app version and the runs. Reading one checks everything and names the
 * first thing wrong with its path (`runs[2].chart.series[0].points[4].y must be a number, got
 * "x"`); a file that fails imports nothing. A file from another version of the app is refused,
 * since its settings and figures may not mean what this version's do.
 */
import { APP_VERSION, LAB_IDS, RUN_KINDS, type LabId, type Run } from './run';

export const RUN_FORMAT = 'ai-security-lab/run';
export const SHELF_FORMAT = 'ai-security-lab/shelf';

/** Limits that keep a hostile file from freezing the page. */
export const RUN_LIMITS = {
	runs: 500,
	series: 50,
	points: 5000,
	text: 2000,
	bytes: 20 * 1024 * 1024
};

export class RunFileError extends Error {
	override name = 'RunFileError';
}

export function runFile(run: Run): string {
	return JSON.stringify({ format: RUN_FORMAT, appVersion: APP_VERSION, run }, null, 1);
}

export function shelfFile(lab: LabId, runs: Run[]): string {
	return JSON.stringify({ format: SHELF_FORMAT, appVersion: APP_VERSION, lab, runs }, null, 1);
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, Json>, key: string): Json =>
	Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
const show = (v: Json) => {
	const text = typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v));
	return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

function fail(path: string, what: string, got: Json): never {
	throw new RunFileError(`${path} must be ${what}, got ${show(got)}`);
}

function text(o: Record<string, Json>, key: string, path: string): string {
	const v = own(o, key);
	if (typeof v !== 'string') fail(`${path}.${key}`, 'text', v);
	if (v.length > RUN_LIMITS.text)
		fail(`${path}.${key}`, `at most ${RUN_LIMITS.text} characters`, v);
	return v;
}

function finite(v: Json, path: string): number {
	if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a number', v);
	return v;
}

function readRun(v: Json, path: string): Run {
	if (!isObject(v)) fail(path, 'an object', v);
	const lab = own(v, 'lab');
	if (!(LAB_IDS as readonly Json[]).includes(lab))
		fail(`${path}.lab`, `one of ${LAB_IDS.join(', ')}`, lab);
	const kinds = RUN_KINDS[lab as LabId] as readonly string[];
	const kind = own(v, 'kind');
	if (!kinds.includes(kind as string)) fail(`${path}.kind`, `one of ${kinds.join(', ')}`, kind);
	const createdAt = text(v, 'createdAt', path);
	if (Number.isNaN(Date.parse(createdAt))) fail(`${path}.createdAt`, 'a date', createdAt);
	const settings = own(v, 'settings');
	if (!isObject(settings)) fail(`${path}.settings`, 'an object', settings);
	for (const [k, s] of Object.entries(settings))
		if (!['string', 'number', 'boolean'].includes(typeof s))
			fail(`${path}.settings.${k}`, 'a value', s);
	const model = own(v, 'model');
	if (model !== null) {
		if (!isObject(model)) fail(`${path}.model`, 'an object or null', model);
		text(model, 'id', `${path}.model`);
		const sha = text(model, 'sha256', `${path}.model`);
		if (!/^[0-9a-f]{64}$/.test(sha)) fail(`${path}.model.sha256`, 'a sha256 in hex', sha);
	}
	const chart = own(v, 'chart');
	if (!isObject(chart)) fail(`${path}.chart`, 'an object', chart);
	text(chart, 'x', `${path}.chart`);
	text(chart, 'y', `${path}.chart`);
	const series = own(chart, 'series');
	if (!Array.isArray(series) || series.length > RUN_LIMITS.series)
		fail(`${path}.chart.series`, `a list of at most ${RUN_LIMITS.series} series`, series);
	series.forEach((s, i) => {
		const at = `${path}.chart.series[${i}]`;
		if (!isObject(s)) fail(at, 'an object', s);
		text(s, 'label', at);
		const points = own(s, 'points');
		if (!Array.isArray(points) || points.length > RUN_LIMITS.points)
			fail(`${at}.points`, `a list of at most ${RUN_LIMITS.points} points`, points);
		points.forEach((p, j) => {
			if (!isObject(p)) fail(`${at}.points[${j}]`, 'an object', p);
			finite(own(p, 'x'), `${at}.points[${j}].x`);
			finite(own(p, 'y'), `${at}.points[${j}].y`);
		});
	});
	const seed = finite(own(v, 'seed'), `${path}.seed`);
	return {
		id: text(v, 'id', path),
		lab: lab as LabId,
		kind: kind as Run['kind'],
		name: text(v, 'name', path),
		createdAt,
		appVersion: text(v, 'appVersion', path),
		settings: settings as Run['settings'],
		model: model as Run['model'],
		backend: text(v, 'backend', path),
		seed,
		cli: text(v, 'cli', path),
		chart: chart as Run['chart'],
		data: own(v, 'data') ?? null
	};
}

/**
 * The runs in a run or shelf file. `name` is the file's name, for messages. Throws a RunFileError
 * naming the file and what is wrong; nothing is half-read.
 */
export function readRunFile(content: string, name: string): Run[] {
	const where = (message: string) => new RunFileError(`${name}: ${message}`);
	if (content.length > RUN_LIMITS.bytes) throw where(`is over ${RUN_LIMITS.bytes / 2 ** 20} MB`);
	let json: Json;
	try {
		json = JSON.parse(content);
	} catch (err) {
		throw where(`is not JSON (${(err as Error).message})`);
	}
	if (!isObject(json)) throw where('is not a run or shelf file (no format field)');
	const format = own(json, 'format');
	if (format !== RUN_FORMAT && format !== SHELF_FORMAT)
		throw where(`is not a run or shelf file (format ${show(format)})`);
	const version = own(json, 'appVersion');
	if (version !== APP_VERSION)
		throw where(
			`was written by version ${show(version)} of the lab, and this is ${APP_VERSION}: its settings and numbers may not mean the same here, so nothing was imported`
		);
	try {
		if (format === RUN_FORMAT) return [readRun(own(json, 'run'), 'run')];
		const runs = own(json, 'runs');
		if (!Array.isArray(runs) || runs.length > RUN_LIMITS.runs)
			fail('runs', `a list of at most ${RUN_LIMITS.runs} runs`, runs);
		return runs.map((r, i) => readRun(r, `runs[${i}]`));
	} catch (err) {
		if (err instanceof RunFileError) throw where(err.message);
		throw err;
	}
}
