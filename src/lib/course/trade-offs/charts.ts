/**
 * Chart.js configurations of the lesson's trade-off miniatures, plain functions of the measured
 * numbers and the palette (tests/unit/chart-trade-offs.test.ts checks them). Each dataset is one
 * legend entry, told apart by colour, dash and marker.
 */
import { Chart, LogarithmicScale } from 'chart.js';
import {
	DASH,
	POINT_STYLES,
	SERIES_COLOURS,
	type ChartPalette,
	type PointStyle
} from '$lib/components/chart-theme';
import { pct } from '$lib/base/format';
import { isFailure, type DefenceCost, type DefenceCostResult } from '$lib/ml/defence-costs';
import type { PrivacyPoint, RobustnessRow } from '$lib/ml/trade-offs';
import type { ModelId } from '$lib/ml/models';
import type { SmoothedModelId } from '$lib/ml/model-ids';

Chart.register(LogarithmicScale);

const base = () => ({ responsive: true, maintainAspectRatio: false, parsing: false });

/**
 * Tick labels of a log axis only at 10^k (and, with `twoFive`, at 2 and 5 x 10^k), so that labels
 * on a log axis do not crowd; the grid keeps every line.
 */
export function logTicks(twoFive = false) {
	return {
		autoSkip: false,
		maxRotation: 0,
		callback: (value: number | string) => {
			const v = Number(value);
			const mantissa = Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toPrecision(3));
			const shown = mantissa === 1 || (twoFive && (mantissa === 2 || mantissa === 5));
			return shown ? Number(v.toPrecision(3)).toLocaleString('en-US') : '';
		}
	};
}

/** Short names for the chart's categories; the tables use the models' full titles. */
export const MODEL_SHORT: Record<ModelId | SmoothedModelId, string> = {
	'mnist-softmax': 'softmax',
	'mnist-cnn': 'CNN',
	'mnist-cnn-adv': 'FGSM-trained CNN',
	'mnist-cnn-noise-025': 'noise 0.25',
	'mnist-cnn-noise-050': 'noise 0.5',
	'mnist-cnn-noise-100': 'noise 1'
};

/** eps as the privacy lab writes it: two decimals when small, infinity spelled out. */
export function formatEpsilon(eps: number): string {
	if (!Number.isFinite(eps)) return '∞';
	return eps < 10 ? eps.toFixed(2) : eps.toFixed(1);
}

/**
 * Held-out accuracy against the accountant's epsilon (log scale), one point per private run, the
 * non-private run as a dashed line across.
 */
export function privacyConfig(points: PrivacyPoint[], palette: ChartPalette) {
	const finite = points.filter((p) => Number.isFinite(p.epsilon) && p.epsilon > 0);
	const baseline = points.find((p) => !Number.isFinite(p.epsilon));
	const xs = finite.map((p) => p.epsilon);
	const range = [Math.min(0.3, ...xs.map((x) => x / 1.5)), Math.max(20, ...xs.map((x) => x * 1.5))];
	return {
		type: 'line',
		data: {
			datasets: [
				{
					label: 'DP-SGD',
					data: finite
						.map((p) => ({ x: p.epsilon, y: 100 * p.accuracy }))
						.sort((a, b) => a.x - b.x),
					borderColor: palette.series.blue,
					backgroundColor: palette.series.blue,
					pointStyle: 'circle',
					pointRadius: 4
				},
				...(baseline
					? [
							{
								label: `no privacy (${pct(baseline.accuracy)})`,
								data: range.map((x) => ({ x, y: 100 * baseline.accuracy })),
								borderColor: palette.series.grey,
								backgroundColor: palette.series.grey,
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
				x: {
					type: 'logarithmic',
					min: range[0],
					max: range[1],
					ticks: logTicks(true),
					title: { display: true, text: 'epsilon (log scale; smaller is more private)' }
				},
				y: { min: 0, max: 100, title: { display: true, text: 'held-out accuracy (%)' } }
			}
		}
	};
}

/** Clean accuracy and accuracy under PGD, side by side per model. */
export function robustnessConfig(rows: RobustnessRow[], eps: number, palette: ChartPalette) {
	const bars = (label: string, colour: string, value: (r: RobustnessRow) => number) => ({
		label,
		data: rows.map(value),
		borderColor: colour,
		backgroundColor: colour
	});
	return {
		type: 'bar',
		data: {
			labels: rows.map((r) => MODEL_SHORT[r.model]),
			datasets: [
				bars('clean digits', palette.series.blue, (r) => 100 * r.clean),
				bars(`under PGD, eps ${eps}`, palette.series.red, (r) => 100 * r.attacked)
			]
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			scales: {
				x: { grid: { display: false } },
				y: { min: 0, max: 100, title: { display: true, text: 'accuracy (%)' } }
			}
		}
	};
}

/** The measured defences, failures left out. */
export const measuredCosts = (results: DefenceCostResult[]): DefenceCost[] =>
	results.filter((r): r is DefenceCost => !isFailure(r));

/** Colour, dash and marker of each defence on the cost chart, and its swatch in the table. */
export function costStyle(index: number): {
	colour: (typeof SERIES_COLOURS)[number];
	dash: readonly number[];
	point: PointStyle;
} {
	const dashes = [DASH.solid, DASH.dashed, DASH.dotted, DASH.dashDot, DASH.dashDotDot];
	return {
		colour: SERIES_COLOURS[index % SERIES_COLOURS.length],
		dash: dashes[index % dashes.length],
		point: POINT_STYLES[index % POINT_STYLES.length]
	};
}

/** The protection a point stands for, in words, for the tooltip. */
function pointText(d: DefenceCost, k: number): string {
	if (k === 0) return `${d.name}, without it: ${formatMs(d.baselineMs)} per ${d.operation}`;
	const p = d.points[k - 1];
	return `${d.name}, ${p.setting}: ${formatMs(p.ms)} per ${d.operation}; protection gained ${p.gain.toFixed(2)}`;
}

/** Milliseconds with three significant digits (0.157 ms, 55.2 ms, 1,943 ms). */
export function formatMs(ms: number): string {
	if (!Number.isFinite(ms)) return '–';
	if (ms >= 100) return `${Math.round(ms).toLocaleString('en-US')} ms`;
	return `${ms.toPrecision(3)} ms`;
}

/**
 * Protection gained against cost: each defence is a line from its operation without it (gain 0) to
 * the same operation with it (smoothing: one point per n). Costs are ms per operation on a log
 * scale; the operation and the gain's meaning differ per defence, and the table beside says which.
 */
export function costsConfig(results: DefenceCostResult[], palette: ChartPalette) {
	const rows = measuredCosts(results);
	const order = (d: DefenceCost) => results.indexOf(d);
	return {
		type: 'line',
		data: {
			datasets: rows.map((d) => {
				const style = costStyle(order(d));
				const colour = palette.series[style.colour];
				return {
					label: d.name,
					data: [{ x: d.baselineMs, y: 0 }, ...d.points.map((p) => ({ x: p.ms, y: p.gain }))],
					borderColor: colour,
					backgroundColor: colour,
					borderDash: style.dash,
					pointStyle: style.point,
					pointRadius: 4
				};
			})
		},
		options: {
			...base(),
			plugins: {
				tooltip: {
					callbacks: {
						label: (item: { datasetIndex: number; dataIndex: number }) =>
							pointText(rows[item.datasetIndex], item.dataIndex)
					}
				}
			},
			scales: {
				x: {
					type: 'logarithmic',
					ticks: logTicks(),
					title: {
						display: true,
						text: 'ms per operation (log scale; the operation is in the table)'
					}
				},
				y: {
					suggestedMin: 0,
					suggestedMax: 1,
					title: { display: true, text: 'protection gained' }
				}
			}
		}
	};
}
