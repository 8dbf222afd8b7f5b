/**
 * Instructor mode in a real browser: the presenter view (button, `p`, ?present kept across
 * links), its large type at projector size, the clicker's keys, every scene of every lab, a
 * lecture script across labs with its speaker-notes window, and a damaged script link.
 */
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { SCENES as ADVERSARIAL_SCENES } from '../../src/lib/labs/adversarial/scenes';
import { SCENES as POISONING_SCENES } from '../../src/lib/labs/poisoning/scenes';
import { SCENES as EXTRACTION_SCENES } from '../../src/lib/labs/extraction/scenes';
import { SCENES as PRIVACY_SCENES } from '../../src/lib/labs/privacy/scenes';
import { SCENES as INVERSION_SCENES } from '../../src/lib/labs/inversion/scenes';

/** A script as the `?script=` parameter: base64url of its JSON (src/lib/present/script.ts). */
const scriptParam = (script: object) => Buffer.from(JSON.stringify(script)).toString('base64url');

/** Collects the page's uncaught errors, to assert there were none. */
function pageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('pageerror', (err) => errors.push(err.message));
	return errors;
}

const px = (page: Page, testId: string) =>
	page
		.getByTestId(testId)
		.first()
		.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

test.describe('presenter view', () => {
	test.use({ viewport: { width: 1280, height: 720 } });

	test('the header button and `p` turn it on and off, and links keep ?present', async ({
		page,
		open
	}) => {
		await open('labs/adversarial/');
		const toggle = page.locator('.present-toggle');
		await expect(toggle).toHaveAttribute('aria-pressed', 'false');
		await toggle.click();
		await expect(toggle).toHaveAttribute('aria-pressed', 'true');
		await expect(page).toHaveURL(/[?&]present/);
		await expect(page.getByTestId('scene-strip')).toBeVisible();
		await page.locator('body').press('p');
		await expect(toggle).toHaveAttribute('aria-pressed', 'false');
		await expect(page).not.toHaveURL(/[?&]present/);
		await page.locator('body').press('p');
		await expect(toggle).toHaveAttribute('aria-pressed', 'true');
		// a link in the header carries the flag to the next page
		await page.getByRole('link', { name: 'Data poisoning' }).first().click();
		await expect(page).toHaveURL(/labs\/poisoning\/\?.*present/);
		await expect(page.locator('.present-toggle')).toHaveAttribute('aria-pressed', 'true');
	});

	test('at 1280x720 the readouts are large, the digit is 224 px, the slider and its effect share the screen', async ({
		page,
		open
	}) => {
		await open('labs/adversarial/?present');
		await expect(page.getByTestId('prediction-after')).toBeVisible();
		for (const id of ['prediction-after', 'prediction-before', 'eps-value'])
			expect(await px(page, id), id).toBeGreaterThanOrEqual(32);
		const legend = page.getByRole('list', { name: 'Legend' }).first();
		await expect(legend).toBeVisible();
		expect(
			await legend.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
		).toBeGreaterThanOrEqual(18);
		const digit = page.locator('.result canvas').first();
		const box = (await digit.boundingBox())!;
		expect(box.width).toBeGreaterThanOrEqual(224);
		const slider = page.getByRole('slider', { name: /eps/ }).first();
		await expect(slider).toBeInViewport();
		await expect(page.getByTestId('prediction-after')).toBeInViewport();
		// nothing wider than the screen
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow).toBeLessThanOrEqual(0);
		// explanations wait behind `e`
		const explain = page.locator('.explain').first();
		await expect(explain).toBeHidden();
		await page.locator('body').press('e');
		await expect(explain).toBeVisible();
		await page.locator('body').press('e');
		await expect(explain).toBeHidden();
	});

	test('readouts are large in every lab', async ({ page, open }) => {
		await open('labs/privacy/?present');
		await expect(page.getByTestId('epsilon').first()).toBeVisible();
		expect(await px(page, 'epsilon')).toBeGreaterThanOrEqual(32);
		await open('labs/extraction/?present');
		expect(await px(page, 'query-counter')).toBeGreaterThanOrEqual(32);
		await open('labs/poisoning/?present');
		await expect(page.getByTestId('poisoned-recall')).not.toHaveText('');
		expect(await px(page, 'poisoned-recall')).toBeGreaterThanOrEqual(32);
	});

	test('the clicker keys move the slider, `?` lists them, and typing in a field is left alone', async ({
		page,
		open
	}) => {
		const errors = pageErrors(page);
		await open('labs/adversarial/?present&eps=0.1');
		const eps = page.getByTestId('eps-value');
		await expect(eps).toHaveText('0.100');
		await page.locator('body').press('ArrowRight');
		await expect(eps).toHaveText('0.110');
		await page.locator('body').press('ArrowDown');
		await page.locator('body').press('ArrowDown');
		await expect(eps).toHaveText('0.090');
		await page.locator('body').press('?');
		const help = page.getByTestId('shortcut-help');
		await expect(help).toBeVisible();
		await expect(help).toContainText('Page Down');
		await page.keyboard.press('Escape');
		await expect(help).toBeHidden();
		// a letter typed into a number field is the field's, not a shortcut
		const field = page.locator('main input[type="number"]').first();
		await field.focus();
		await page.keyboard.press('p');
		await expect(page.locator('.present-toggle')).toHaveAttribute('aria-pressed', 'true');
		expect(errors).toEqual([]);
	});
});

const LABS = [
	{ path: 'labs/adversarial/', scenes: ADVERSARIAL_SCENES },
	{ path: 'labs/poisoning/', scenes: POISONING_SCENES },
	{ path: 'labs/extraction/', scenes: EXTRACTION_SCENES },
	{ path: 'labs/privacy/', scenes: PRIVACY_SCENES },
	{ path: 'labs/inversion/', scenes: INVERSION_SCENES }
];

for (const { path, scenes } of LABS) {
	test(`Page Down steps through every scene of ${path}, Page Up goes back`, async ({
		page,
		open
	}) => {
		const errors = pageErrors(page);
		await open(`${path}?present`);
		await expect(page.getByTestId('scene-strip')).toBeVisible();
		for (const scene of scenes.scenes) {
			await page.locator('body').press('PageDown');
			await expect(page.locator(`[data-scene="${scene.id}"]`)).toHaveAttribute(
				'aria-current',
				'step'
			);
			await expect(page).toHaveURL(new RegExp(`[?&]scene=${scene.id}(&|$)`));
		}
		// past the last scene nothing moves
		await page.locator('body').press('PageDown');
		const last = scenes.scenes[scenes.scenes.length - 1];
		await expect(page.locator(`[data-scene="${last.id}"]`)).toHaveAttribute('aria-current', 'step');
		await page.locator('body').press('PageUp');
		const before = scenes.scenes[scenes.scenes.length - 2];
		await expect(page.locator(`[data-scene="${before.id}"]`)).toHaveAttribute(
			'aria-current',
			'step'
		);
		// Esc stops whatever run a scene started; the page stays alive
		await page.keyboard.press('Escape');
		await expect(page.locator('h1')).toBeVisible();
		expect(errors).toEqual([]);
	});
}

test('a lecture script crosses labs, asks a question, and the notes window follows', async ({
	page,
	open,
	context
}) => {
	const errors = pageErrors(page);
	const script = scriptParam({
		title: 'Week 3',
		steps: [
			{ kind: 'scene', lab: 'adversarial', scene: 'invisible', title: 'Can you see it?' },
			{ kind: 'question', title: 'What would stop this?' },
			{ kind: 'scene', lab: 'privacy', scene: 'no-noise' }
		]
	});
	await open(`labs/adversarial/?present&scene=invisible&script=${script}&step=1`);
	await expect(page.getByTestId('scene-position')).toHaveText('Week 3: step 1 of 3');
	await expect(page.getByTestId('scene-title')).toHaveText('Can you see it?');

	const notes = await context.newPage();
	await notes.goto('present/notes/');
	await expect(notes.getByTestId('notes-position')).toContainText('step 1 of 3');

	await page.locator('body').press('PageDown');
	await expect(page.getByTestId('question-step')).toContainText('What would stop this?');
	await expect(notes.getByTestId('notes-position')).toContainText('step 2 of 3');

	await page.locator('body').press('PageDown');
	await expect(page).toHaveURL(/labs\/privacy\/\?.*scene=no-noise/);
	await expect(page.getByTestId('scene-position')).toHaveText('Week 3: step 3 of 3');
	await expect(notes.getByTestId('notes-position')).toContainText('step 3 of 3');
	await expect(notes.getByTestId('notes-title')).not.toHaveText('');
	expect(errors).toEqual([]);
});

test('a damaged script link names what is wrong and loads nothing', async ({ page, open }) => {
	const bad = scriptParam({
		title: 'Broken',
		steps: [
			{ kind: 'scene', lab: 'adversarial', scene: 'cnn' },
			{ kind: 'scene', lab: 'privacy', scene: 'no-such-scene' }
		]
	});
	await open(`labs/adversarial/?present&script=${bad}`);
	await expect(page.getByTestId('script-error')).toContainText('step 2');
	await expect(page.getByTestId('script-error')).toContainText('no-such-scene');
	// the lab's own scenes are in the strip, not the script's steps
	await expect(page.getByTestId('scene-position')).toHaveCount(0);
	await open('labs/adversarial/?present&script=not*base64');
	await expect(page.getByTestId('script-error')).toContainText('damaged');
});

test("the lesson's Try it links open the lab at the matching scene", async ({ page, open }) => {
	await open('learn/');
	await page
		.getByRole('link', { name: /^Try it in the Adversarial examples lab: eps 0\.15/ })
		.click();
	await expect(page).toHaveURL(/labs\/adversarial\/\?.*scene=flip/);
	await expect(page.getByTestId('eps-value')).toHaveText('0.150');
	await page.locator('body').press('p');
	await expect(page.locator('[data-scene="flip"]')).toHaveAttribute('aria-current', 'step');
});

test('`r` runs the lab`s main action and Esc cancels it', async ({ page, open }) => {
	const errors = pageErrors(page);
	await open('labs/privacy/?present&epochs=200');
	await expect(page.getByTestId('train-button')).toBeEnabled();
	await page.locator('body').press('r');
	await expect(page.getByLabel('Training progress')).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('train-status')).toContainText('cancelled');
	await expect(page.getByTestId('train-button')).toBeEnabled();
	expect(errors).toEqual([]);
});
