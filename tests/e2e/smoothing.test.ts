import { test, expect, hooks } from './fixtures';

test('randomized smoothing certifies the digit on screen with a radius, or says it abstains', async ({
	page,
	open
}) => {
	await open('labs/adversarial/');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted', {
		timeout: 60_000
	});
	const before = await hooks(page).numTensors();
	await page.getByTestId('smoothing-sigma').selectOption('0.5');
	await page.getByTestId('certify-button').click();
	const cert = page.getByTestId('certificate');
	await expect(cert).toContainText(
		/Sigma 0\.5: (smoothed prediction \d, certified L2 radius \d\.\d{3} \(\d+ of 1000 noisy copies|the smoothed classifier abstains)/,
		{ timeout: 60_000 }
	);
	await expect(page.getByRole('alert')).toHaveCount(0);
	// the base CNN stays loaded in the runtime's cache; the certificate itself leaves nothing
	await page.getByTestId('certify-button').click();
	await expect(page.getByTestId('smoothing-status')).toContainText('certified in', {
		timeout: 60_000
	});
	const after = await hooks(page).numTensors();
	await page.getByTestId('certify-button').click();
	await expect(page.getByTestId('smoothing-status')).toContainText('certified in', {
		timeout: 60_000
	});
	expect(await hooks(page).numTensors()).toBe(after);
	expect(after).toBeGreaterThan(before);
});
