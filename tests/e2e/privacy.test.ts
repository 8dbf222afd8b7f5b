import { test, expect } from './fixtures';

test('moving sigma changes epsilon at once, before anything is trained', async ({ page, open }) => {
	await open('labs/privacy/?sigma=1');
	const eps = page.getByTestId('epsilon');
	await expect(page.getByTestId('sigma-value')).toHaveText('1.00');
	const atOne = Number(await eps.textContent());
	expect(atOne).toBeGreaterThan(1);

	await page.getByRole('slider').fill('4');
	await expect(page.getByTestId('sigma-value')).toHaveText('4.00');
	await expect(eps).not.toHaveText(String(atOne));
	const atFour = Number(await eps.textContent());
	expect(atFour).toBeLessThan(atOne);
	await expect(page).toHaveURL(/sigma=4/);

	await page.getByRole('slider').fill('0');
	await expect(eps).toHaveText('∞');
	await expect(page.getByTestId('tradeoff-count')).toHaveText('0 runs on the chart');
});

test('a training run adds a point to the trade-off chart beside the baseline', async ({
	page,
	open
}) => {
	await open('labs/privacy/?sigma=2&epochs=3');
	await expect(page.getByTestId('tradeoff-count')).toHaveText('0 runs on the chart');
	await page.getByRole('button', { name: 'Train', exact: true }).click();
	await expect(page.getByTestId('live-summary')).toContainText('epoch', { timeout: 60_000 });
	await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 90_000 });
	await expect(page.getByTestId('tradeoff-count')).toHaveText('1 run on the chart');
	const table = page.getByTestId('runs-table');
	await expect(table.getByRole('row', { name: /non-private/ })).toContainText('∞');
	const eps = (await page.getByTestId('epsilon').textContent()) ?? '';
	await expect(table.getByRole('row', { name: /sigma 2/ })).toContainText(eps);
	// the attack's own audit stands below the accountant's guarantee
	const audit = table.getByRole('row', { name: /sigma 2/ }).getByTestId('audit-epsilon');
	await expect(audit).toHaveText(/^\d+\.\d\d$/);
	expect(parseFloat((await audit.textContent())!)).toBeLessThanOrEqual(parseFloat(eps));
	await expect(page.getByTestId('leak-verdict')).toContainText('epsilon');
	// e^eps - 1 is labelled for what it is: pure eps-DP only, not these runs' bound
	await expect(page.getByText(/holds only for pure epsilon-DP \(delta = 0\)/)).toBeVisible();
	await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a bad value in the link is reported and replaced by the default', async ({ page, open }) => {
	await open('labs/privacy/?sigma=banana&batch=9999');
	await expect(page.getByRole('alert').first()).toContainText(
		'?sigma=banana: must be a number from 0 to 10; using 1'
	);
	await expect(page.getByTestId('sigma-value')).toHaveText('1.00');
	await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
});

test('a target epsilon sets the smallest sigma that meets it; a bad target is named and holds the button', async ({
	page,
	open
}) => {
	await open('labs/privacy/?sigma=1');
	const box = page.getByTestId('target-epsilon');
	const button = page.getByTestId('solve-sigma');
	await box.fill('2');
	await button.click();
	await expect(page.getByTestId('solve-note')).toContainText(
		/^sigma \d+\.\d{4} gives epsilon [\d.]+ ≤ 2/
	);
	const eps = parseFloat((await page.getByTestId('epsilon').textContent())!);
	expect(eps).toBeLessThanOrEqual(2);
	expect(eps).toBeGreaterThan(1.9);
	await expect(page).toHaveURL(/sigma=\d+\.\d{3,4}/);

	await box.fill('abc');
	await expect(page.getByTestId('solve-note')).toHaveText(
		'Target epsilon must be a number above 0, got “abc”'
	);
	await expect(box).toHaveAttribute('aria-invalid', 'true');
	await expect(button).toBeDisabled();
	await box.fill('0.2');
	await button.click();
	await expect(page.getByTestId('solve-note')).toHaveText(
		/^Target epsilon 0\.2: needs sigma 31\.29, above this lab's 10/
	);
	// nothing the learner had changed: sigma is still the one that met epsilon 2
	expect(parseFloat((await page.getByTestId('epsilon').textContent())!)).toBe(eps);
});
