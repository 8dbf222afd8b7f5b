import { describe, expect, it } from 'vitest';
import {
	DASH,
	FONT_SIZE,
	LARGE_FONT_SIZE,
	PALETTE_VARIABLES,
	SERIES_COLOURS,
	datasetLegend,
	readPalette,
	themeConfig,
	themeOptions,
	withAlpha,
	type ChartPalette
} from '../../src/lib/components/chart-theme';
import { schemeVariables } from './chart-css';

const LIGHT = readPalette((name) => schemeVariables('light')[name] ?? '');
const DARK = readPalette((name) => schemeVariables('dark')[name] ?? '');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The options of a two-axis line chart as the labs write them. */
const OPTIONS = {
	responsive: true,
	scales: {
		x: { type: 'linear', min: 1, max: 5, title: { display: true, text: 'epoch' } },
		acc: {
			min: 0,
			max: 100,
			grid: { drawOnChartArea: false },
			title: { display: true, text: 'accuracy (%)' }
		}
	},
	plugins: { legend: { position: 'bottom' } }
};

describe('readPalette', () => {
	it('reads every colour from its CSS variable, without the whitespace around it', () => {
		const asked: string[] = [];
		const p = readPalette((name) => {
			asked.push(name);
			return `  value-of${name}\n`;
		});
		expect(p.text).toBe('value-of--text');
		expect(p.muted).toBe('value-of--muted');
		expect(p.line).toBe('value-of--line');
		expect(p.panel).toBe('value-of--panel');
		for (const c of SERIES_COLOURS) expect(p.series[c]).toBe(`value-of--chart-${c}`);
		expect(asked).toHaveLength(4 + SERIES_COLOURS.length);
	});

	it('gives a visible colour, not an empty string, for a variable the page lacks', () => {
		const p = readPalette(() => '');
		expect(p.text).toMatch(/^#[0-9a-f]{6}$/);
		expect(p.series.red).toMatch(/^#[0-9a-f]{6}$/);
	});

	it('finds every palette variable defined in app.css for both schemes', () => {
		const names = [
			PALETTE_VARIABLES.text,
			PALETTE_VARIABLES.muted,
			PALETTE_VARIABLES.line,
			PALETTE_VARIABLES.panel,
			...Object.values(PALETTE_VARIABLES.series)
		];
		for (const scheme of ['light', 'dark'] as const) {
			const vars = schemeVariables(scheme);
			expect(
				names.filter((n) => !vars[n]),
				scheme
			).toEqual([]);
		}
	});
});

describe('themeOptions', () => {
	it('colours and sizes the ticks, titles, grid and tooltip from the palette', () => {
		const o: Obj = themeOptions(OPTIONS, LIGHT);
		for (const id of ['x', 'acc']) {
			const s = o.scales[id];
			expect(s.ticks.color).toBe(LIGHT.muted);
			expect(s.ticks.font.size).toBeGreaterThanOrEqual(13);
			expect(s.title.color).toBe(LIGHT.text);
			expect(s.title.font.size).toBeGreaterThanOrEqual(13);
			expect(s.grid.color).toBe(LIGHT.line);
		}
		expect(o.color).toBe(LIGHT.text);
		expect(o.plugins.tooltip).toMatchObject({
			backgroundColor: LIGHT.panel,
			titleColor: LIGHT.text,
			bodyColor: LIGHT.text,
			bodyFont: { size: FONT_SIZE.tooltip }
		});
	});

	it('in presenter view sizes every tick, axis title and tooltip at least 18 px', () => {
		const o: Obj = themeOptions(OPTIONS, DARK, LARGE_FONT_SIZE);
		for (const id of ['x', 'acc']) {
			expect(o.scales[id].ticks.font.size).toBeGreaterThanOrEqual(18);
			expect(o.scales[id].title.font.size).toBeGreaterThanOrEqual(18);
		}
		expect(o.plugins.tooltip.bodyFont.size).toBeGreaterThanOrEqual(18);
		expect(o.plugins.tooltip.titleFont.size).toBeGreaterThanOrEqual(18);
	});

	it("keeps what a chart sets on its own scales, and leaves the chart's object alone", () => {
		const before = JSON.stringify(OPTIONS);
		const o: Obj = themeOptions(OPTIONS, DARK);
		expect(o.responsive).toBe(true);
		expect(o.scales.x).toMatchObject({ type: 'linear', min: 1, max: 5 });
		expect(o.scales.x.title).toMatchObject({ display: true, text: 'epoch' });
		expect(o.scales.acc.grid).toEqual({ drawOnChartArea: false, color: DARK.line });
		expect(JSON.stringify(OPTIONS)).toBe(before);
	});

	it('turns the canvas legend off: the legend is drawn in HTML, outside the plot', () => {
		expect((themeOptions(OPTIONS, LIGHT) as Obj).plugins.legend).toEqual({ display: false });
		expect((themeOptions({}, LIGHT) as Obj).plugins.legend).toEqual({ display: false });
	});

	it('switches every colour when the scheme changes from light to dark', () => {
		const light: Obj = themeOptions(OPTIONS, LIGHT);
		const dark: Obj = themeOptions(OPTIONS, DARK);
		expect(dark.scales.x.ticks.color).toBe(DARK.muted);
		expect(dark.scales.x.ticks.color).not.toBe(light.scales.x.ticks.color);
		expect(dark.scales.x.title.color).not.toBe(light.scales.x.title.color);
		expect(dark.scales.x.grid.color).not.toBe(light.scales.x.grid.color);
		expect(dark.plugins.tooltip.backgroundColor).not.toBe(light.plugins.tooltip.backgroundColor);
	});

	it('themeConfig applies the same to a whole configuration and keeps its data', () => {
		const data = { datasets: [{ label: 'a', data: [{ x: 1, y: 2 }] }] };
		const c: Obj = themeConfig({ type: 'line', data, options: OPTIONS }, DARK);
		expect(c.type).toBe('line');
		expect(c.data).toBe(data);
		expect(c.options.scales.x.ticks.color).toBe(DARK.muted);
	});
});

describe('datasetLegend', () => {
	const p: ChartPalette = LIGHT;
	it('reads line, dash and marker off each dataset', () => {
		const legend = datasetLegend({
			data: {
				datasets: [
					{ label: 'runs', borderColor: p.series.blue, showLine: false, pointStyle: 'triangle' },
					{ label: 'bound', borderColor: p.series.green, pointRadius: 0 },
					{
						label: 'baseline',
						borderColor: p.series.grey,
						borderDash: DASH.dashed,
						pointRadius: 0
					},
					{ label: 'loss', borderColor: p.series.purple, pointRadius: 3 }
				]
			}
		});
		expect(legend).toEqual([
			{ label: 'runs', colour: p.series.blue, dash: undefined, point: 'triangle' },
			{ label: 'bound', colour: p.series.green, dash: [], point: undefined },
			{ label: 'baseline', colour: p.series.grey, dash: DASH.dashed, point: undefined },
			{ label: 'loss', colour: p.series.purple, dash: [], point: 'circle' }
		]);
	});

	it('is empty for a chart without datasets', () => {
		expect(datasetLegend({ data: { datasets: [] } })).toEqual([]);
		expect(datasetLegend({})).toEqual([]);
	});
});

describe('withAlpha', () => {
	it('appends the alpha to a hex colour, short or long', () => {
		expect(withAlpha('#1d4ed8', 0.15)).toBe('#1d4ed826');
		expect(withAlpha('#abc', 1)).toBe('#aabbccff');
	});
	it('mixes any other colour with transparent', () => {
		expect(withAlpha('rgb(1 2 3)', 0.5)).toBe('color-mix(in srgb, rgb(1 2 3) 50%, transparent)');
	});
});
