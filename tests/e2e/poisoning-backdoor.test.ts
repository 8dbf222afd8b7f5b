import { test, expect } from './fixtures';

// Training a CNN in the page is slow on WebGL through SwiftShader (no GPU): give these tests room.
test.slow();

const percentIn = (text: string | null) => Number(/([\d.]+) %/.exec(text ?? '')?.[1]);

// BadNets on digits: 10 % of 2,000 training digits carry the trigger and the label 7. The small
// CNN trained in the page learns the backdoor; the clean twin keeps its class.
test('training at p = 10 % adds a point and shows a triggered digit flipping to 7 while its clean twin does not', async ({
	page,
	open
}) => {
	await open('labs/poisoning/?bd-rate=0.1&bd-train=2000');
	const panel = page.getByRole('region', { name: 'Backdoor trigger on digits' });
	await expect(panel.getByLabel('Poisoned share p')).toHaveValue('0.1');
	await expect(panel.getByLabel('Target class K')).toHaveValue('7');
	await panel.getByRole('button', { name: 'Train at p' }).click();
	await expect(
		panel.getByRole('progressbar', { name: 'Backdoor training progress' })
	).toBeVisible();
	await expect(panel.getByTestId('backdoor-status')).toHaveText('done', { timeout: 300_000 });
	await expect(panel.getByRole('alert')).toHaveCount(0);

	const rows = panel.getByTestId('backdoor-table').locator('tbody tr');
	await expect(rows).toHaveCount(1);
	await expect(rows.first().getByRole('rowheader')).toHaveText('10 %');
	await expect(rows.first().locator('td').first()).toHaveText('200');
	expect(percentIn(await rows.first().locator('td').nth(2).textContent())).toBeGreaterThan(80);

	const twin = panel.getByTestId('backdoor-twin');
	await expect(twin.getByTestId('twin-triggered')).toHaveText(
		'with trigger: predicted 7 (flipped to 7)'
	);
	const label = (await twin.getByRole('img').first().getAttribute('aria-label')) ?? '';
	const trueClass = /a (\d), clean/.exec(label)?.[1];
	expect(trueClass).toMatch(/^[0-689]$/);
	await expect(twin.getByTestId('twin-clean')).toHaveText(`clean: predicted ${trueClass}`);
	await expect(page).toHaveURL(/bd-rate=0\.1/);
});

test('a sweep starts with a clean model; cancelling it keeps the points already trained and leaves the panel usable', async ({
	page,
	open
}) => {
	await open('labs/poisoning/?bd-train=1000');
	const panel = page.getByRole('region', { name: 'Backdoor trigger on digits' });
	await panel.getByRole('button', { name: /^Sweep p/ }).click();
	const rows = panel.getByTestId('backdoor-table').locator('tbody tr');
	await expect(rows).toHaveCount(1, { timeout: 300_000 });
	await panel.getByRole('button', { name: 'Cancel' }).click();
	// the sweep starts at p = 0: no poisoned digit, so the trigger means nothing to the model
	await expect(rows.first().getByRole('rowheader')).toHaveText('0 %');
	await expect(rows.first().locator('td').first()).toHaveText('0');
	expect(percentIn(await rows.first().locator('td').nth(2).textContent())).toBeLessThan(10);
	await expect(panel.getByTestId('backdoor-status')).toHaveText(
		'cancelled; the finished points stay'
	);
	// the run in flight stops; what finished stays (a point may have landed just before the click)
	const kept = await rows.count();
	expect(kept).toBeGreaterThanOrEqual(1);
	expect(kept).toBeLessThan(6);
	await expect(panel.getByRole('button', { name: 'Train at p' })).toBeEnabled();
});
