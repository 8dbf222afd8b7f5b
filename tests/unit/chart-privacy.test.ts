import { describe, expect, it } from 'vitest';
import {
	datasetLegend,
	SERIES_COLOURS,
	type ChartPalette
} from '../../src/lib/components/chart-theme';
import {
	auditConfig,
	hasRuns,
	leakageConfig,
	liveConfig,
	tradeoffConfig
} from '../../src/lib/labs/privacy/charts';
import type { RunSummary } from '../../src/lib/labs/privacy/privacy-state.svelte';

// A palette whose every colour is recognisable, so a colour not taken from it stands out.
const PALETTE: ChartPalette = {
	text: '#000001',
	muted: '#000002',
	line: '#000003',
	panel: '#000004',
	series: Object.fromEntries(
		SERIES_COLOURS.map((c, i) => [c, `#0001${i.toString(16).padStart(2, '0')}`])
	) as ChartPalette['series']
};
const SERIES = new Set(Object.values(PALETTE.series));

function run(epsilon: number, over: Partial<RunSummary> = {}): RunSummary {
	return {
		id: epsilon,
		dataset: 'fraud',
		private: Number.isFinite(epsilon),
		sigma: Number.isFinite(epsilon) ? 1 : null,
		clip: 1,
		batchSize: 50,
		epochs: 2,
		delta: 1e-5,
		sampling: 'poisson',
		seed: 1,
		members: 500,
		q: 0.1,
		steps: 20,
		epsilon,
		accountingNote: null,
		order: 4,
		accuracy: 0.7,
		trainAccuracy: 0.75,
		miaAuc: 0.51,
		miaAdvantage: 0.05,
		miaChance: 0.08,
		empiricalEpsilon: 0.3,
		advantageBound: 0.9,
		pureDpAdvantageBound: 1,
		epochMs: 10,
		...over
	} as RunSummary;
}
const baseline = run(Infinity, { accuracy: 0.82, miaAuc: 0.53, miaAdvantage: 0.06 });
const runs = [run(4.2), run(1.1, { accuracy: 0.6 }), baseline];

type Dataset = { borderColor?: string; label: string };
const datasetsOf = (c: { data: { datasets: object[] } }) => c.data.datasets as Dataset[];

const CHARTS = {
	'privacy against accuracy': tradeoffConfig(runs, baseline, 4.2, PALETTE),
	'membership inference': leakageConfig(runs, baseline, 1e-5, 4.2, PALETTE),
	'epsilon audit': auditConfig(runs, 4.2, PALETTE),
	training: liveConfig(
		[
			{ epoch: 1, loss: 0.7, accuracy: 0.6 },
			{ epoch: 2, loss: 0.6, accuracy: 0.7 }
		],
		2,
		PALETTE
	)
};

describe.each(Object.entries(CHARTS))('the %s chart', (_, config) => {
	it('takes every series colour from the palette', () => {
		for (const d of datasetsOf(config)) expect(SERIES, d.label).toContain(d.borderColor);
	});

	it('tells its legend entries apart without colour: no two share both dash and marker', () => {
		const keys = datasetLegend(config).map(
			(item) => `${item.dash?.join(',') ?? 'no line'}|${item.point ?? 'no marker'}`
		);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('has one legend entry per dataset, named as its dataset', () => {
		expect(datasetLegend(config).map((i) => i.label)).toEqual(
			datasetsOf(config).map((d) => d.label)
		);
	});
});

describe('the privacy charts', () => {
	it('plot each private run’s audit epsilon against its accountant epsilon, under the diagonal', () => {
		const [points, diagonal] = datasetsOf(auditConfig(runs, 4.2, PALETTE)) as unknown as {
			data: { x: number; y: number }[];
		}[];
		expect(points.data).toEqual([
			{ x: 1.1, y: 0.3 },
			{ x: 4.2, y: 0.3 }
		]);
		expect(diagonal.data.every((p) => p.x === p.y)).toBe(true);
	});

	it('have nothing to draw before a run with a finite epsilon or the baseline', () => {
		expect(hasRuns([], null)).toBe(false);
		// sigma = 0 runs have an infinite epsilon and are listed in the table, not on the charts
		expect(hasRuns([run(Infinity, { private: false })], null)).toBe(false);
		expect(hasRuns([], baseline)).toBe(true);
		expect(hasRuns([run(2)], null)).toBe(true);
	});

	it('count whole epochs on the training chart', () => {
		const x = (CHARTS.training.options.scales as Record<string, { ticks?: object }>).x;
		expect(x.ticks).toEqual({ precision: 0 });
	});
});
