import { test, expect } from './fixtures';

test('the home page classifies a held-out digit on the chosen backend', async ({ page, open }) => {
	await open();
	await expect(page.getByRole('heading', { level: 1, name: 'AI Security Lab' })).toBeVisible();
	await expect(page.getByTestId('prediction')).toContainText(
		/Predicted \d with \d+\.\d % confidence/
	);
	await expect(page.getByTestId('last-call')).toContainText(/last call \d+\.\d ms/);
});

test('the backend menu switches backend live and the page keeps working', async ({
	page,
	open,
	backend
}) => {
	await open();
	await expect(page.getByTestId('prediction')).toBeVisible();
	const other = backend === 'wasm' ? 'cpu' : 'wasm';
	await page.getByLabel('Switch backend').selectOption(other);
	await expect(page.getByTestId('backend-name')).toHaveText(other === 'cpu' ? 'CPU' : 'WASM');
	await expect(page).toHaveURL(new RegExp(`backend=${other}`));
	await page.getByRole('button', { name: 'Another digit' }).click();
	await expect(page.getByTestId('prediction')).toContainText(/Predicted \d/);
});

test('the backend chosen in the menu travels with the navigation and survives a reload', async ({
	page,
	open
}) => {
	await open('labs/adversarial/');
	await page.getByLabel('Switch backend').selectOption('cpu');
	await expect(page.getByTestId('backend-name')).toHaveText('CPU');
	await expect(page).toHaveURL(/backend=cpu/);
	await page
		.getByRole('navigation', { name: 'Site' })
		.getByRole('link', { name: 'Data poisoning' })
		.click();
	await expect(page).toHaveURL(/labs\/poisoning\/\?backend=cpu/);
	await page.reload();
	await expect(page.getByTestId('backend-name')).toHaveText('CPU');
});
