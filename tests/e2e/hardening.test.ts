import { test, expect, expectBackend } from './fixtures';
import { builtPages } from '../../scripts/lib/pages';

const pages = builtPages();

/** Collects uncaught page errors and Content-Security-Policy violations from the start. */
async function watch(page: import('@playwright/test').Page) {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.addInitScript(() => {
		const seen: string[] = [];
		(globalThis as unknown as { __violations: string[] }).__violations = seen;
		document.addEventListener('securitypolicyviolation', (e) =>
			seen.push(`${e.violatedDirective} ${e.blockedURI}`)
		);
	});
	return {
		errors,
		violations: () =>
			page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations)
	};
}

for (const path of pages) {
	test(`/${path} starts with a malformed %-escape and with tfjsflags, and says what it dropped`, async ({
		page,
		backend
	}) => {
		const { errors } = await watch(page);
		await page.goto(`${path}?q=100%&backend=${backend}`);
		await expectBackend(page, backend);
		await expect(page.getByTestId('dropped-params')).toContainText('?q=100%: not a valid %-escape');
		await page.goto(`${path}?backend=${backend}&tfjsflags=DEBUG:true`);
		await expectBackend(page, backend);
		await expect(page.getByTestId('dropped-params')).toContainText(
			'?tfjsflags=DEBUG:true: tfjs engine flags cannot be set from a link'
		);
		expect(page.url()).not.toContain('tfjsflags');
		expect(errors).toEqual([]);
	});

	test(`/${path} runs under the shipped Content-Security-Policy without a violation`, async ({
		page,
		open
	}) => {
		const { errors, violations } = await watch(page);
		const response = await page.goto(`${path}`);
		expect(response?.headers()['x-content-type-options']).toBe('nosniff');
		expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
		expect(response?.headers()['access-control-allow-origin']).toBeUndefined();
		const policy = await page
			.locator('meta[http-equiv="content-security-policy"]')
			.getAttribute('content');
		expect(policy).toContain("script-src 'self'");
		expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
		await open(path);
		await page.waitForLoadState('networkidle');
		expect(await violations()).toEqual([]);
		expect(errors).toEqual([]);
	});
}

test('engine flags in a link cannot move the adversarial lab`s numbers', async ({
	page,
	backend
}) => {
	await page.goto(`labs/adversarial/?digit=0&eps=0.1&backend=${backend}`);
	const flip = page.getByTestId('flip-eps');
	await expect(flip).toContainText(/flips at eps ≥ 0\.\d+/);
	const plain = await flip.textContent();
	await page.goto(
		`labs/adversarial/?digit=0&eps=0.1&backend=${backend}&tfjsflags=WEBGL_FORCE_F16_TEXTURES:true,WEBGL_RENDER_FLOAT32_CAPABLE:false`
	);
	await expect(flip).toContainText(/flips at eps ≥ 0\.\d+/);
	expect(await flip.textContent()).toBe(plain);
	await page.waitForTimeout(500);
	expect(page.url()).not.toContain('tfjsflags');
});

test('a tiny sigma in the link gives an infinite epsilon, not a crash', async ({ page, open }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await open('labs/privacy/?sigma=1e-200');
	await expect(page.getByTestId('epsilon')).toHaveText('∞');
	await page.getByRole('slider').fill('1');
	await expect(page.getByTestId('epsilon')).not.toHaveText('∞');
	expect(errors).toEqual([]);
});
