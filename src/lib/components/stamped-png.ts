/**
 * A chart as a PNG that stands on its own in a report or a slide: its title above, the plot (with
 * its axis titles), the legend drawn under it, and the provenance stamp (lab, settings, model and
 * weights hash, seed, backend, version, date, the CLI command) as a footer. Needs a DOM canvas.
 */
import type { Chart } from 'chart.js';
import { untrack } from 'svelte';
import { chartPalette } from './chart.svelte';
import type { LegendItem } from './chart-theme';

export interface PngParts {
	title: string;
	legend: readonly LegendItem[];
	/** footer lines, e.g. stampLines(run) */
	stamp: readonly string[];
}

export function stampedPng(chart: Chart, parts: PngParts): string {
	const palette = untrack(chartPalette);
	const plot = chart.canvas;
	const scale = plot.width / Math.max(1, plot.clientWidth || plot.width);
	const pad = 16 * scale;
	const family = getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
	const font = (px: number, weight = 400) => `${weight} ${px * scale}px ${family}`;
	const width = plot.width + 2 * pad;

	const measure = document.createElement('canvas').getContext('2d');
	if (!measure) return chart.toBase64Image();
	// the legend flows in rows: a swatch and its label per item
	measure.font = font(13);
	const rows: { item: LegendItem; x: number }[][] = [[]];
	let x = 0;
	for (const item of parts.legend) {
		const w = 34 * scale + measure.measureText(item.label).width + 16 * scale;
		if (x > 0 && x + w > plot.width) {
			rows.push([]);
			x = 0;
		}
		rows[rows.length - 1].push({ item, x });
		x += w;
	}
	const legendRows = parts.legend.length ? rows.length : 0;
	// stamp lines wrap at the image's width too
	measure.font = font(11);
	const stamp: string[] = [];
	for (const line of parts.stamp) {
		let rest = line;
		while (measure.measureText(rest).width > plot.width && rest.length > 20) {
			let cut = rest.length;
			while (cut > 20 && measure.measureText(rest.slice(0, cut)).width > plot.width) cut -= 8;
			stamp.push(rest.slice(0, cut));
			rest = `  ${rest.slice(cut)}`;
		}
		stamp.push(rest);
	}
	const titleH = 28 * scale;
	const legendH = legendRows * 20 * scale;
	const stampH = stamp.length * 15 * scale;
	const height = pad + titleH + plot.height + 8 * scale + legendH + 10 * scale + stampH + pad;

	const canvas = document.createElement('canvas');
	canvas.width = Math.ceil(width);
	canvas.height = Math.ceil(height);
	const ctx = canvas.getContext('2d');
	if (!ctx) return chart.toBase64Image();
	ctx.fillStyle = palette.panel;
	ctx.fillRect(0, 0, canvas.width, canvas.height);
	ctx.textBaseline = 'top';
	ctx.fillStyle = palette.text;
	ctx.font = font(17, 700);
	ctx.fillText(parts.title, pad, pad, plot.width);
	let y = pad + titleH;
	ctx.drawImage(plot, pad, y);
	y += plot.height + 8 * scale;
	ctx.font = font(13);
	for (const row of rows) {
		for (const { item, x: at } of row) {
			const sx = pad + at;
			const cy = y + 8 * scale;
			ctx.strokeStyle = item.colour;
			ctx.fillStyle = item.colour;
			ctx.lineWidth = 2 * scale;
			if (item.bar) ctx.fillRect(sx + 6 * scale, cy - 5 * scale, 16 * scale, 10 * scale);
			else {
				if (item.dash) {
					ctx.setLineDash(item.dash.map((d) => d * scale));
					ctx.beginPath();
					ctx.moveTo(sx, cy);
					ctx.lineTo(sx + 28 * scale, cy);
					ctx.stroke();
					ctx.setLineDash([]);
				}
				if (item.point) {
					ctx.beginPath();
					ctx.arc(sx + 14 * scale, cy, 3.5 * scale, 0, 2 * Math.PI);
					ctx.fill();
				}
			}
			ctx.fillStyle = palette.text;
			ctx.fillText(item.label, sx + 34 * scale, y + 1 * scale);
		}
		if (row.length) y += 20 * scale;
	}
	y += 10 * scale;
	ctx.fillStyle = palette.muted;
	ctx.font = font(11);
	for (const line of stamp) {
		ctx.fillText(line, pad, y);
		y += 15 * scale;
	}
	return canvas.toDataURL('image/png');
}
