/**
 * The one chart theme: colours from the page's CSS variables (src/app.css defines them for the
 * light and the dark scheme), sizes that stay readable, and the legend items the charts draw in
 * HTML beside the canvas. Everything here is a plain function of a palette, so it runs (and is
 * tested) without a DOM; chart.svelte.ts reads the live palette and follows the scheme.
 */

/** The series hues. Each chart picks by meaning (red: the attack, grey: a baseline). */
export const SERIES_COLOURS = ['blue', 'red', 'green', 'orange', 'purple', 'teal', 'grey'] as const;
export type SeriesColour = (typeof SERIES_COLOURS)[number];

export interface ChartPalette {
	/** axis titles, tooltip text */
	text: string;
	/** tick labels, axis lines */
	muted: string;
	/** grid lines */
	line: string;
	/** the surface the chart sits on: tooltip and exported image background */
	panel: string;
	series: Record<SeriesColour, string>;
}

/** Where each colour comes from in app.css. */
export const PALETTE_VARIABLES = {
	text: '--text',
	muted: '--muted',
	line: '--line',
	panel: '--panel',
	series: Object.fromEntries(SERIES_COLOURS.map((c) => [c, `--chart-${c}`])) as Record<
		SeriesColour,
		string
	>
};

/** A colour that reads on both schemes, for a variable the stylesheet does not define. */
const MISSING = '#808080';

/**
 * The palette from CSS variables; `read` is e.g. `(name) => getComputedStyle(root)
 * .getPropertyValue(name)`.
 */
export function readPalette(read: (variable: string) => string): ChartPalette {
	const get = (name: string) => read(name).trim() || MISSING;
	return {
		text: get(PALETTE_VARIABLES.text),
		muted: get(PALETTE_VARIABLES.muted),
		line: get(PALETTE_VARIABLES.line),
		panel: get(PALETTE_VARIABLES.panel),
		series: Object.fromEntries(
			SERIES_COLOURS.map((c) => [c, get(PALETTE_VARIABLES.series[c])])
		) as Record<SeriesColour, string>
	};
}

/** Text sizes in CSS pixels: Chart.js's default 12 px is too small beside 16 px body text. */
export const FONT_SIZE = { tick: 13, title: 14, tooltip: 13 } as const;
/** Sizes in presenter view, read from the back of a lecture hall (issue 13: at least 18 px). */
export const LARGE_FONT_SIZE = { tick: 20, title: 22, tooltip: 20 } as const;
export type FontSizes = { tick: number; title: number; tooltip: number };

/** Line styles, so a series is told apart without its colour. */
export const DASH = {
	solid: [] as number[],
	dashed: [6, 4],
	dotted: [2, 3],
	dashDot: [8, 3, 2, 3],
	dashDotDot: [8, 3, 2, 3, 2, 3]
} as const;

/** Chart.js point styles the legend can draw too. */
export const POINT_STYLES = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star'] as const;
export type PointStyle = (typeof POINT_STYLES)[number];

/** `#rgb` or `#rrggbb` with an alpha in [0, 1]; other colour syntaxes through color-mix(). */
export function withAlpha(colour: string, alpha: number): string {
	const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255)
		.toString(16)
		.padStart(2, '0');
	if (/^#[0-9a-f]{6}$/i.test(colour)) return `${colour}${a}`;
	if (/^#[0-9a-f]{3}$/i.test(colour))
		return `#${[...colour.slice(1)].map((h) => h + h).join('')}${a}`;
	return `color-mix(in srgb, ${colour} ${Math.round(alpha * 100)}%, transparent)`;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

/**
 * A chart's options with the theme applied: tick, title and tooltip text in the palette's colours
 * and readable sizes, grid lines in the line colour, the canvas legend off (the charts draw their
 * legend in HTML under the plot, so a long legend never takes the plot's height). What a chart
 * sets on its own scales (ranges, titles, a grid hidden on one axis) is kept.
 */
export function themeOptions(options: object, p: ChartPalette, size: FontSizes = FONT_SIZE): Obj {
	const o = obj(options);
	const scales = Object.fromEntries(
		Object.entries(obj(o.scales)).map(([id, raw]) => {
			const s = obj(raw);
			const ticks = obj(s.ticks);
			const title = obj(s.title);
			return [
				id,
				{
					...s,
					ticks: { ...ticks, color: p.muted, font: { ...obj(ticks.font), size: size.tick } },
					title: {
						...title,
						color: p.text,
						font: { ...obj(title.font), size: size.title }
					},
					grid: { ...obj(s.grid), color: p.line },
					border: { ...obj(s.border), color: p.muted }
				}
			];
		})
	);
	const plugins = obj(o.plugins);
	return {
		...o,
		color: p.text,
		borderColor: p.line,
		scales,
		plugins: {
			...plugins,
			legend: { display: false },
			tooltip: {
				...obj(plugins.tooltip),
				backgroundColor: p.panel,
				titleColor: p.text,
				bodyColor: p.text,
				borderColor: p.muted,
				borderWidth: 1,
				titleFont: { size: size.tooltip, weight: 'bold' },
				bodyFont: { size: size.tooltip }
			}
		}
	};
}

/** A whole chart configuration with the theme applied to its options. */
export function themeConfig(config: object, p: ChartPalette, size: FontSizes = FONT_SIZE): Obj {
	const c = obj(config);
	return { ...c, options: themeOptions(obj(c.options), p, size) };
}

/** One entry of a chart's HTML legend: how its swatch is drawn and what it says. */
export interface LegendItem {
	label: string;
	colour: string;
	/** a line in this dash pattern ([] solid); leave out for a marker or bar alone */
	dash?: readonly number[];
	/** the marker drawn on the line */
	point?: PointStyle;
	/** a filled box, as for a bar chart */
	bar?: boolean;
}

interface DatasetLike {
	label?: string;
	borderColor?: string;
	borderDash?: readonly number[];
	pointStyle?: string;
	pointRadius?: number;
	showLine?: boolean;
}

/** The HTML legend of a line chart whose datasets are each one entry, read off their styles. */
export function datasetLegend(config: object): LegendItem[] {
	const datasets = obj(obj(config).data).datasets;
	return ((Array.isArray(datasets) ? datasets : []) as DatasetLike[]).map((d) => ({
		label: d.label ?? '',
		colour: d.borderColor ?? MISSING,
		dash: d.showLine === false ? undefined : (d.borderDash ?? DASH.solid),
		point:
			d.pointRadius === 0 ? undefined : POINT_STYLES.find((s) => s === (d.pointStyle ?? 'circle'))
	}));
}
