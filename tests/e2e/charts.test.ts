import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';

// One page per lab: the empty states first, then a small run, each looked at in the light and the
// dark colour scheme (switched live, as a visitor's system would), without reloading the page.

async function expectChartsPassAxe(page: Page) {
	const { violations } = await new AxeBuilder({ page }).include('figure.lab-chart').analyze();
	expect(
		violations.map((v) => ({
			rule: v.id,
			nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`)
		}))
	).toEqual([]);
}

async function inBothSchemes(page: Page, check: () => Promise<void>) {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await check();
	}
}

/** The sentence a chart shows before it has data, and no plot in its place. */
async function expectEmpty(page: Page, sentence: string | RegExp, plotName: RegExp) {
	await expect(page.locator('figure.lab-chart').getByText(sentence)).toBeVisible();
	await expect(page.getByRole('img', { name: plotName })).toHaveCount(0);
}

/**
 * The drawn chart: named for what it plots (and described by its numbers when `numbers` is
 * given), a canvas at least 200 px high, and a legend of `entries` items under it, not on it.
 */
async function expectPlot(
	page: Page,
	name: RegExp,
	entries: number,
	numbers?: RegExp
): Promise<Locator> {
	const plot = page.getByRole('img', { name });
	await expect(plot).toBeVisible();
	if (numbers) await expect(plot).toHaveAccessibleDescription(numbers);
	const canvas = (await plot.locator('canvas').boundingBox())!;
	expect(canvas.height).toBeGreaterThanOrEqual(200);
	const legend = page
		.locator('figure.lab-chart', { has: plot })
		.getByRole('list', { name: 'Legend' });
	await expect(legend.getByRole('listitem')).toHaveCount(entries);
	expect((await legend.boundingBox())!.y).toBeGreaterThanOrEqual(canvas.y + canvas.height);
	return legend;
}

/** The first legend swatch's colour is the page's own series colour, in the scheme now shown. */
async function expectLegendFollowsScheme(legend: Locator) {
	const seen: string[] = [];
	await inBothSchemes(legend.page(), async () => {
		const { swatch, palette } = await legend.evaluate((list) => {
			const mark = list.querySelector('svg > *')!;
			const style = getComputedStyle(document.documentElement);
			return {
				swatch: mark.getAttribute('stroke') ?? mark.getAttribute('fill'),
				palette: ['blue', 'red', 'green', 'orange', 'purple', 'teal', 'grey'].map((c) =>
					style.getPropertyValue(`--chart-${c}`).trim()
				)
			};
		});
		expect(palette).toContain(swatch);
		seen.push(swatch!);
	});
	expect(seen[1]).not.toBe(seen[0]);
}

test('adversarial: the curves chart starts empty, then draws 5 curves readable in both schemes', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?samples=100');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted');
	await inBothSchemes(page, async () => {
		await expectEmpty(
			page,
			'Run the curves to draw accuracy against eps.',
			/^Accuracy against eps/
		);
		await expectChartsPassAxe(page);
	});
	// the probability chart is drawn as soon as the digit is read
	await expectPlot(page, /^Class probabilities before and after/, 2, /2: \d+\.\d % -> /);

	await page.getByRole('button', { name: 'Run curves' }).click();
	await expect(page.getByTestId('curve-status')).toHaveText('done', { timeout: 120_000 });
	const legend = await expectPlot(
		page,
		/^Accuracy against eps/,
		5,
		/mnist-cnn: \d+\.\d % at eps 0/
	);
	await inBothSchemes(page, () => expectChartsPassAxe(page));
	await expectLegendFollowsScheme(legend);
});

test('privacy: at phone width, the membership-inference chart keeps its height beside a long legend', async ({
	page,
	open
}) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await open('labs/privacy/?epochs=2');
	await inBothSchemes(page, async () => {
		await expectEmpty(page, /^Press Train/, /^Training loss/);
		await expectEmpty(page, /^Train a run to put its accuracy/, /^Held-out accuracy against/);
		await expectEmpty(page, /^Train a run to see how well/, /^Membership-inference/);
		await expectChartsPassAxe(page);
	});

	await page.getByRole('button', { name: 'Train', exact: true }).click();
	await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 90_000 });
	await expectPlot(page, /^Training loss and held-out accuracy/, 2);
	await expectPlot(page, /^Held-out accuracy against epsilon/, 2, /epsilon \d+\.\d+: \d+\.\d %/);
	// runs' AUC and advantage, two bounds, chance and the baseline's AUC and advantage
	const legend = await expectPlot(page, /^Membership-inference/, 7, /AUC 0\.\d\d, advantage/);
	await inBothSchemes(page, () => expectChartsPassAxe(page));
	await expectLegendFollowsScheme(legend);
});

test('poisoning: the sweep chart gains a text alternative; the backdoor chart waits for its first point', async ({
	page,
	open
}) => {
	test.slow();
	await open('labs/poisoning/?bd-train=1000');
	await expect(page.getByTestId('train-status')).toContainText('labels flipped', {
		timeout: 60_000
	});
	const backdoor = page.getByRole('region', { name: 'Backdoor trigger on digits' });
	await inBothSchemes(page, async () => {
		await expectEmpty(
			page,
			/^Run the sweep to draw the chart: Fraud recall/,
			/against the flip rate/
		);
		await expectEmpty(page, /^Train at p or sweep p/, /^Clean accuracy and attack success/);
		await expectChartsPassAxe(page);
	});

	await page.getByRole('button', { name: 'Run sweep' }).click();
	await expect(page.getByTestId('sweep-status')).toContainText('Done', { timeout: 120_000 });
	await expectPlot(
		page,
		/^Fraud recall against the flip rate/,
		3,
		/No defence: \d+\.\d % at flip rate 0\.0 %/
	);
	// the metric picker renames what the chart says it plots
	await page.getByRole('combobox', { name: 'Metric' }).selectOption('f1');
	await expect(page.getByRole('img', { name: /^F1 against the flip rate/ })).toBeVisible();

	await backdoor.getByRole('button', { name: 'Train at p' }).click();
	await expect(backdoor.getByTestId('backdoor-status')).toHaveText('done', { timeout: 300_000 });
	const legend = await expectPlot(
		page,
		/^Clean accuracy and attack success rate against the poisoned share p/,
		2,
		/^p = 5 %: clean accuracy \d+(\.\d)? %, attack success \d+(\.\d)? %$/
	);
	await inBothSchemes(page, () => expectChartsPassAxe(page));
	await expectLegendFollowsScheme(legend);
});

test('extraction: one legend entry per attack, not two per curve, and the transfer chart', async ({
	page,
	open
}) => {
	await open('labs/extraction/?victim=fraud-mlp&budget=300');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await inBothSchemes(page, async () => {
		await expectEmpty(page, /^Run an attack to draw/, /^Agreement and accuracy/);
		await expectEmpty(page, /^Steal a copy first/, /^Transfer success rate/);
		await expectChartsPassAxe(page);
	});

	for (const strategy of ['random queries', 'natural data (other distribution)']) {
		await page.getByRole('button', { name: `Steal with ${strategy}` }).click();
		await expect(page.getByTestId('attack-status')).toContainText('done', { timeout: 120_000 });
	}
	// two attacks and the victim's majority baseline (plus PRADA's entry if it raised an alarm)
	const alarms = await page
		.getByTestId('fidelity-table')
		.getByRole('cell', { name: /alarm at query/ })
		.count();
	const legend = await expectPlot(
		page,
		/^Agreement and accuracy of each stolen copy/,
		3 + (alarms > 0 ? 1 : 0),
		/random queries, full probabilities: after 300 queries, agreement \d+\.\d %/
	);
	await expect(legend.getByRole('listitem')).toContainText([
		'fraud MLP: random queries, full probabilities',
		'fraud MLP: natural data (other distribution), full probabilities'
	]);

	await page.getByRole('button', { name: 'Replay against the victim' }).click();
	await expect(page.getByTestId('transfer-summary')).toContainText('held-out inputs attacked', {
		timeout: 60_000
	});
	await expectPlot(page, /^Transfer success rate against eps/, 2, /eps 0: /);
	await inBothSchemes(page, () => expectChartsPassAxe(page));
	await expectLegendFollowsScheme(legend);
});
