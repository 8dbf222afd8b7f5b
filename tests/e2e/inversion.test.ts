import { test, expect } from './fixtures';

test('the gallery inverts all ten classes of the few-photos model and scores them', async ({
	page,
	open
}) => {
	await open('labs/inversion/?model=few-shot&k=5&steps=60');
	await expect(page.getByTestId('few-shot-accuracy')).toHaveText(/\d+\.\d %/);
	await expect(page.getByTestId('evaluator-accuracy')).toHaveText(/\d+\.\d %/);
	await page.getByRole('button', { name: 'Gallery: all ten classes' }).click();
	await expect(page.getByTestId('attack-accuracy')).toHaveText(/^\d+ %$/);

	const cells = page.getByTestId('gallery-cell');
	await expect(cells).toHaveCount(10);
	for (const cls of [0, 9]) {
		const cell = cells.nth(cls);
		await expect(cell.getByRole('img', { name: `inversion of class ${cls}` })).toBeVisible();
		await expect(
			cell.getByRole('img', { name: `mean training digit of class ${cls}` })
		).toBeVisible();
		await expect(cell.getByTestId('cell-confidence')).toHaveText(/\d+\.\d %/);
		await expect(cell.getByTestId('cell-evaluator')).toHaveText(/\d/);
		await expect(cell.getByRole('img', { name: `nearest training of class ${cls}` })).toBeVisible();
		await expect(cell.getByRole('img', { name: `nearest held-out of class ${cls}` })).toBeVisible();
		await expect(cell.getByTestId('cell-recovered')).toContainText('Nearest digit overall');
	}
	await expect(page.getByRole('img', { name: /^inversion of class \d$/ })).toHaveCount(10);
	await expect(page.getByTestId('recovered-rate')).toHaveText(/^\d+ of 10$/);
	await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a bad value in the link is shown beside its field and holds the run', async ({
	page,
	open
}) => {
	await open('labs/inversion/?steps=0&k=7');
	const steps = page.getByRole('spinbutton', { name: 'Steps (alpha)' });
	await expect(steps).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByRole('alert').filter({ hasText: '?steps=0' })).toContainText(
		'must be a whole number from 1 to 5000'
	);
	await expect(page.getByRole('combobox', { name: 'Photos per class' })).toHaveAttribute(
		'aria-invalid',
		'true'
	);
	await expect(page.getByRole('alert').filter({ hasText: '?k=7' })).toContainText(
		'must be one of 1, 5, 20, 100'
	);
	const gallery = page.getByRole('button', { name: 'Gallery: all ten classes' });
	await expect(gallery).toBeDisabled();
	await expect(page.getByRole('button', { name: /^Invert class/ })).toBeDisabled();

	// fixing one field leaves the other holding the run; keeping the defaults releases it
	await steps.fill('40');
	await expect(page.getByRole('alert').filter({ hasText: '?steps=0' })).toHaveCount(0);
	await expect(gallery).toBeDisabled();
	await page.getByRole('button', { name: 'keep the defaults shown' }).click();
	await expect(gallery).toBeEnabled();
});
