import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

function siteNav(page: Page) {
	return page.getByRole('navigation', { name: 'Site' });
}

// Each page and the one link of the site header that names it.
const PAGES = [
	{ path: '', link: 'AI Security Lab' },
	{ path: 'labs/adversarial/', link: 'Adversarial examples' },
	{ path: 'labs/privacy/', link: 'Differential privacy' },
	{ path: 'learn/', link: 'Lesson' },
	{ path: 'quiz/', link: 'Quiz' },
	{ path: 'models/', link: 'Models' }
];

for (const { path, link } of PAGES) {
	test(`/${path} marks "${link}", and only it, as the current page`, async ({ page, open }) => {
		await open(path);
		await expect(siteNav(page).getByRole('link', { name: link, exact: true })).toHaveAttribute(
			'aria-current',
			'page'
		);
		await expect(siteNav(page).locator('[aria-current]')).toHaveCount(1);
	});
}

test('the prerendered pages mark the current link before any script runs', async ({ page }) => {
	for (const { path, link } of PAGES) {
		const html = await (await page.request.get(path)).text();
		const nav = html.slice(html.indexOf('<nav'), html.indexOf('</nav>'));
		const current = [...nav.matchAll(/<a\b[^>]*\baria-current="page"[^>]*>([^<]*)<\/a>/g)];
		expect(
			current.map((match) => match[1]),
			`links marked current in /${path}`
		).toEqual([link]);
	}
});

test('following a header link moves the mark to the new page', async ({ page, open }) => {
	await open('quiz/');
	await siteNav(page).getByRole('link', { name: 'Lesson' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'What AI security is' })).toBeVisible();
	await expect(siteNav(page).getByRole('link', { name: 'Lesson' })).toHaveAttribute(
		'aria-current',
		'page'
	);
	await expect(siteNav(page).getByRole('link', { name: 'Quiz' })).not.toHaveAttribute(
		'aria-current'
	);
});

test('the first Tab stop is a skip link, shown on focus, that moves focus to the main content', async ({
	page,
	open
}) => {
	await open('learn/');
	const skip = page.getByRole('link', { name: 'Skip to main content' });
	await expect(skip).not.toBeInViewport();

	await page.keyboard.press('Tab');
	await expect(skip).toBeFocused();
	await expect(skip).toBeInViewport();

	await page.keyboard.press('Enter');
	// Focus is on the page's main landmark (its wrapper), past the header...
	await expect(page.locator(':focus').getByRole('main')).toHaveCount(1);
	// ...so the next Tab reaches the first control inside it, not a header link.
	await page.keyboard.press('Tab');
	await expect(page.getByRole('main').locator(':focus')).toHaveCount(1);
	await expect(siteNav(page).locator(':focus')).toHaveCount(0);
});

test.describe('at phone size (390x844)', () => {
	test.use({ viewport: { width: 390, height: 844 } });

	for (const path of ['', 'quiz/', 'labs/privacy/']) {
		test(`/${path}: the header takes at most two lines and every link can be reached`, async ({
			page,
			open
		}) => {
			await open(path);
			const header = await page.getByRole('banner').boundingBox();
			expect(header!.height).toBeLessThanOrEqual(120);
			for (const link of await siteNav(page).getByRole('link').all()) {
				await link.focus();
				await expect(link).toBeInViewport();
			}
		});
	}

	test('the current page of a long row of links is scrolled into view', async ({ page, open }) => {
		await open('labs/privacy/');
		await expect(siteNav(page).getByRole('link', { name: 'Differential privacy' })).toBeInViewport({
			ratio: 1
		});
	});
});
