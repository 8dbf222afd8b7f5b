/**
 * An instructor's own lecture across labs: an ordered list of steps, each a lab's scene (with an
 * optional one-line title of the instructor's) or a blank "question to the room". It travels as a
 * link (`?script=` base64url of compact JSON) or as a small JSON file, and a malformed one names
 * the step and field at fault and loads nothing. Framework-free.
 */
import type { LabScenes, SceneLab } from './scene';

export type ScriptStep =
	| { kind: 'scene'; lab: SceneLab; scene: string; title?: string }
	| { kind: 'question'; title: string };

export interface Script {
	title: string;
	steps: ScriptStep[];
}

export const SCRIPT_FORMAT = 'ai-security-lab/script';
export const SCRIPT_LIMITS = { steps: 60, title: 120 };

export class ScriptError extends Error {
	override name = 'ScriptError';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string) =>
	Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
const shown = (v: unknown) => {
	const t = typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v));
	return t.length > 40 ? `${t.slice(0, 39)}…` : t;
};

function title(v: unknown, path: string, required: boolean): string | undefined {
	if (v === undefined && !required) return undefined;
	if (typeof v !== 'string' || (required && v.trim() === ''))
		throw new ScriptError(`${path} must be a line of text, got ${shown(v)}`);
	if (v.length > SCRIPT_LIMITS.title)
		throw new ScriptError(`${path} must be at most ${SCRIPT_LIMITS.title} characters`);
	// one line: a title is shown in a strip
	return v.replace(/[\r\n\t]+/g, ' ');
}

/** Checks a parsed script against the labs' scene lists; throws a ScriptError naming the step. */
export function checkScript(value: unknown, scenes: readonly LabScenes[]): Script {
	if (!isObject(value)) throw new ScriptError(`the script must be an object, got ${shown(value)}`);
	const steps = own(value, 'steps');
	if (!Array.isArray(steps) || steps.length === 0 || steps.length > SCRIPT_LIMITS.steps)
		throw new ScriptError(
			`steps must be a list of 1 to ${SCRIPT_LIMITS.steps} steps, got ${shown(steps)}`
		);
	const out: ScriptStep[] = steps.map((step, i) => {
		const at = `step ${i + 1}`;
		if (!isObject(step)) throw new ScriptError(`${at} must be an object, got ${shown(step)}`);
		const kind = own(step, 'kind');
		if (kind === 'question')
			return { kind, title: title(own(step, 'title'), `${at}: title`, true)! };
		if (kind !== 'scene')
			throw new ScriptError(`${at}: kind must be scene or question, got ${shown(kind)}`);
		const lab = own(step, 'lab');
		const labs = scenes.map((s) => s.lab);
		if (!(labs as readonly unknown[]).includes(lab))
			throw new ScriptError(`${at}: lab must be one of ${labs.join(', ')}, got ${shown(lab)}`);
		const list = scenes.find((s) => s.lab === lab);
		const scene = own(step, 'scene');
		if (!list?.scenes.some((s) => s.id === scene))
			throw new ScriptError(
				`${at}: the ${String(lab)} lab has no scene ${shown(scene)} (it has ${list?.scenes.map((s) => s.id).join(', ') ?? 'none'})`
			);
		const t = title(own(step, 'title'), `${at}: title`, false);
		return { kind, lab: lab as SceneLab, scene: scene as string, ...(t ? { title: t } : {}) };
	});
	return { title: title(own(value, 'title') ?? 'Lecture', 'title', true)!, steps: out };
}

/** The script as a JSON file. */
export function scriptFile(script: Script): string {
	return JSON.stringify({ format: SCRIPT_FORMAT, ...script }, null, 1);
}

export function readScriptFile(text: string, name: string, scenes: readonly LabScenes[]): Script {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (err) {
		throw new ScriptError(`${name} is not JSON (${(err as Error).message})`);
	}
	if (!isObject(json) || own(json, 'format') !== SCRIPT_FORMAT)
		throw new ScriptError(`${name} is not a lecture script (no "format": "${SCRIPT_FORMAT}")`);
	try {
		return checkScript(json, scenes);
	} catch (err) {
		if (err instanceof ScriptError) throw new ScriptError(`${name}: ${err.message}`);
		throw err;
	}
}

const toBase64url = (text: string) => {
	const bytes = new TextEncoder().encode(text);
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** The script as the `?script=` parameter of a link. */
export function scriptParam(script: Script): string {
	return toBase64url(JSON.stringify(script));
}

export function readScriptParam(param: string, scenes: readonly LabScenes[]): Script {
	let text: string;
	try {
		if (!/^[A-Za-z0-9_-]*$/.test(param)) throw new Error('not base64url');
		const binary = atob(param.replace(/-/g, '+').replace(/_/g, '/'));
		text = new TextDecoder('utf-8', { fatal: true }).decode(
			Uint8Array.from(binary, (c) => c.charCodeAt(0))
		);
	} catch {
		throw new ScriptError(
			"the link's script is damaged (not base64url text); ask for the link again"
		);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new ScriptError("the link's script is damaged (not JSON); ask for the link again");
	}
	return checkScript(json, scenes);
}
