/**
 * Chart.js as a Svelte attachment: the chart is created once when the canvas mounts, updated in
 * place (chart.update('none'), no animation) whenever the reactive config changes, and destroyed
 * when the canvas goes away. Only the Chart.js parts the lab uses are registered.
 */
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
	type ChartConfiguration
} from 'chart.js';
import type { Attachment } from 'svelte/attachments';
import { untrack } from 'svelte';

Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Legend,
	Tooltip
);

// Charts in the lab redraw as a slider moves; animation would only lag behind it.
Chart.defaults.animation = false;

/**
 * `config` is read reactively; pass a ChartConfiguration of any chart type. (Chart.js's generic
 * configuration types do not unify across chart types, hence the plain object here.)
 */
export function chartAttachment(
	config: () => object,
	onchart?: (chart: Chart) => void
): Attachment<HTMLCanvasElement> {
	return (canvas) => {
		const chart = untrack(() => new Chart(canvas, config() as ChartConfiguration));
		onchart?.(chart);
		$effect(() => {
			const next = config() as ChartConfiguration;
			chart.data = next.data;
			chart.options = next.options ?? {};
			chart.update('none');
		});
		return () => chart.destroy();
	};
}

/** A chart's image as a PNG data URL on a white background (transparent PNGs vanish in slides). */
export function chartPng(chart: Chart): string {
	const canvas = document.createElement('canvas');
	canvas.width = chart.canvas.width;
	canvas.height = chart.canvas.height;
	const ctx = canvas.getContext('2d');
	if (!ctx) return chart.toBase64Image();
	ctx.fillStyle = '#ffffff';
	ctx.fillRect(0, 0, canvas.width, canvas.height);
	ctx.drawImage(chart.canvas, 0, 0);
	return canvas.toDataURL('image/png');
}
