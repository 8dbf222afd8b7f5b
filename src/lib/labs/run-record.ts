/**
 * A lab's finished result as a Run for the shelf (src/lib/runs/): what each lab keeps, drawn as
 * series, with the settings it ran with, the backend, the shipped model's weights hash and the
 * `npm run lab -- ...` command that reproduces it. One function per kind of result; the labs call
 * them when a job finishes.
 */
import type { ModelId } from '$lib/ml/model-ids';
import type { SweepResult } from '$lib/ml/poisoning/experiment';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { APP_VERSION, newRunId, type LabId, type Run, type RunKind } from '$lib/runs/run';

type Parts = Omit<Run, 'id' | 'createdAt' | 'appVersion' | 'backend' | 'model'> & {
	model: ModelId | null;
};

/** Stamps a run with the time, the version, the backend and the weights' sha256. */
export async function recordRun(parts: Parts): Promise<Run> {
	const card = parts.model ? await runtime.card(parts.model).catch(() => null) : null;
	return {
		...parts,
		id: newRunId(parts.lab),
		createdAt: new Date().toISOString(),
		appVersion: APP_VERSION,
		backend: runtime.backend ?? runtime.requested,
		model: parts.model && card ? { id: parts.model, sha256: card.weightsSha256 } : null
	};
}

type Settings = Run['settings'];
const plain = (o: object): Settings =>
	Object.fromEntries(
		Object.entries(o).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
	) as Settings;

export interface CurveLike {
	label: string;
	points: { eps: number; accuracy: number }[];
}

export function robustnessRun(o: {
	settings: object;
	model: ModelId;
	seed: number;
	attackLabel: string;
	samples: number;
	cli: string;
	series: readonly CurveLike[];
}) {
	return recordRun({
		lab: 'adversarial',
		kind: 'robustness',
		name: `${o.attackLabel}, ${o.samples} digits`,
		settings: plain(o.settings),
		model: o.model,
		seed: o.seed,
		cli: o.cli,
		chart: {
			x: 'eps',
			y: 'accuracy',
			series: o.series.map((s) => ({
				label: s.label,
				points: s.points.map((p) => ({ x: p.eps, y: p.accuracy }))
			}))
		},
		data: null
	});
}

export function transferRun(o: {
	settings: object;
	model: ModelId;
	seed: number;
	cli: string;
	matrix: {
		sources: string[];
		targets: string[];
		accuracy: number[][];
		eps: number;
		samples: number;
		attack: string;
	};
}) {
	const m = o.matrix;
	return recordRun({
		lab: 'adversarial',
		kind: 'transfer',
		name: `${m.attack} at eps ${m.eps}, ${m.samples} digits`,
		settings: plain(o.settings),
		model: o.model,
		seed: o.seed,
		cli: o.cli,
		chart: {
			x: `scored by (${m.targets.map((t, i) => `${i + 1} ${t}`).join(', ')})`,
			y: 'accuracy',
			series: m.sources.map((source, r) => ({
				label: `crafted on ${source}`,
				points: m.targets.map((_, c) => ({ x: c + 1, y: m.accuracy[r][c] }))
			}))
		},
		data: { sources: m.sources, targets: m.targets, accuracy: m.accuracy }
	});
}

export function sweepRun(o: {
	settings: object;
	seed: number;
	label: string;
	cli: string;
	results: readonly SweepResult[];
}) {
	return recordRun({
		lab: 'poisoning',
		kind: 'sweep',
		name: o.label,
		settings: plain(o.settings),
		model: null,
		seed: o.seed,
		cli: o.cli,
		chart: {
			x: 'flip rate',
			y: 'fraud recall and accuracy',
			series: o.results.flatMap((r) => [
				{
					label: `recall, defence ${r.defence}`,
					points: r.points.map((p) => ({ x: p.rate, y: p.recall }))
				},
				{
					label: `accuracy, defence ${r.defence}`,
					points: r.points.map((p) => ({ x: p.rate, y: p.accuracy }))
				}
			])
		},
		data: o.results.map((r) => ({ defence: r.defence, seeds: r.seeds, points: r.points }))
	});
}

export function backdoorRun(o: {
	settings: object;
	seed: number;
	cli: string;
	name: string;
	points: readonly { rate: number; cleanAccuracy: number; attackSuccessRate: number }[];
}) {
	return recordRun({
		lab: 'poisoning',
		kind: 'backdoor',
		name: o.name,
		settings: plain(o.settings),
		model: null,
		seed: o.seed,
		cli: o.cli,
		chart: {
			x: 'poisoning rate',
			y: 'clean accuracy and attack success',
			series: [
				{
					label: 'clean accuracy',
					points: o.points.map((p) => ({ x: p.rate, y: p.cleanAccuracy }))
				},
				{
					label: 'attack success',
					points: o.points.map((p) => ({ x: p.rate, y: p.attackSuccessRate }))
				}
			]
		},
		data: o.points
	});
}

export function fidelityRun(o: {
	settings: object;
	seed: number;
	cli: string;
	label: string;
	model: ModelId | null;
	points: readonly { queries: number; agreement: number; accuracy: number }[];
	alarmAt: number | null;
}) {
	return recordRun({
		lab: 'extraction',
		kind: 'fidelity',
		name: o.label,
		settings: plain(o.settings),
		model: o.model,
		seed: o.seed,
		cli: o.cli,
		chart: {
			x: 'queries',
			y: 'agreement with the victim and accuracy',
			series: [
				{ label: 'agreement', points: o.points.map((p) => ({ x: p.queries, y: p.agreement })) },
				{ label: 'accuracy', points: o.points.map((p) => ({ x: p.queries, y: p.accuracy })) }
			]
		},
		data: { alarmAt: o.alarmAt }
	});
}

export function privacyRun(o: {
	settings: object;
	seed: number;
	cli: string;
	name: string;
	results: readonly { sigma: number | null; epsilon: number; accuracy: number; miaAuc: number }[];
	baseline: { accuracy: number; miaAuc: number } | null;
}) {
	const finite = o.results.filter((r) => Number.isFinite(r.epsilon));
	return recordRun({
		lab: 'privacy',
		kind: 'privacy',
		name: o.name,
		settings: plain(o.settings),
		model: null,
		seed: o.seed,
		cli: o.cli,
		chart: {
			x: 'epsilon',
			y: 'held-out accuracy and membership-attack AUC',
			series: [
				{ label: 'accuracy', points: finite.map((r) => ({ x: r.epsilon, y: r.accuracy })) },
				{ label: 'membership AUC', points: finite.map((r) => ({ x: r.epsilon, y: r.miaAuc })) }
			]
		},
		data: {
			runs: o.results.map((r) => ({
				...r,
				epsilon: Number.isFinite(r.epsilon) ? r.epsilon : null
			})),
			baseline: o.baseline
		}
	});
}

/** `npm run lab -- <command> --a 1 --b x` from a command and its options (flags when true). */
export function cliCommand(
	command: string,
	options: Record<string, string | number | boolean | undefined>
): string {
	const parts = ['npm run lab --', command];
	for (const [k, v] of Object.entries(options)) {
		if (v === undefined || v === false) continue;
		parts.push(v === true ? `--${k}` : `--${k} ${v}`);
	}
	return parts.join(' ');
}

export type { LabId, RunKind };
