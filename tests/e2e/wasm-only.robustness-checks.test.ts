import { test, expect, hooks } from './fixtures';

// 200 digits, FGSM and PGD on two CNNs: ~10 s per run on WASM, minutes on SwiftShader's WebGL.
// The checks' numbers are the core's (tests/unit/robustness-checks.test.ts); here the page runs
// them, says pass or fail with numbers, and leaves nothing behind.
test('the honest check exposes the FGSM-trained CNN: masked under FGSM alone, consistent once PGD is added', async ({
	page,
	open
}) => {
	await open('labs/adversarial/');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted', {
		timeout: 60_000
	});
	const section = page.getByRole('region', { name: 'An honest robustness check' });
	await section.getByLabel('Model', { exact: true }).selectOption('mnist-cnn-adv');
	const run = section.getByRole('button', { name: 'Run the checks' });
	const status = page.getByTestId('checks-status');
	const verdict = (id: string) => page.locator(`[data-check="${id}"]`);

	await run.click();
	await expect(status).toContainText(/\d of 5 checks passed/, { timeout: 120_000 });
	await expect(verdict('monotone')).toHaveAttribute('data-passed', 'false');
	await expect(verdict('monotone')).toContainText('gradients are masked');
	await expect(verdict('unbounded')).toHaveAttribute('data-passed', 'false');
	await expect(verdict('convergence')).toHaveAttribute('data-passed', 'false');
	await expect(page.getByTestId('checks-claim')).toContainText('evaluated with FGSM:');
	const after = await hooks(page).numTensors();

	await section.getByLabel('add PGD-10 to the FGSM evaluation').check();
	await run.click();
	await expect(page.getByTestId('checks-claim')).toContainText('FGSM + PGD, 10 steps', {
		timeout: 120_000
	});
	await expect(status).toContainText(/\d of 5 checks passed/);
	await expect(verdict('monotone')).toHaveAttribute('data-passed', 'true');
	await expect(verdict('unbounded')).toHaveAttribute('data-passed', 'true');
	await expect(verdict('unbounded')).toContainText(/0\.\d %|1\.\d %/);
	await expect(page.getByRole('alert')).toHaveCount(0);
	expect(await hooks(page).numTensors()).toBe(after);
});

test('with a defence the adaptive check runs, and cancel stops the checks with nothing changed', async ({
	page,
	open
}) => {
	await open('labs/adversarial/');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted', {
		timeout: 60_000
	});
	const section = page.getByRole('region', { name: 'An honest robustness check' });
	await section.getByLabel('Defence', { exact: true }).selectOption('median-2');
	await section.getByRole('button', { name: 'Run the checks' }).click();
	await section.getByRole('button', { name: 'Cancel' }).click();
	await expect(page.getByTestId('checks-status')).toContainText('cancelled');
	await expect(page.getByTestId('honest-checks')).toHaveCount(0);
	await section.getByRole('button', { name: 'Run the checks' }).click();
	await expect(page.getByTestId('checks-status')).toContainText(/\d of 6 checks passed/, {
		timeout: 120_000
	});
	await expect(page.locator('[data-check="adaptive"]')).toHaveAttribute('data-passed', 'false');
	await expect(page.locator('[data-check="adaptive"]')).toContainText('2x2 median');
});
