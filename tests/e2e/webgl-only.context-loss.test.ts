import { test, expect, hooks } from './fixtures';

// Runs in the webgl project only (see playwright.config.ts): it needs a WebGL context to lose.
test('a lost WebGL context moves the page to WASM and keeps its state', async ({ page, open }) => {
	await open();
	const prediction = page.getByTestId('prediction');
	await expect(prediction).toBeVisible();
	await page.getByRole('button', { name: 'Another digit' }).click();
	await expect(prediction).toBeVisible();
	const digitLabel = await page.getByRole('img').getAttribute('aria-label');
	const lost = await hooks(page).loseWebGLContext();
	expect(lost).toBe(true);
	await expect(page.getByTestId('backend-name')).toHaveText('WASM');
	await expect(page.getByRole('alert')).toContainText('The WebGL context was lost');
	// same digit as before, classified again on the new backend
	await expect(page.getByRole('img')).toHaveAttribute('aria-label', digitLabel!);
	await expect(prediction).toContainText(/Predicted \d/);
	// and WebGL can be chosen again afterwards, on a fresh context
	await page.getByLabel('Switch backend').selectOption('webgl');
	await expect(page.getByTestId('backend-name')).toHaveText('WebGL');
	await page.getByRole('button', { name: 'Another digit' }).click();
	await expect(prediction).toContainText(/Predicted \d/);
});

test('a lost WebGL context in the adversarial lab keeps the digit, eps and attack', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?digit=0&eps=0.3&attack=fgsm');
	const after = page.getByTestId('prediction-after');
	await expect(after).toContainText('flipped');
	await hooks(page).loseWebGLContext();
	await expect(page.getByTestId('backend-name')).toHaveText('WASM');
	await expect(page.getByTestId('eps-value')).toHaveText('0.300');
	await expect(page.getByTestId('source-name')).toHaveText('test image 0 (a 2)');
	await expect(after).toContainText('flipped');
	await page.getByRole('slider').fill('0');
	await expect(after).not.toContainText('flipped');
});
