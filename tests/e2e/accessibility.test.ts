import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { QUESTIONS } from '../../src/lib/quiz/questions';

async function expectNoAxeViolations(page: Page) {
	const { violations } = await new AxeBuilder({ page }).analyze();
	// The rule, where it failed and why, rather than a bare count.
	expect(
		violations.map((v) => ({
			rule: v.id,
			help: v.help,
			nodes: v.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`)
		}))
	).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
	test.describe(`in the ${colorScheme} colour scheme`, () => {
		test.beforeEach(async ({ page }) => {
			await page.emulateMedia({ colorScheme });
		});

		test('the home page passes axe', async ({ page, open }) => {
			await open();
			await expect(page.getByTestId('prediction')).toBeVisible();
			await expectNoAxeViolations(page);
		});

		test('the quiz passes axe, before and after answers are checked', async ({ page }) => {
			await page.goto('quiz/');
			await expect(page.getByRole('button', { name: 'Check answer' }).first()).toBeEnabled();
			await expectNoAxeViolations(page);

			// One right and one wrong answer: the marked options and the feedback in their colours.
			for (const [n, right] of [
				[1, true],
				[2, false]
			] as const) {
				const q = QUESTIONS[n - 1];
				const form = page.getByRole('form', { name: `Question ${n} of ${QUESTIONS.length}` });
				const option = q.options.find((o) => (o.id === q.correct) === right)!;
				await form.getByRole('radio', { name: option.text, exact: true }).check();
				await form.getByRole('button', { name: 'Check answer' }).click();
				await expect(
					form.getByText(right ? 'Correct.' : 'Incorrect.', { exact: true })
				).toBeVisible();
			}
			await expectNoAxeViolations(page);
		});

		test('the not-found page passes axe', async ({ page }) => {
			await page.goto('no-such-page/');
			await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
			await expectNoAxeViolations(page);
		});
	});
}
