import { describe, expect, it } from 'vitest';
import {
	datasetLegend,
	SERIES_COLOURS,
	type ChartPalette
} from '../../src/lib/components/chart-theme';
import {
	costsConfig,
	formatMs,
	logTicks,
	privacyConfig,
	robustnessConfig
} from '../../src/lib/course/trade-offs/charts';
import {
	DEFENCE_COST_IDS,
	DEFENCE_NAMES,
	type DefenceCost,
	type DefenceCostResult
} from '../../src/lib/ml/defence-costs';
import type { PrivacyPoint } from '../../src/lib/ml/trade-offs';

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

function cost(id: (typeof DEFENCE_COST_IDS)[number], k: number): DefenceCost {
	const points =
		id === 'smoothing'
			? [
					{ setting: 'n = 100', ms: 9, value: 0.8, gain: 0.8 },
					{ setting: 'n = 1,000', ms: 55, value: 0.85, gain: 0.85 }
				]
			: [{ setting: 'on', ms: 2 * (k + 1), value: 0.5, gain: 0.1 * k }];
	return {
		id,
		...DEFENCE_NAMES[id],
		operation: 'prediction of one digit',
		timing: 'median',
		baseline: 'alone',
		baselineMs: k + 1,
		measure: 'accuracy',
		unit: 'share',
		without: 0.3,
		points,
		gainMeaning: 'share won back',
		notes: []
	};
}
const results: DefenceCostResult[] = DEFENCE_COST_IDS.map((id, k) =>
	id === 'prada' ? { id, ...DEFENCE_NAMES[id], error: 'victim failed to train' } : cost(id, k)
);
const privacy: PrivacyPoint[] = [
	{ sigma: null, epsilon: Infinity, accuracy: 0.89, miaAdvantage: 0.19, miaChance: 0.05 },
	{ sigma: 2, epsilon: 1.7, accuracy: 0.65, miaAdvantage: 0.07, miaChance: 0.05 },
	{ sigma: 1, epsilon: 5.4, accuracy: 0.79, miaAdvantage: 0.09, miaChance: 0.05 }
];

type Dataset = { borderColor?: string; label: string; data: { x: number; y: number }[] };
const datasetsOf = (c: { data: { datasets: object[] } }) => c.data.datasets as Dataset[];

const CHARTS = {
	'security against speed': costsConfig(results, PALETTE),
	'privacy against accuracy': privacyConfig(privacy, PALETTE)
};

describe.each(Object.entries(CHARTS))('the %s miniature', (_, config) => {
	it('takes every series colour from the palette', () => {
		for (const d of datasetsOf(config)) expect(SERIES, d.label).toContain(d.borderColor);
	});

	it('tells its legend entries apart without colour: no two share both dash and marker', () => {
		const keys = datasetLegend(config).map(
			(item) => `${item.dash?.join(',') ?? 'no line'}|${item.point ?? 'no marker'}`
		);
		expect(new Set(keys).size).toBe(keys.length);
	});
});

describe('the cost chart', () => {
	const datasets = datasetsOf(CHARTS['security against speed']);

	it('draws one line per measured defence, from its cost without it (at 0) to with it', () => {
		expect(datasets.map((d) => d.label)).toEqual(
			DEFENCE_COST_IDS.filter((id) => id !== 'prada').map((id) => DEFENCE_NAMES[id].name)
		);
		const median = datasets[1];
		expect(median.data).toEqual([
			{ x: 2, y: 0 },
			{ x: 4, y: 0.1 }
		]);
		const smoothing = datasets.find((d) => d.label === DEFENCE_NAMES.smoothing.name)!;
		expect(smoothing.data).toEqual([
			{ x: 3, y: 0 },
			{ x: 9, y: 0.8 },
			{ x: 55, y: 0.85 }
		]);
	});

	it('colours each defence by its place among all results, failures included, as the table does', () => {
		const knn = datasets.find((d) => d.label === DEFENCE_NAMES.knn.name)!;
		expect(knn.borderColor).toBe(PALETTE.series[SERIES_COLOURS[DEFENCE_COST_IDS.indexOf('knn')]]);
	});

	it('puts milliseconds on a log axis and says what the gain is', () => {
		const scales = CHARTS['security against speed'].options.scales as Record<
			string,
			{ type?: string; title: { text: string } }
		>;
		expect(scales.x.type).toBe('logarithmic');
		expect(scales.x.title.text).toContain('ms per operation');
		expect(scales.y.title.text).toBe('protection gained');
	});

	it('label a log axis at powers of ten only (and at 2 and 5 where asked)', () => {
		const label = logTicks().callback;
		expect([0.01, 0.02, 0.1, 1, 3, 10, 1000].map(label)).toEqual([
			'0.01',
			'',
			'0.1',
			'1',
			'',
			'10',
			'1,000'
		]);
		expect([0.2, 0.5, 0.30000000000000004, 2, 5, 20].map(logTicks(true).callback)).toEqual([
			'0.2',
			'0.5',
			'',
			'2',
			'5',
			'20'
		]);
	});
});

describe('the privacy and robustness miniatures', () => {
	it('plot the private runs by epsilon and the non-private one as a line across', () => {
		const [dp, baseline] = datasetsOf(CHARTS['privacy against accuracy']);
		expect(dp.data).toEqual([
			{ x: 1.7, y: 65 },
			{ x: 5.4, y: 79 }
		]);
		expect(baseline.label).toBe('no privacy (89.0 %)');
		expect(new Set(baseline.data.map((p) => p.y))).toEqual(new Set([89]));
	});

	it('put clean and PGD accuracy side by side per model', () => {
		const config = robustnessConfig(
			[
				{ model: 'mnist-cnn', clean: 0.985, attacked: 0.06, digits: 200 },
				{ model: 'mnist-cnn-adv', clean: 0.96, attacked: 0.21, digits: 200 }
			],
			0.1,
			PALETTE
		);
		expect(config.data.labels).toEqual(['CNN', 'FGSM-trained CNN']);
		const [clean, attacked] = config.data.datasets;
		expect(clean.data).toEqual([98.5, 96]);
		expect(attacked.data).toEqual([6, 21]);
		expect(attacked.label).toBe('under PGD, eps 0.1');
	});

	it('write milliseconds with three significant digits', () => {
		expect(formatMs(0.15712)).toBe('0.157 ms');
		expect(formatMs(55.21)).toBe('55.2 ms');
		expect(formatMs(1942.5)).toBe('1,943 ms');
	});
});
