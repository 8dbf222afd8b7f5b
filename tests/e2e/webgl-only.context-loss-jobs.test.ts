import { test, expect, hooks } from './fixtures';

// Runs in the webgl project only: a WebGL context is lost while each lab's long job runs. The
// job must end with a message (its tensors went with the context), its panel must be usable at
// once, and the page must hold no more tensors than before once it has settled on WASM.

async function settledTensors(page: import('@playwright/test').Page) {
	let last = -1;
	for (let i = 0; i < 20; i++) {
		const now = await hooks(page).numTensors();
		if (now === last) return now;
		last = now;
		await page.waitForTimeout(250);
	}
	return last;
}

const STOPPED = /stopped: the GPU context was lost/;

test('adversarial: robustness curves stop, the panel is free, no tensors are left behind', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?digit=0&attack=pgd&samples=200');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted');
	const before = await settledTensors(page);
	await page.getByRole('button', { name: 'Run curves' }).click();
	await expect(page.getByLabel('Robustness curves progress')).toBeVisible();
	expect(await hooks(page).loseWebGLContext()).toBe(true);
	await expect(page.getByTestId('backend-name')).toHaveText('WASM');
	await expect(page.getByTestId('curve-status')).toContainText(STOPPED);
	await expect(page.getByRole('button', { name: 'Run curves' })).toBeEnabled();
	await expect(page.getByTestId('prediction-after')).toContainText('predicted');
	// The page settles on WASM with the models reloaded; a leak would keep the count above it.
	// (The count before can hold a prediction's transient tensors, so it is an upper bound.)
	await expect
		.poll(() => hooks(page).numTensors(), { timeout: 30_000 })
		.toBeLessThanOrEqual(before);
});

test('poisoning: the MLP sweep and a backdoor run stop and free their panels', async ({
	page,
	open
}) => {
	await open('labs/poisoning/?model=mlp');
	await expect(page.getByTestId('train-status')).toContainText('labels flipped', {
		timeout: 60_000
	});
	await page.getByRole('button', { name: 'Run sweep' }).click();
	await expect(page.getByTestId('sweep-status')).toContainText('Sweeping');
	expect(await hooks(page).loseWebGLContext()).toBe(true);
	await expect(page.getByTestId('sweep-status')).toContainText(/Stopped: the GPU context was lost/);
	await expect(page.getByRole('button', { name: 'Run sweep' })).toBeEnabled();

	await page.getByRole('button', { name: 'Train at p' }).click();
	await expect(page.getByTestId('backdoor-status')).toContainText('training at p');
	// a second loss would need WebGL back: switch to it first
	await page.getByLabel('Switch backend').selectOption('webgl');
	await expect(page.getByTestId('backend-name')).toHaveText('WebGL');
	await expect(page.getByTestId('backdoor-status')).toContainText(/stopped: the backend changed/);
	await page.getByRole('button', { name: 'Train at p' }).click();
	await expect(page.getByTestId('backdoor-status')).toContainText('training at p');
	expect(await hooks(page).loseWebGLContext()).toBe(true);
	await expect(page.getByTestId('backdoor-status')).toContainText(STOPPED);
	await expect(page.getByRole('button', { name: 'Train at p' })).toBeEnabled();
});

test('extraction and privacy: a steal and a training run stop and free their panels', async ({
	page,
	open
}) => {
	await open('labs/extraction/?victim=fraud-mlp&budget=20000');
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await page.getByRole('button', { name: 'Steal with Jacobian augmentation' }).click();
	await expect(page.getByLabel('Attack progress')).toBeVisible();
	expect(await hooks(page).loseWebGLContext()).toBe(true);
	await expect(page.getByTestId('attack-status')).toContainText(STOPPED);
	await expect(page.getByRole('button', { name: 'Steal with random queries' })).toBeEnabled();

	await open('labs/privacy/?epochs=200&dataset=mnist');
	await page.getByTestId('train-button').click();
	await expect(page.getByLabel('Training progress')).toBeVisible();
	expect(await hooks(page).loseWebGLContext()).toBe(true);
	await expect(page.getByTestId('train-status')).toContainText(STOPPED);
	await expect(page.getByTestId('train-button')).toBeEnabled();
});

test('ten lost contexts leave the tensor count where it was', async ({ page, open }) => {
	await open();
	await expect(page.getByTestId('prediction')).toContainText(/Predicted \d/);
	const before = await settledTensors(page);
	for (let i = 0; i < 10; i++) {
		await page.getByLabel('Switch backend').selectOption('webgl');
		await expect(page.getByTestId('backend-name')).toHaveText('WebGL');
		await expect(page.getByTestId('prediction')).toContainText(/Predicted \d/);
		await hooks(page).loseWebGLContext();
		await expect(page.getByTestId('backend-name')).toHaveText('WASM');
		await expect(page.getByTestId('prediction')).toContainText(/Predicted \d/);
	}
	expect(await settledTensors(page)).toBe(before);
});
