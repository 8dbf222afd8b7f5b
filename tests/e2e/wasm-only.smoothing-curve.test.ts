import { test, expect } from './fixtures';

// 100 digits x 1,100 noisy copies: ~5 s on WASM, far longer on SwiftShader's WebGL; the numbers are
// the core's (tests/unit/smoothing.test.ts, tests/slow/certify-cli.test.ts).
test('a certified-accuracy curve per sigma: more noise, larger radii, lower accuracy near zero', async ({
	page,
	open
}) => {
	await open('labs/adversarial/');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted', {
		timeout: 60_000
	});
	for (const sigma of ['0.25', '1']) {
		await page.getByTestId('smoothing-sigma').selectOption(sigma);
		await page.getByTestId('curve-button').click();
		await expect(page.getByTestId('smoothing-status')).toContainText(
			`sigma ${sigma}: 100 digits in`,
			{ timeout: 120_000 }
		);
	}
	const notes = page.getByTestId('curve-notes').getByRole('listitem');
	await expect(notes).toHaveCount(2);
	await expect(notes.first()).toContainText('no radius above 0.62 can be certified');
	await expect(
		page.getByRole('img', { name: /Certified accuracy against L2 radius/ })
	).toBeVisible();
	await expect(page.getByRole('alert')).toHaveCount(0);
});
