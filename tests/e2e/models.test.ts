import { test, expect } from './fixtures';

test('each shipped model classifies the held-out digits at the accuracy on its card', async ({
	page,
	open
}) => {
	await open('models/');
	await page.getByRole('button', { name: 'Check all three models' }).click();
	for (const id of ['mnist-softmax', 'mnist-cnn', 'mnist-cnn-adv']) {
		const card = page.getByTestId(`model-${id}`);
		await expect(card.getByTestId('measured')).toContainText('matches the card', {
			timeout: 90_000
		});
		const measured = await card.getByTestId('measured-accuracy').textContent();
		const onCard = await card.getByTestId('card-accuracy').textContent();
		const value = (s: string | null) => Number(/([\d.]+) %/.exec(s ?? '')?.[1]);
		expect(Math.abs(value(measured) - value(onCard))).toBeLessThanOrEqual(0.25);
	}
});

test('the models page says what each backend cannot do', async ({ page, open }) => {
	await open('models/');
	const table = page.getByRole('table');
	await expect(table.getByRole('rowheader', { name: 'WASM' })).toBeVisible();
	await expect(table).toContainText('Conv2DBackpropFilter');
	await expect(page.getByText(/This browser's WebGL renderer/)).toBeVisible();
});
