/**
 * A finished run, as the run shelf keeps it, exports it and overlays it: what was run (lab, kind,
 * settings, model, backend, seed), when, under which name, and its results as plain numbers.
 * Framework-free; the shelf (shelf.ts) stores these in IndexedDB, run-file.ts writes and reads
 * them as JSON, compare.ts overlays many students' runs.
 */
import { version } from '../../../package.json';

/** The app version written into every run and export; a file from another version is refused. */
export const APP_VERSION: string = version;

export const LAB_IDS = ['adversarial', 'poisoning', 'extraction', 'privacy'] as const;
export type LabId = (typeof LAB_IDS)[number];

/** What kind of result a run holds; each lab has one or two. */
export const RUN_KINDS = {
	adversarial: ['robustness', 'transfer'],
	poisoning: ['sweep', 'backdoor'],
	extraction: ['fidelity'],
	privacy: ['privacy']
} as const satisfies Record<LabId, readonly string[]>;
export type RunKind = (typeof RUN_KINDS)[LabId][number];

/** One line of a run's chart: a name and its points (x, y), y in [0, 1] where it is a share. */
export interface Series {
	label: string;
	points: { x: number; y: number }[];
}

export interface Run {
	/** unique on the shelf: lab, time and a random part */
	id: string;
	lab: LabId;
	kind: RunKind;
	/** the student's name for it (editable) */
	name: string;
	/** ISO time the run finished */
	createdAt: string;
	appVersion: string;
	/** the settings it ran with, as the lab's URL would carry them */
	settings: Record<string, string | number | boolean>;
	/** the shipped model it attacked, with the sha256 of its weights, when it used one */
	model: { id: string; sha256: string } | null;
	backend: string;
	seed: number;
	/** the `npm run lab -- ...` command that reproduces it */
	cli: string;
	/** what the charts draw: named series of points, and the axes they share */
	chart: { x: string; y: string; series: Series[] };
	/** the lab's own figures, for its tables (plain JSON) */
	data: unknown;
}

/** A fresh id: lab, time and a random part, so two tabs never collide. */
export function newRunId(lab: LabId, now = Date.now()): string {
	const random = crypto.getRandomValues(new Uint32Array(2));
	return `${lab}-${now.toString(36)}-${random[0].toString(36)}${random[1].toString(36)}`;
}

/** The query string of a run's settings, for "Copy link to this result". */
export function settingsQuery(settings: Run['settings']): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(settings))
		q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
	const text = q.toString();
	return text ? `?${text}` : '';
}
