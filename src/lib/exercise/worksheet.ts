// The threat-assessment worksheet of /exercise as data: its shape, its limits, the empty start and
// the small edits the page makes (ids that stay unique, names on one line). The other sections live
// beside it: content in scenario.ts, controls.ts and reference-assessment.ts, then scoring.ts,
// validation.ts (with worksheet-v1.ts for old files) and markdown.ts.
// Framework-free: no Svelte, no DOM, so Vitest runs it in Node.

import { COMPONENTS, type Component } from '$lib/course/threats';

/** The lesson's four components: one vocabulary for the lesson, the worksheet and its files. */
export type ComponentId = Component;
export const COMPONENT_IDS: readonly ComponentId[] = COMPONENTS.map((c) => c.id);

export const IR_PHASES = ['detect', 'contain', 'eradicate', 'recover', 'learn'] as const;
export type IrPhase = (typeof IR_PHASES)[number];

export const SCORES = ['likelihood', 'impact', 'detectability'] as const;
export type ScoreField = (typeof SCORES)[number];

export interface WorksheetThreat {
	/** A catalogue threat id for library threats, custom-<n> for the learner's own. */
	id: string;
	/** One line: line breaks and other control characters are turned into spaces. */
	name: string;
	source: 'library' | 'custom';
	/** MITRE ATLAS technique id, e.g. AML.T0020. */
	atlas?: string;
	/** 1 = rare, 5 = almost certain. */
	likelihood: number;
	/** 1 = negligible, 5 = severe. */
	impact: number;
	/** Difficulty to detect: 1 = obvious at once, 5 = hardest to detect. */
	detectability: number;
}

/** Version 2: the catalogue's component names and threat ids (worksheet-v1.ts maps the old ones). */
export const WORKSHEET_VERSION = 2;

export interface Worksheet {
	version: typeof WORKSHEET_VERSION;
	components: Record<ComponentId, WorksheetThreat[]>;
	/** Ids from CONTROLS. */
	controls: string[];
	incidentResponse: Record<IrPhase, string>;
	submitted: boolean;
}

/**
 * What one worksheet may hold. A class lists a handful of threats per component; these are far
 * above that and keep every keystroke's autosave well under a frame.
 */
export const LIMITS = {
	threatsPerComponent: 50,
	threatsPerWorksheet: 100,
	/** Characters. Long enough for any id a saved worksheet has used so far. */
	id: 200,
	name: 200,
	incidentResponse: 10_000,
	/** Entries in the controls list (there are fewer controls than this). */
	controls: 100
} as const;

export function emptyWorksheet(): Worksheet {
	return {
		version: WORKSHEET_VERSION,
		components: {
			'training-data': [],
			'model-architecture': [],
			'inference-pipeline': [],
			'deployment-infrastructure': []
		},
		controls: [],
		incidentResponse: { detect: '', contain: '', eradicate: '', recover: '', learn: '' },
		submitted: false
	};
}

export function toJson(ws: Worksheet): string {
	return JSON.stringify(ws, null, '\t') + '\n';
}

export function allThreats(ws: Worksheet): WorksheetThreat[] {
	return COMPONENT_IDS.flatMap((c) => ws.components[c]);
}

/** True when nothing has been written: no threats, no controls, no incident response text. */
export function isBlank(ws: Worksheet): boolean {
	return (
		allThreats(ws).length === 0 &&
		ws.controls.length === 0 &&
		IR_PHASES.every((p) => ws.incidentResponse[p].trim() === '')
	);
}

/**
 * A threat name on one line: line breaks, tabs and other control characters become spaces, so a
 * name can never start a new line (or a heading) in the Markdown deliverable.
 */
export function cleanName(text: string): string {
	return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
}

/**
 * An id for a new custom threat that no threat in the worksheet uses: custom-<n> one above the
 * highest in use, counted exactly (an imported custom-9007199254740992 or a 190-digit id is
 * not rounded), or the lowest free custom-<n> when that would be longer than ids may be.
 */
export function nextCustomId(ws: Worksheet): string {
	const used = new Set(allThreats(ws).map((t) => t.id));
	let max = 0n;
	for (const id of used) {
		const m = /^custom-(\d+)$/.exec(id);
		if (m && BigInt(m[1]) > max) max = BigInt(m[1]);
	}
	const above = `custom-${max + 1n}`;
	if (above.length <= LIMITS.id && !used.has(above)) return above;
	for (let n = 1; ; n++) if (!used.has(`custom-${n}`)) return `custom-${n}`;
}

/** Why no threat can be added to `component` now, or null when one can. */
export function noRoomFor(ws: Worksheet, component: ComponentId): string | null {
	if (ws.components[component].length >= LIMITS.threatsPerComponent) {
		return `This component already lists ${LIMITS.threatsPerComponent} threats, the most a worksheet takes per component.`;
	}
	if (allThreats(ws).length >= LIMITS.threatsPerWorksheet) {
		return `The worksheet already lists ${LIMITS.threatsPerWorksheet} threats, the most it takes.`;
	}
	return null;
}
