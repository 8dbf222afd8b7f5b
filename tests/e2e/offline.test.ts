import { test, expect, expectBackend } from './fixtures';
import { builtPages } from '../../scripts/lib/pages';

test.use({ serviceWorkers: 'allow' });

/** The first visit: the service worker installs and takes the page over. */
async function visitOnce(page: import('@playwright/test').Page, backend: string) {
	await page.goto(`?backend=${backend}`);
	await page.waitForFunction(async () => {
		const registration = await navigator.serviceWorker.ready;
		return registration.active !== null;
	});
	await page.reload();
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test('after one visit every page loads with the network off, and each lab does its main work', async ({
	page,
	context,
	backend
}) => {
	test.setTimeout(240_000);
	await visitOnce(page, backend);
	await context.setOffline(true);
	for (const path of builtPages()) {
		await page.goto(`${path}?backend=${backend}`);
		await expectBackend(page, backend);
		await expect(page.locator('h1').first()).toBeVisible();
	}
	// each lab's main action, offline
	await page.goto(`labs/adversarial/?digit=0&eps=0.3&backend=${backend}`);
	await expect(page.getByTestId('prediction-after')).toContainText('flipped');
	await page.goto(`labs/poisoning/?rate=0.5&backend=${backend}`);
	await expect(page.getByTestId('train-status')).toContainText('labels flipped', {
		timeout: 60_000
	});
	await page.goto(`labs/extraction/?victim=fraud-logreg&backend=${backend}`);
	await expect(page.getByTestId('victim-accuracy')).toContainText(/\d+\.\d %/, { timeout: 60_000 });
	await page.getByRole('button', { name: 'Equation solving' }).click();
	await expect(page.getByTestId('equation-summary')).toContainText('11 queries');
	await page.goto(`labs/privacy/?epochs=2&backend=${backend}`);
	await page.getByTestId('train-button').click();
	await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 120_000 });
	// in the lab's worker, whose chunks and WASM binaries came from the cache too
	await expect(page.getByTestId('train-where')).toContainText('ran in a background worker');
	await context.setOffline(false);
});

test('the app can be installed: a manifest with icons, and a service worker', async ({ page }) => {
	await page.goto('');
	const href = await page.locator('link[rel="manifest"]').getAttribute('href');
	const manifest = await (await page.request.get(new URL(href!, page.url()).href)).json();
	expect(manifest.name).toBe('AI Security Lab');
	expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(
		expect.arrayContaining(['192x192', '512x512'])
	);
	await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null);
});
