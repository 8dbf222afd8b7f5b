import { test, expect } from './fixtures';

// The privacy lab's digit model, trained twice (there and again in the inversion lab) with 30
// epochs of DP-SGD: on WASM only, where it takes seconds. The few-photos gallery in
// inversion.test.ts inverts a dense model on both backends.
test('the privacy lab links a digit run to the inversion lab, which retrains the same model and inverts it', async ({
	page,
	open
}) => {
	await open('labs/privacy/?dataset=mnist&sigma=8');
	await page.getByRole('button', { name: 'Train', exact: true }).click();
	await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 90_000 });
	const table = page.getByTestId('runs-table');
	const run = table.getByRole('row', { name: /sigma 8/ });
	const epsilon = (await page.getByTestId('epsilon').textContent())?.trim() ?? '';
	await expect(run).toContainText(epsilon);
	// the non-private baseline is not what the inversion lab trains: no link
	await expect(table.getByRole('row', { name: /non-private/ }).getByRole('link')).toHaveCount(0);

	await run.getByRole('link', { name: 'invert this model' }).click();
	await expect(page).toHaveURL(/labs\/inversion\/\?model=privacy-mlp&sigma=8&seed=1/);
	await expect(page.getByTestId('privacy-epsilon')).toHaveText(epsilon, { timeout: 90_000 });
	await expect(page.getByTestId('privacy-accuracy')).toHaveText(/\d+\.\d %/);
	await page.getByRole('button', { name: 'Gallery: all ten classes' }).click();
	await expect(page.getByTestId('attack-accuracy')).toHaveText(/^\d+ %$/, { timeout: 60_000 });
	await expect(page.getByTestId('recovered-rate')).toHaveText(/^\d+ of 10$/);
	await expect(page.getByTestId('gallery-summary')).toContainText('sigma 8');
	await expect(page.getByRole('alert')).toHaveCount(0);
});
