import { describe, expect, it } from 'vitest';
import { readPalette, SERIES_COLOURS } from '../../src/lib/components/chart-theme';
import { schemeVariables } from './chart-css';

/** WCAG 2 relative luminance and contrast ratio of two #rrggbb colours. */
function luminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => {
		const c = parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi + 0.05) / (lo + 0.05);
}

/** CIE76 colour difference in CIELAB (D65): how far apart two colours look. */
function lab(hex: string): [number, number, number] {
	const [r, g, b] = [1, 3, 5].map((i) => {
		const c = parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
	const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
	const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
	const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
	return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const deltaE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]));

for (const scheme of ['light', 'dark'] as const) {
	describe(`the ${scheme} chart palette in app.css`, () => {
		const vars = schemeVariables(scheme);
		const p = readPalette((name) => vars[name] ?? '');
		const backgrounds = { '--bg': vars['--bg'], '--panel': p.panel };

		it('is written as #rrggbb colours, which the canvas and withAlpha take as they are', () => {
			for (const c of [p.text, p.muted, p.line, p.panel, ...Object.values(p.series)])
				expect(c).toMatch(/^#[0-9a-f]{6}$/i);
		});

		it('draws every series line at 4.5:1 or more against the page and the panel', () => {
			for (const [bgName, bg] of Object.entries(backgrounds))
				for (const c of SERIES_COLOURS)
					expect(contrast(p.series[c], bg), `${c} on ${bgName}`).toBeGreaterThanOrEqual(4.5);
		});

		it('writes tick labels and titles at 4.5:1 or more', () => {
			for (const bg of Object.values(backgrounds)) {
				expect(contrast(p.text, bg)).toBeGreaterThanOrEqual(4.5);
				expect(contrast(p.muted, bg)).toBeGreaterThanOrEqual(4.5);
			}
		});

		it('keeps every two series colours clearly apart (CIE76 difference of 15 or more)', () => {
			for (const [i, a] of SERIES_COLOURS.entries())
				for (const b of SERIES_COLOURS.slice(i + 1))
					expect(deltaE(p.series[a], p.series[b]), `${a} / ${b}`).toBeGreaterThanOrEqual(15);
		});
	});
}

it('the dark scheme has its own series colours, not the light ones', () => {
	const light = schemeVariables('light');
	const dark = schemeVariables('dark');
	for (const c of SERIES_COLOURS) expect(dark[`--chart-${c}`]).not.toBe(light[`--chart-${c}`]);
});
