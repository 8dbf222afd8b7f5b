import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

/** The not-found page for `path`: the site header, the path asked for, and the way on. */
async function expectNotFoundPage(page: Page, path: string) {
	await expect(page).toHaveTitle('Page not found · AI Security Lab');
	await expect(page.getByRole('navigation', { name: 'Site' })).toBeVisible();
	const main = page.getByRole('main');
	await expect(main.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
	await expect(main).toContainText(`Error 404: there is no page at ${path}.`);
	await expect(main.getByRole('link', { name: 'Home', exact: true })).toBeVisible();
	await expect(main.getByRole('link', { name: 'The lesson' })).toBeVisible();
	for (const lab of [
		'Adversarial examples',
		'Data poisoning',
		'Model extraction',
		'Differential privacy'
	]) {
		await expect(main.getByRole('link', { name: `${lab} lab` })).toBeVisible();
	}
}

test('loading an unknown address answers 404 with the site frame and links on', async ({
	page,
	baseURL
}) => {
	const response = await page.goto('labs/no-such-lab/');
	expect(response?.status()).toBe(404);
	await expectNotFoundPage(page, new URL('labs/no-such-lab/', baseURL).pathname);

	await page.getByRole('main').getByRole('link', { name: 'The lesson' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'What AI security is' })).toBeVisible();
});

test('following a stale link inside the site shows the same page', async ({
	page,
	open,
	baseURL
}) => {
	await open('learn/');
	// A link to a page that is gone, as an old bookmark or an outdated page would have it.
	await page.getByRole('main').evaluate((main) => {
		const link = document.createElement('a');
		link.href = 'retired-page/';
		link.textContent = 'An old link';
		main.append(link);
	});
	await page.getByRole('link', { name: 'An old link' }).click();
	await expectNotFoundPage(page, new URL('learn/retired-page/', baseURL).pathname);
});
