import AxeBuilder from '@axe-core/playwright';
import { test, expect, hooks } from './fixtures';

// The lesson's trade-off miniatures measure on the backend (unlike the rest of /learn), so this
// file runs on WebGL and on WASM. Software WebGL takes minutes for the cost table.
test.describe.configure({ timeout: 1_800_000 });

const LONG = { timeout: 1_500_000 };

test('each trade-off miniature renders with numbers', async ({ page, open, backend }) => {
	await open('learn/');
	const label = { webgl: 'WebGL', wasm: 'WASM' }[backend];

	// privacy against utility: the accountant's epsilon is there before anything is trained
	const privacy = page.getByTestId('trade-off-privacy-utility');
	const privacyTable = privacy.getByTestId('privacy-table');
	await expect(privacyTable.getByRole('row', { name: /^1 / })).toContainText('5.37');
	await expect(privacyTable.getByRole('row', { name: /none/ })).toContainText('∞');
	await privacy.getByRole('button', { name: 'Train at each noise level' }).click();
	await expect(privacy.getByTestId('status-privacy')).toContainText(`done on ${label}`, LONG);
	for (const row of await privacyTable.getByRole('row').all())
		if (!(await row.getByRole('columnheader').count()))
			await expect(row).toContainText(/\d+\.\d %\s*0\.\d{3}/);
	await expect(
		privacy.getByRole('img', { name: /Held-out accuracy against epsilon/ })
	).toBeVisible();

	// robustness against accuracy: clean and PGD accuracy for every model; a second run leaks nothing
	const robustness = page.getByTestId('trade-off-robustness-accuracy');
	const attack = robustness.getByRole('button', { name: 'Attack each model' });
	await attack.click();
	const robustnessStatus = robustness.getByTestId('status-robustness');
	await expect(robustnessStatus).toContainText(`done on ${label}`, LONG);
	const table = robustness.getByTestId('robustness-table');
	await expect(table.getByRole('row')).toHaveCount(6);
	await expect(table.getByRole('row', { name: /^Small CNN/ })).toContainText(
		/\d+\.\d %.*\d+\.\d %/
	);
	await expect(table.getByRole('row', { name: /^Adversarially trained CNN/ })).toContainText(
		/\d+\.\d %.*\d+\.\d %/
	);
	const tensors = await hooks(page).numTensors();
	await attack.click();
	await expect(robustnessStatus).toContainText('PGD', LONG);
	await expect(robustnessStatus).toContainText(`done on ${label}`, LONG);
	expect(await hooks(page).numTensors()).toBe(tensors);

	// security against speed: every defence timed with and without, with what it buys
	const costs = page.getByTestId('trade-off-security-speed');
	const measure = costs.getByRole('button', { name: 'Measure every defence' });
	// Cancel frees the card at once, with a progress bar until then
	await measure.click();
	await expect(costs.getByRole('progressbar')).toBeVisible();
	await costs.getByRole('button', { name: 'Cancel' }).click();
	await expect(costs.getByTestId('status-costs')).toHaveText(
		'cancelled; finished measurements stay'
	);
	await expect(costs.getByRole('progressbar')).toHaveCount(0);
	await measure.click();
	await expect(costs.getByTestId('status-costs')).toContainText(`done on ${label}`, LONG);
	const rows = costs.getByTestId('costs-table').locator('tbody tr');
	await expect(rows).toHaveCount(7);
	for (const row of await rows.all()) {
		await expect(row).not.toContainText('Not measured');
		await expect(row).toContainText(/\d ms per .*\d ms \(\d+(\.\d+)?×\)/);
		await expect(row.getByRole('link', { name: /^in the .* lab$/ })).toBeVisible();
	}
	await expect(rows.filter({ hasText: 'PRADA' })).toContainText(/alarm at query \d+|no alarm/);
	await expect(rows.filter({ hasText: 'Randomized smoothing' })).toContainText('n = 1,000');
	await expect(
		costs.getByRole('img', { name: /Protection gained against milliseconds per operation/ })
	).toBeVisible();

	// transparency against security: one explained answer against equation solving, the MLP copied
	// with and without gradients, and the auditor's ranking
	const transparency = page.getByTestId('trade-off-transparency-security');
	await transparency.getByRole('button', { name: 'Steal with and without explanations' }).click();
	await expect(transparency.getByTestId('status-transparency')).toContainText(
		`done on ${label}`,
		LONG
	);
	await expect(transparency.getByTestId('transparency-logreg')).toContainText(
		/1 explained query.*largest error \d\.\de-\d+.*equation solving needed 11 queries/s
	);
	await expect(transparency.getByTestId('transparency-table').locator('tbody tr')).toHaveCount(8);
	for (const row of await transparency.getByTestId('transparency-table').locator('tbody tr').all())
		await expect(row).toContainText(/\d+\.\d %\s*\d+\.\d %/);
	await expect(transparency.getByTestId('transparency-saving')).toContainText(
		/ends at \d+\.\d % agreement\s+after [\d,]+ queries/
	);
	await expect(transparency.getByTestId('transparency-audit')).toContainText(
		'relies most on amount compared with usual (higher raises P(fraud))'
	);
	await expect(
		transparency.getByRole('img', { name: /Agreement of a copy of the fraud MLP/ })
	).toBeVisible();
	await expect(page.getByRole('alert')).toHaveCount(0);

	// with every table and chart on screen: axe passes in both colour schemes, and a phone's page
	// does not scroll sideways
	for (const [colorScheme, viewport] of [
		['light', { width: 1366, height: 768 }],
		['dark', { width: 1366, height: 768 }],
		['light', { width: 390, height: 844 }],
		['dark', { width: 390, height: 844 }]
	] as const) {
		await page.emulateMedia({ colorScheme });
		await page.setViewportSize(viewport);
		await page.evaluate(
			() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
		);
		const { violations } = await new AxeBuilder({ page }).analyze();
		expect(
			violations.map((v) => ({
				rule: v.id,
				nodes: v.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`)
			})),
			`${colorScheme}, ${viewport.width}x${viewport.height}`
		).toEqual([]);
		const { scrollWidth, innerWidth } = await page.evaluate(() => ({
			scrollWidth: document.documentElement.scrollWidth,
			innerWidth: window.innerWidth
		}));
		expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
	}
});

test('the trade-offs link to the lab sections that show them', async ({ page, open }) => {
	await open('learn/');
	const targets = [
		['privacy-utility', /labs\/privacy\/.*#tradeoff-title$/],
		['robustness-accuracy', /labs\/adversarial\/.*#curves-title$/],
		['security-speed', /labs\/adversarial\/.*#smoothing-title$/]
	] as const;
	for (const [id, href] of targets) {
		const link = page.getByTestId(`trade-off-${id}`).getByRole('link', { name: /^See it in/ });
		await expect(link).toHaveAttribute('href', href);
	}
	await page
		.getByTestId('trade-off-security-speed')
		.getByRole('link', { name: /^See it in/ })
		.click();
	await expect(page.locator('#smoothing-title')).toBeVisible();
});
