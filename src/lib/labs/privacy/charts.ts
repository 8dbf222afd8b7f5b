/**
 * Chart.js configurations for the privacy lab, as plain functions of the runs so the components
 * stay small. eps runs over orders of magnitude, so the eps axes are logarithmic; runs with no
 * finite eps (sigma = 0) are left off those charts and listed in the table.
 */
import { Chart, LogarithmicScale } from 'chart.js';
import { advantageBound, yeomAdvantageBound } from '$lib/ml/privacy/membership';
import type { EpochPoint } from '$lib/ml/privacy/experiment';
import type { RunSummary } from './privacy-state.svelte';

Chart.register(LogarithmicScale);

export const COLOURS = {
	dp: '#2563eb',
	baseline: '#64748b',
	auc: '#d97706',
	advantage: '#b91c1c',
	bound: '#16a34a',
	loss: '#9333ea'
};

/** eps as people read it: two decimals when small, infinity spelled out. */
export function formatEps(eps: number): string {
	if (!Number.isFinite(eps)) return '∞';
	return eps < 10 ? eps.toFixed(2) : eps.toFixed(1);
}

const finite = (runs: RunSummary[]) => runs.filter((r) => Number.isFinite(r.epsilon));

function epsRange(runs: RunSummary[], current: number): [number, number] {
	const values = [...finite(runs).map((r) => r.epsilon), current].filter(
		(e) => Number.isFinite(e) && e > 0
	);
	const lo = Math.min(0.1, ...values.map((e) => e / 1.5));
	const hi = Math.max(50, ...values.map((e) => e * 1.5));
	return [lo, hi];
}

const epsAxis = (range: [number, number]) => ({
	type: 'logarithmic',
	min: range[0],
	max: range[1],
	title: { display: true, text: 'epsilon (log scale; smaller is more private)' }
});

const base = (legend = true) => ({
	responsive: true,
	maintainAspectRatio: false,
	parsing: false,
	plugins: { legend: { display: legend, position: 'bottom' } }
});

/** Held-out accuracy against eps, one point per run, with the non-private baseline as a line. */
export function tradeoffConfig(runs: RunSummary[], baseline: RunSummary | null, current: number) {
	const range = epsRange(runs, current);
	const points = finite(runs)
		.map((r) => ({ x: r.epsilon, y: 100 * r.accuracy }))
		.sort((a, b) => a.x - b.x);
	return {
		type: 'line',
		data: {
			datasets: [
				{
					label: 'DP-SGD runs',
					data: points,
					borderColor: COLOURS.dp,
					backgroundColor: COLOURS.dp,
					showLine: false,
					pointRadius: 4
				},
				...(baseline
					? [
							{
								label: `non-private baseline (${(100 * baseline.accuracy).toFixed(1)} %)`,
								data: range.map((x) => ({ x, y: 100 * baseline.accuracy })),
								borderColor: COLOURS.baseline,
								backgroundColor: COLOURS.baseline,
								borderDash: [6, 4],
								pointRadius: 0
							}
						]
					: [])
			]
		},
		options: {
			...base(),
			scales: {
				x: epsAxis(range),
				y: { min: 0, max: 100, title: { display: true, text: 'held-out accuracy (%)' } }
			}
		}
	};
}

/**
 * Membership-inference AUC and advantage against eps, with the ceiling DP puts on the advantage:
 * the (eps, delta) bound, which is the runs' bound, and Yeom et al.'s e^eps - 1, dashed, which
 * holds only for pure eps-DP (delta = 0) and is drawn for comparison, not as the runs' bound.
 */
export function leakageConfig(
	runs: RunSummary[],
	baseline: RunSummary | null,
	delta: number,
	current: number
) {
	const range = epsRange(runs, current);
	const grid = Array.from({ length: 60 }, (_, i) => range[0] * (range[1] / range[0]) ** (i / 59));
	const sorted = finite(runs).sort((a, b) => a.epsilon - b.epsilon);
	const chance = (baseline ?? sorted[0])?.miaChance ?? null;
	const flat = (y: number, label: string, colour: string) => ({
		label,
		data: range.map((x) => ({ x, y })),
		borderColor: colour,
		backgroundColor: colour,
		borderDash: [2, 3],
		pointRadius: 0
	});
	return {
		type: 'line',
		data: {
			datasets: [
				{
					label: 'attack AUC',
					data: sorted.map((r) => ({ x: r.epsilon, y: r.miaAuc })),
					borderColor: COLOURS.auc,
					backgroundColor: COLOURS.auc,
					showLine: false,
					pointRadius: 4
				},
				{
					label: 'attack advantage (TPR - FPR)',
					data: sorted.map((r) => ({ x: r.epsilon, y: r.miaAdvantage })),
					borderColor: COLOURS.advantage,
					backgroundColor: COLOURS.advantage,
					showLine: false,
					pointStyle: 'triangle',
					pointRadius: 5
				},
				{
					label: `bound on advantage, (eps, delta = ${delta})-DP`,
					data: grid.map((x) => ({ x, y: advantageBound(x, delta) })),
					borderColor: COLOURS.bound,
					backgroundColor: COLOURS.bound,
					pointRadius: 0
				},
				{
					label: 'e^eps - 1 (Yeom et al.; pure eps-DP only, delta = 0)',
					data: grid.map((x) => ({ x, y: yeomAdvantageBound(x) })),
					borderColor: COLOURS.bound,
					backgroundColor: COLOURS.bound,
					borderDash: [6, 4],
					pointRadius: 0
				},
				...(chance !== null
					? [flat(chance, 'advantage chance reaches 5 % of the time', COLOURS.baseline)]
					: []),
				...(baseline
					? [
							flat(baseline.miaAuc, 'baseline AUC', COLOURS.auc),
							flat(baseline.miaAdvantage, 'baseline advantage', COLOURS.advantage)
						]
					: [])
			]
		},
		options: {
			...base(),
			scales: {
				x: epsAxis(range),
				y: { min: 0, max: 1, title: { display: true, text: 'AUC / advantage' } }
			}
		}
	};
}

/** Loss and held-out accuracy per epoch of the run in progress. */
export function liveConfig(points: EpochPoint[], epochs: number) {
	return {
		type: 'line',
		data: {
			datasets: [
				{
					label: 'training loss',
					data: points.map((p) => ({ x: p.epoch, y: p.loss })),
					borderColor: COLOURS.loss,
					backgroundColor: COLOURS.loss,
					yAxisID: 'loss',
					pointRadius: 2
				},
				{
					label: 'held-out accuracy (%)',
					data: points.map((p) => ({ x: p.epoch, y: 100 * p.accuracy })),
					borderColor: COLOURS.dp,
					backgroundColor: COLOURS.dp,
					yAxisID: 'acc',
					pointRadius: 2
				}
			]
		},
		options: {
			...base(),
			scales: {
				x: {
					type: 'linear',
					min: 1,
					max: Math.max(2, epochs),
					title: { display: true, text: 'epoch' }
				},
				loss: { type: 'linear', position: 'left', min: 0, title: { display: true, text: 'loss' } },
				acc: {
					type: 'linear',
					position: 'right',
					min: 0,
					max: 100,
					grid: { drawOnChartArea: false },
					title: { display: true, text: 'accuracy (%)' }
				}
			}
		}
	};
}
