import { test, expect } from './fixtures';
import { builtPages } from '../../scripts/lib/pages';

const pages = builtPages();

test('the build has the home page and the models page', () => {
	expect(pages).toEqual(expect.arrayContaining(['', 'models/']));
});

for (const path of pages) {
	test(`/${path} requests nothing outside its own origin`, async ({ page, open, baseURL }) => {
		const origin = new URL(baseURL!).origin;
		const foreign: string[] = [];
		page.on('request', (request) => {
			const url = new URL(request.url());
			if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) {
				foreign.push(request.url());
			}
		});
		await open(path);
		await page.waitForLoadState('networkidle');
		expect(foreign).toEqual([]);
	});
}

test('the site is cross-origin isolated, so WASM loads its threaded SIMD build', async ({
	page,
	open,
	backend
}) => {
	const binaries: string[] = [];
	page.on('request', (r) => {
		if (r.url().endsWith('.wasm')) binaries.push(new URL(r.url()).pathname);
	});
	await open();
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
	if (backend === 'wasm') {
		await expect(page.getByText('(SIMD, threaded)')).toBeVisible();
		expect(binaries).toEqual([
			expect.stringMatching(/tfjs-backend-wasm-threaded-simd\.[\w-]+\.wasm$/)
		]);
	}
});

test('an unknown ?backend= is reported and the lab runs on auto', async ({ page }) => {
	await page.goto('?backend=gpu');
	await expect(page.getByRole('alert')).toContainText(
		'backend "gpu" is not one of auto, webgl, wasm, cpu; using auto'
	);
	await expect(page.getByTestId('prediction')).toBeVisible();
});

test('the bulk noise generator gives the browser the same bytes as Node', async ({
	page,
	open
}) => {
	const { gaussianNoise } = await import('../../src/lib/base/gaussian');
	const node = Array.from(gaussianNoise(2000, 1.5, 424242));
	await open();
	await expect(page.getByTestId('prediction')).toBeVisible();
	const browser = await page.evaluate(() =>
		Array.from(
			(
				globalThis as unknown as {
					__aiLabHooks: {
						runtime: { gaussianNoise(n: number, s: number, seed: number): Float32Array };
					};
				}
			).__aiLabHooks.runtime.gaussianNoise(2000, 1.5, 424242)
		)
	);
	expect(browser).toEqual(node);
	// through its WebAssembly loop (the page's policy allows compiling it)
	expect(
		await page.evaluate(() =>
			(
				globalThis as unknown as { __aiLabHooks: { runtime: { noiseEngine(): string } } }
			).__aiLabHooks.runtime.noiseEngine()
		)
	).toBe('wasm');
});
