/**
 * Chart.js configurations for the privacy lab, as plain functions of the runs and the chart
 * palette so the components stay small. eps runs over orders of magnitude, so the eps axes are
 * logarithmic; runs with no finite eps (sigma = 0) are left off those charts and listed in the
 * table. Each dataset is one legend entry (datasetLegend reads the legend off these styles).
 */
import { Chart, LogarithmicScale } from 'chart.js';
import { DASH, type ChartPalette } from '$lib/components/chart-theme';
import { advantageBound, yeomAdvantageBound } from '$lib/ml/privacy/membership';
import type { EpochPoint } from '$lib/ml/privacy/experiment';
import type { RunSummary } from './privacy-state.svelte';

Chart.register(LogarithmicScale);

/** What each colour means on the privacy charts. */
const colours = (p: ChartPalette) => ({
	dp: p.series.blue,
	baseline: p.series.grey,
	auc: p.series.orange,
	advantage: p.series.red,
	bound: p.series.green,
	loss: p.series.purple
});

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

const base = () => ({
	responsive: true,
	maintainAspectRatio: false,
	parsing: false
});

/** True when a chart of the runs has something to draw: a finite-eps run or the baseline. */
export function hasRuns(runs: RunSummary[], baseline: RunSummary | null): boolean {
	return baseline !== null || finite(runs).length > 0;
}

/** Held-out accuracy against eps, one point per run, with the non-private baseline as a line. */
export function tradeoffConfig(
	runs: RunSummary[],
	baseline: RunSummary | null,
	current: number,
	palette: ChartPalette
) {
	const COLOURS = colours(palette);
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
					pointStyle: 'circle',
					pointRadius: 4
				},
				...(baseline
					? [
							{
								label: `non-private baseline (${(100 * baseline.accuracy).toFixed(1)} %)`,
								data: range.map((x) => ({ x, y: 100 * baseline.accuracy })),
								borderColor: COLOURS.baseline,
								backgroundColor: COLOURS.baseline,
								borderDash: DASH.dashed,
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
	current: number,
	palette: ChartPalette
) {
	const COLOURS = colours(palette);
	const range = epsRange(runs, current);
	const grid = Array.from({ length: 60 }, (_, i) => range[0] * (range[1] / range[0]) ** (i / 59));
	const sorted = finite(runs).sort((a, b) => a.epsilon - b.epsilon);
	const chance = (baseline ?? sorted[0])?.miaChance ?? null;
	const flat = (y: number, label: string, colour: string, dash: readonly number[]) => ({
		label,
		data: range.map((x) => ({ x, y })),
		borderColor: colour,
		backgroundColor: colour,
		borderDash: dash,
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
					pointStyle: 'circle',
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
					borderDash: DASH.dashed,
					pointRadius: 0
				},
				...(chance !== null
					? [
							flat(
								chance,
								'advantage chance reaches 5 % of the time',
								COLOURS.baseline,
								DASH.dotted
							)
						]
					: []),
				...(baseline
					? [
							flat(baseline.miaAuc, 'non-private baseline: AUC', COLOURS.auc, DASH.dashDot),
							flat(
								baseline.miaAdvantage,
								'non-private baseline: advantage',
								COLOURS.advantage,
								DASH.dashDotDot
							)
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
export function liveConfig(points: EpochPoint[], epochs: number, palette: ChartPalette) {
	const COLOURS = colours(palette);
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
					pointStyle: 'circle',
					pointRadius: 3
				},
				{
					label: 'held-out accuracy (%)',
					data: points.map((p) => ({ x: p.epoch, y: 100 * p.accuracy })),
					borderColor: COLOURS.dp,
					backgroundColor: COLOURS.dp,
					borderDash: DASH.dashed,
					yAxisID: 'acc',
					pointStyle: 'rect',
					pointRadius: 3
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
					// whole epochs only
					ticks: { precision: 0 },
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

/**
 * The audit beside the guarantee: for each run, the epsilon its membership attack proves at 95 %
 * confidence (Jagielski et al. 2020) against the accountant's epsilon, with the line where they
 * would meet. Every point belongs below it; one above would mean a bug or a fluke.
 */
export function auditConfig(runs: RunSummary[], current: number, palette: ChartPalette) {
	const COLOURS = colours(palette);
	const range = epsRange(runs, current);
	const sorted = finite(runs).sort((a, b) => a.epsilon - b.epsilon);
	return {
		type: 'line',
		data: {
			datasets: [
				{
					label: 'epsilon the attack proves (95 % lower bound)',
					data: sorted.map((r) => ({ x: r.epsilon, y: r.empiricalEpsilon })),
					borderColor: COLOURS.advantage,
					backgroundColor: COLOURS.advantage,
					showLine: false,
					pointStyle: 'triangle',
					pointRadius: 5
				},
				{
					label: "the accountant's epsilon (audits must stay below)",
					data: range.map((x) => ({ x, y: x })),
					borderColor: COLOURS.bound,
					backgroundColor: COLOURS.bound,
					pointRadius: 0
				}
			]
		},
		options: {
			...base(),
			scales: {
				x: epsAxis(range),
				y: {
					min: 0,
					max: Math.max(1, ...sorted.map((r) => 1.2 * r.empiricalEpsilon)),
					title: { display: true, text: 'epsilon the attack proves' }
				}
			}
		}
	};
}
