/**
 * The explanations panel's chart as a plain function of the curves and the palette: agreement
 * with the victim against queries for the copy that fits the explained gradients and for the
 * same attack without them. The queries run 10, 20, 50, ... up to the budget, so the axis is
 * logarithmic. Each dataset is one legend entry (datasetLegend reads the legend off the styles).
 */
import { Chart, LogarithmicScale } from 'chart.js';
import { DASH, type ChartPalette } from '$lib/components/chart-theme';
import type { GradientCurves } from './extraction-state.svelte';

Chart.register(LogarithmicScale);

export const RUN_LABELS = {
	with: 'fitting answers and gradients',
	without: 'answers alone (no explanations)'
} as const;

/** One row per checkpoint: the copy with gradients beside the one without, at the same queries. */
export function pairedRows(c: Pick<GradientCurves, 'with' | 'without'> | null) {
	return c ? c.with.map((w, k) => ({ queries: w.queries, with: w, without: c.without[k] })) : [];
}

export function gradientCurvesConfig(
	c: Pick<GradientCurves, 'with' | 'without'> | null,
	majority: number | null,
	palette: ChartPalette
) {
	const points = (run: 'with' | 'without') =>
		(c?.[run] ?? []).map((q) => ({ x: q.queries, y: 100 * q.agreement }));
	const last = Math.max(10, ...(c ? [...c.with, ...c.without].map((q) => q.queries) : []));
	return {
		type: 'line',
		data: {
			datasets: [
				{
					label: RUN_LABELS.with,
					data: points('with'),
					borderColor: palette.series.red,
					backgroundColor: palette.series.red,
					pointStyle: 'circle',
					pointRadius: 4
				},
				{
					label: RUN_LABELS.without,
					data: points('without'),
					borderColor: palette.series.blue,
					backgroundColor: palette.series.blue,
					borderDash: DASH.dashed,
					pointStyle: 'rect',
					pointRadius: 4
				},
				...(majority === null
					? []
					: [
							{
								label: `copy that always gives the majority answer (${(100 * majority).toFixed(1)} %)`,
								data: [
									{ x: 10, y: 100 * majority },
									{ x: last, y: 100 * majority }
								],
								borderColor: palette.series.grey,
								backgroundColor: palette.series.grey,
								borderDash: DASH.dotted,
								pointRadius: 0
							}
						])
			]
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			parsing: false,
			scales: {
				x: {
					type: 'logarithmic',
					min: 10,
					max: last,
					title: { display: true, text: 'queries answered (log scale)' }
				},
				y: { max: 100, title: { display: true, text: 'agreement with the victim (%)' } }
			}
		}
	};
}
