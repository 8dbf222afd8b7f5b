/**
 * Chart.js as a Svelte attachment: the chart is created once when the canvas mounts, updated in
 * place (chart.update('none'), no animation) whenever the reactive config or the colour scheme
 * changes, and destroyed when the canvas goes away. Every chart gets the one theme of
 * chart-theme.ts. Only the Chart.js parts the lab uses are registered (no canvas legend: the
 * legends are HTML, under the plot).
 */
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
	type ChartConfiguration
} from 'chart.js';
import type { Attachment } from 'svelte/attachments';
import { untrack } from 'svelte';
import { on } from 'svelte/events';
import { createSubscriber } from 'svelte/reactivity';
import {
	FONT_SIZE,
	LARGE_FONT_SIZE,
	readPalette,
	themeConfig,
	type ChartPalette
} from './chart-theme';
import { chartText } from './chart-text.svelte';

Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip
);

// Charts in the lab redraw as a slider moves; animation would only lag behind it.
Chart.defaults.animation = false;

const DARK = '(prefers-color-scheme: dark)';
let scheme: MediaQueryList | null = null;
// One palette per scheme, read once; a plain cache, not reactive state (the subscriber is).
const cached: { light?: ChartPalette; dark?: ChartPalette } = {};
// Effects that read the palette re-run when the scheme flips; the listener lives while they do.
const subscribe = createSubscriber((update) => {
	scheme ??= matchMedia(DARK);
	return on(scheme, 'change', update);
});

/**
 * The page's chart palette, read from its CSS variables; reactive: an effect (a chart's config,
 * a legend) that reads it runs again when the colour scheme changes.
 */
export function chartPalette(): ChartPalette {
	// Prerendering has no page to read; no chart is drawn there.
	if (typeof matchMedia === 'undefined') return readPalette(() => '');
	subscribe();
	scheme ??= matchMedia(DARK);
	const key = scheme.matches ? 'dark' : 'light';
	if (!cached[key]) {
		const style = getComputedStyle(document.documentElement);
		cached[key] = readPalette((name) => style.getPropertyValue(name));
		// the page's own typeface, not Chart.js's Helvetica
		Chart.defaults.font.family = style.fontFamily;
	}
	return cached[key];
}

/**
 * `config` is read reactively, with the current palette; pass a ChartConfiguration of any chart
 * type. (Chart.js's generic configuration types do not unify across chart types, hence the plain
 * object here.)
 */
export function chartAttachment(
	config: (palette: ChartPalette) => object,
	onchart?: (chart: Chart) => void
): Attachment<HTMLCanvasElement> {
	const build = () => {
		const palette = chartPalette();
		const size = chartText.large ? LARGE_FONT_SIZE : FONT_SIZE;
		return themeConfig(config(palette), palette, size) as unknown as ChartConfiguration;
	};
	return (canvas) => {
		const chart = untrack(() => new Chart(canvas, build()));
		onchart?.(chart);
		// The chart was just drawn from this very config: the effect's first run only subscribes
		// (a second layout and draw in the same task would double the cost of a chart's arrival).
		let drawn = true;
		$effect(() => {
			const next = build();
			if (drawn) {
				drawn = false;
				return;
			}
			chart.data = next.data;
			chart.options = next.options ?? {};
			chart.update('none');
		});
		return () => chart.destroy();
	};
}

let warmed = false;

/**
 * Once per page, when the browser is idle: draws a line and a bar chart in the lab's theme on a
 * canvas nobody sees, then throws them away. A page's first chart costs Chart.js several times
 * what later ones do (its code compiled on first use, the number formats and fonts set up), and
 * it arrives with a run's first result, in the middle of the run; warmed beforehand, it does not
 * hold up the page then.
 */
export function warmCharts() {
	if (warmed || typeof document === 'undefined') return;
	warmed = true;
	const points = [0, 0.25, 0.5, 0.75, 1].map((x) => ({ x, y: x * x }));
	const kinds = [
		{ type: 'line', data: { datasets: [{ label: 'warm-up', data: points }] } },
		{
			type: 'bar',
			data: { labels: ['a', 'b'], datasets: [{ label: 'warm-up', data: [0.3, 0.7] }] }
		}
	];
	// one chart per idle period (each takes a few tens of ms the first time), so that the warm-up
	// is never a long task of its own
	const next = (deadline?: IdleDeadline) => {
		if (deadline && deadline.timeRemaining() < 40 && !deadline.didTimeout) return later();
		const kind = kinds.shift();
		if (!kind) return;
		const canvas = document.createElement('canvas');
		canvas.width = 480;
		canvas.height = 240;
		const config = {
			...kind,
			options: {
				responsive: false,
				scales: {
					x: {
						type: kind.type === 'line' ? 'linear' : 'category',
						title: { display: true, text: 'x' }
					},
					y: { type: 'linear', title: { display: true, text: 'y' } }
				}
			}
		};
		const palette = untrack(chartPalette);
		new Chart(
			canvas,
			themeConfig(config, palette, FONT_SIZE) as unknown as ChartConfiguration
		).destroy();
		later();
	};
	const later = () => {
		if (!kinds.length) return;
		if (typeof requestIdleCallback === 'function') requestIdleCallback(next, { timeout: 5000 });
		else setTimeout(next, 200);
	};
	later();
}

/**
 * A chart's image as a PNG data URL on the chart's own background (transparent PNGs vanish in
 * slides; in the dark scheme the text is light, so the background is the dark panel).
 */
export function chartPng(chart: Chart): string {
	const canvas = document.createElement('canvas');
	canvas.width = chart.canvas.width;
	canvas.height = chart.canvas.height;
	const ctx = canvas.getContext('2d');
	if (!ctx) return chart.toBase64Image();
	ctx.fillStyle = untrack(chartPalette).panel;
	ctx.fillRect(0, 0, canvas.width, canvas.height);
	ctx.drawImage(chart.canvas, 0, 0);
	return canvas.toDataURL('image/png');
}
