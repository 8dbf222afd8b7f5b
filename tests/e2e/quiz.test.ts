import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { ATTEMPT_KEY } from '../../src/lib/quiz/attempt';
import { QUESTIONS, type QuizQuestion } from '../../src/lib/quiz/questions';

const TOTAL = QUESTIONS.length;

/** Opens the quiz and waits for hydration: the Check buttons stay disabled until the script runs. */
async function openQuiz(page: Page) {
	await page.goto('quiz/');
	await expect(page.getByRole('heading', { level: 1, name: 'Knowledge check' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Check answer' }).first()).toBeEnabled();
}

/** The form of question `n` (1-based), named by its legend "Question n of N ...". */
function questionForm(page: Page, n: number): Locator {
	return page.getByRole('form', { name: `Question ${n} of ${TOTAL}` });
}

function optionText(q: QuizQuestion, right: boolean): string {
	const option = q.options.find((o) => (o.id === q.correct) === right);
	if (!option) throw new Error(`question ${q.id} has no ${right ? 'right' : 'wrong'} option`);
	return option.text;
}

async function answer(page: Page, n: number, right: boolean) {
	const form = questionForm(page, n);
	await form.getByRole('radio', { name: optionText(QUESTIONS[n - 1], right), exact: true }).check();
	await form.getByRole('button', { name: 'Check answer' }).click();
}

function score(page: Page): Locator {
	return page.getByRole('region', { name: 'Your score' });
}

/** Every question's options, as "question:option" ids, in the order the page shows them. */
async function shownOrder(page: Page): Promise<string[]> {
	return page
		.getByRole('radio')
		.evaluateAll((radios) =>
			radios.map(
				(radio) => `${(radio as HTMLInputElement).name}:${(radio as HTMLInputElement).value}`
			)
		);
}

/** How many pixels of the viewport `locator` covers. */
async function coveredHeight(locator: Locator): Promise<number> {
	return locator.evaluate((el) => {
		const box = el.getBoundingClientRect();
		return Math.max(0, Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0));
	});
}

test('a right then a wrong answer give the right feedback and a score of 1 of 2 so far', async ({
	page
}) => {
	await openQuiz(page);
	const [first, second] = QUESTIONS;

	await answer(page, 1, true);
	const form1 = questionForm(page, 1);
	await expect(form1.getByText('Correct.', { exact: true })).toBeVisible();
	await expect(form1.getByText(first.explanation)).toBeVisible();
	await expect(
		form1.getByRole('link', { name: 'See it live in the Adversarial examples lab' })
	).toHaveAttribute('href', /labs\/adversarial\/$/);
	// The checked answer is final: its radios are locked.
	for (const radio of await form1.getByRole('radio').all()) await expect(radio).toBeDisabled();
	await expect(score(page)).toContainText('1 of 1 so far');

	await answer(page, 2, false);
	const form2 = questionForm(page, 2);
	await expect(form2.getByText('Incorrect.', { exact: true })).toBeVisible();
	await expect(form2).toContainText(`The answer is: ${optionText(second, true)}`);
	await expect(form2.getByText(second.explanation)).toBeVisible();
	await expect(
		form2.getByRole('link', { name: 'See it live in the Data poisoning lab' })
	).toHaveAttribute('href', /labs\/poisoning\/$/);

	await expect(score(page)).toContainText(`1 of 2 so far; 2 of ${TOTAL} questions answered`);
});

test('checking without choosing asks for an answer and scores nothing', async ({ page }) => {
	await openQuiz(page);
	const form = questionForm(page, 1);
	await form.getByRole('button', { name: 'Check answer' }).click();
	await expect(form).toContainText('Choose an answer first, then check it.');
	await expect(score(page)).toContainText('0 of 0 so far');
});

test('completing the quiz shows the final score of the answers given, and Retry resets it', async ({
	page
}) => {
	await openQuiz(page);
	// Right on every question whose position is not a multiple of 3.
	let expected = 0;
	for (let n = 1; n <= TOTAL; n++) {
		const right = n % 3 !== 0;
		if (right) expected++;
		await answer(page, n, right);
		await expect(
			questionForm(page, n).getByText(right ? 'Correct.' : 'Incorrect.', { exact: true })
		).toBeVisible();
	}
	await expect(score(page)).toContainText(`Final score: ${expected} of ${TOTAL}`);
	await expect(page.getByRole('button', { name: 'Check answer' })).toHaveCount(0);

	await score(page).getByRole('button', { name: 'Retry' }).click();
	await expect(score(page)).toContainText(`0 of 0 so far; 0 of ${TOTAL} questions answered`);
	await expect(score(page)).not.toContainText('Final score');
	await expect(page.getByRole('button', { name: 'Check answer' })).toHaveCount(TOTAL);
	await expect(page.getByText('Correct.', { exact: true })).toHaveCount(0);
	await expect(page.getByText('Incorrect.', { exact: true })).toHaveCount(0);
	for (const radio of await page.getByRole('radio').all()) {
		await expect(radio).not.toBeChecked();
		await expect(radio).toBeEnabled();
	}
	// Retry puts the learner back at the first question.
	await expect(questionForm(page, 1).getByRole('radio').first()).toBeFocused();

	// And the quiz scores afresh.
	await answer(page, 1, true);
	await expect(score(page)).toContainText('1 of 1 so far');
});

test('the quiz works from the keyboard alone', async ({ page }) => {
	await openQuiz(page);
	const [first] = QUESTIONS;
	const form = questionForm(page, 1);
	const radios = form.getByRole('radio');
	const firstRadio = radios.first();

	// Tab from the top of the page until the first question's radio group has focus.
	for (let i = 0; i < 40; i++) {
		if (await firstRadio.evaluate((el) => el === document.activeElement)) break;
		await page.keyboard.press('Tab');
	}
	await expect(firstRadio).toBeFocused();

	// Space selects the focused option; the arrow keys move the selection within the group.
	await page.keyboard.press('Space');
	await expect(firstRadio).toBeChecked();
	const shown = await radios.evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
	const correctIndex = shown.indexOf(first.correct);
	for (let i = 0; i < correctIndex; i++) await page.keyboard.press('ArrowDown');
	const correctRadio = form.getByRole('radio', { name: optionText(first, true), exact: true });
	await expect(correctRadio).toBeChecked();
	await expect(correctRadio).toBeFocused();

	// Tab leaves the group for the Check button; Enter checks.
	await page.keyboard.press('Tab');
	const check = form.getByRole('button', { name: 'Check answer' });
	await expect(check).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(form.getByText('Correct.', { exact: true })).toBeVisible();
	await expect(score(page)).toContainText('1 of 1 so far');

	// Focus stays in the question's feedback: the next Tab reaches its lab link, the one after
	// that the next question.
	await page.keyboard.press('Tab');
	await expect(
		form.getByRole('link', { name: 'See it live in the Adversarial examples lab' })
	).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(questionForm(page, 2).getByRole('radio').first()).toBeFocused();
});

test('answers, their feedback and the option order survive a reload; Retry starts a new order', async ({
	page
}) => {
	await openQuiz(page);
	const [first, second] = QUESTIONS;
	const order = await shownOrder(page);
	await answer(page, 1, true);
	await answer(page, 2, false);
	await expect(score(page)).toContainText('1 of 2 so far');

	await openQuiz(page);
	const form1 = questionForm(page, 1);
	const form2 = questionForm(page, 2);
	await expect(form1.getByText('Correct.', { exact: true })).toBeVisible();
	await expect(form1.getByText(first.explanation)).toBeVisible();
	await expect(form1.getByRole('radio', { name: optionText(first, true) })).toBeChecked();
	for (const radio of await form1.getByRole('radio').all()) await expect(radio).toBeDisabled();
	await expect(form2.getByText('Incorrect.', { exact: true })).toBeVisible();
	await expect(form2).toContainText(`The answer is: ${optionText(second, true)}`);
	await expect(form2.getByRole('radio', { name: optionText(second, false) })).toBeChecked();
	await expect(score(page)).toContainText(`1 of 2 so far; 2 of ${TOTAL} questions answered`);
	expect(await shownOrder(page)).toEqual(order);

	await score(page).getByRole('button', { name: 'Retry' }).click();
	await expect(score(page)).toContainText('0 of 0 so far');
	const retried = await shownOrder(page);
	expect(retried).not.toEqual(order);

	// The new attempt is the one the browser keeps.
	await openQuiz(page);
	expect(await shownOrder(page)).toEqual(retried);
	await expect(score(page)).toContainText(`0 of 0 so far; 0 of ${TOTAL} questions answered`);
	await expect(page.getByText('Correct.', { exact: true })).toHaveCount(0);
});

test('a corrupted stored attempt is ignored: the quiz starts afresh and scores', async ({
	page
}) => {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	await page.addInitScript((key) => localStorage.setItem(key, '{"version":1,"seed":'), ATTEMPT_KEY);
	await openQuiz(page);
	await expect(score(page)).toContainText(`0 of 0 so far; 0 of ${TOTAL} questions answered`);
	await answer(page, 1, true);
	await expect(score(page)).toContainText('1 of 1 so far');
	expect(errors).toEqual([]);
});

test('at phone size (390x844) the score bar covers at most 60 px while reading a question', async ({
	page
}) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await openQuiz(page);
	await questionForm(page, 7).scrollIntoViewIfNeeded();
	await expect(questionForm(page, 7)).toBeInViewport();
	expect(await coveredHeight(score(page))).toBeLessThanOrEqual(60);

	// The score is still there at the end of the quiz.
	await score(page).scrollIntoViewIfNeeded();
	await expect(score(page)).toContainText('0 of 0 so far');
});

test('at laptop size (1280x720) the score bar stays in view while reading a question', async ({
	page
}) => {
	await page.setViewportSize({ width: 1280, height: 720 });
	await openQuiz(page);
	await questionForm(page, 7).scrollIntoViewIfNeeded();
	await expect(score(page)).toBeInViewport();
	await expect(questionForm(page, 7)).toBeInViewport();
});
