import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { KEY, openExercise, saved } from './exercise-page';

const POISONING = 'Poisoning of the monthly retraining data';
const CUSTOM = 'Replay of previously approved transactions';

/** Adds a library threat, a custom threat, scores, a control and an IR phase. */
async function fillPart(page: Page) {
	const trainingData = page.getByRole('region', { name: 'Training data', exact: true });
	await trainingData
		.getByLabel('Threat from the library')
		.selectOption({ label: `${POISONING} (AML.T0020)` });
	await trainingData.getByRole('button', { name: 'Add from library' }).click();
	const api = page.getByRole('region', { name: 'Inference pipeline', exact: true });
	await api.getByLabel('Your own threat').fill(CUSTOM);
	await api.getByRole('button', { name: 'Add your own' }).click();

	const poisoning = page.getByRole('group', { name: POISONING });
	await poisoning.getByLabel('Likelihood').selectOption('5');
	await poisoning.getByLabel('Impact').selectOption('4');
	await poisoning.getByLabel('Difficulty to detect').selectOption('5');
	await page.getByRole('group', { name: CUSTOM }).getByLabel('Impact').selectOption('2');
	await page.getByRole('checkbox', { name: /Rate limiting and request quotas/ }).check();
	await page.getByRole('checkbox', { name: /Sanitize Training Data/ }).check();
	await page.getByRole('textbox', { name: /^Detect/ }).fill('Alert when the approval rate jumps.');
	await page.getByRole('textbox', { name: /^Learn/ }).fill('Review the threat model.');
}

async function expectPart(page: Page) {
	const poisoning = page.getByRole('group', { name: POISONING });
	await expect(poisoning.getByLabel('Likelihood')).toHaveValue('5');
	await expect(poisoning.getByLabel('Impact')).toHaveValue('4');
	await expect(poisoning.getByLabel('Difficulty to detect')).toHaveValue('5');
	await expect(page.getByRole('group', { name: CUSTOM }).getByLabel('Impact')).toHaveValue('2');
	await expect(
		page.getByRole('checkbox', { name: /Rate limiting and request quotas/ })
	).toBeChecked();
	await expect(page.getByRole('checkbox', { name: /Sanitize Training Data/ })).toBeChecked();
	await expect(page.getByRole('checkbox', { name: /Model Hardening/ })).not.toBeChecked();
	await expect(page.getByRole('textbox', { name: /^Detect/ })).toHaveValue(
		'Alert when the approval rate jumps.'
	);
	await expect(page.getByRole('textbox', { name: /^Learn/ })).toHaveValue(
		'Review the threat model.'
	);
}

test('a half-filled worksheet is all still there after a reload', async ({ page }) => {
	await openExercise(page);
	await fillPart(page);
	// The live ranking puts the poisoning threat (risk 20) first.
	const ranked = page.getByRole('table', { name: 'Ranked threats (live)' });
	await expect(ranked.getByRole('row').nth(1)).toContainText(`${POISONING}`);
	await expect(ranked.getByRole('row').nth(1)).toContainText('20 (critical)');

	await page.reload();
	await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
	await expectPart(page);
	await expect(ranked.getByRole('row').nth(1)).toContainText('20 (critical)');
	await expect(page.getByRole('table', { name: /Recommended controls/ })).toContainText(
		'Sanitize Training Data'
	);
});

test('an exported JSON imports back to the same worksheet', async ({ page }) => {
	await openExercise(page);
	await fillPart(page);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export JSON' }).click()
	]);
	expect(download.suggestedFilename()).toBe('threat-assessment.json');
	const exported = await readFile(await download.path(), 'utf8');
	expect(JSON.parse(exported)).toEqual(JSON.parse((await saved(page)) ?? 'null'));

	// Change the worksheet, then import the export: everything comes back.
	await page.getByRole('button', { name: `Remove ${CUSTOM}` }).click();
	await page.getByRole('textbox', { name: /^Detect/ }).fill('Something else');
	await expect(page.getByRole('group', { name: CUSTOM })).toHaveCount(0);
	await page.getByLabel('Import JSON').setInputFiles({
		name: 'threat-assessment.json',
		mimeType: 'application/json',
		buffer: Buffer.from(exported)
	});
	await expect(
		page.getByRole('status').filter({ hasText: 'Imported threat-assessment.json' })
	).toBeVisible();
	await expectPart(page);
	await expect
		.poll(async () => JSON.parse((await saved(page)) ?? 'null'))
		.toEqual(JSON.parse(exported));

	const [markdown] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export Markdown' }).click()
	]);
	const md = await readFile(await markdown.path(), 'utf8');
	expect(md).toContain('## 4. Incident response outline');
	expect(md).toContain('Alert when the approval rate jumps.');
});

test('a corrupted saved worksheet is reported and kept aside, and the exercise starts fresh', async ({
	page
}) => {
	await openExercise(page);
	const corrupted = '{"version": 1, "components": {"api": [{"id": "x", "likelihood": 9';
	await page.evaluate(([key, text]) => localStorage.setItem(key, text), [KEY, corrupted]);
	await page.reload();
	await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');

	const alert = page.getByRole('main').getByRole('alert');
	await expect(alert).toContainText('Your saved worksheet could not be read: not valid JSON');
	await expect(alert).toContainText(`${KEY}:corrupted:`);
	const aside = await page.evaluate((prefix) => {
		const keys = Object.keys(localStorage).filter((k) => k.startsWith(prefix));
		return keys.map((k) => localStorage.getItem(k));
	}, `${KEY}:corrupted:`);
	expect(aside).toEqual([corrupted]);

	// A fresh, valid worksheet replaced it, and work continues to be saved.
	await expect(page.getByRole('table', { name: 'Ranked threats (live)' })).toContainText(
		'No threats listed yet.'
	);
	await fillPart(page);
	await page.reload();
	await expectPart(page);
	await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);
	expect(
		await page.evaluate(
			(prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)).length,
			`${KEY}:corrupted:`
		)
	).toBe(1);
});

test('a malformed import shows its error and leaves the current worksheet as it was', async ({
	page
}) => {
	await openExercise(page);
	await fillPart(page);
	await expect.poll(() => saved(page)).toContain('Review the threat model.');
	const before = await saved(page);

	const broken = JSON.parse(before ?? 'null');
	broken.components['inference-pipeline'][0].likelihood = 7;
	await page.getByLabel('Import JSON').setInputFiles({
		name: 'broken.json',
		mimeType: 'application/json',
		buffer: Buffer.from(JSON.stringify(broken))
	});
	await expect(page.getByRole('main').getByRole('alert')).toHaveText(
		'Could not import broken.json: components.inference-pipeline[0].likelihood must be a whole number 1-5, got 7. Your current worksheet was not changed.'
	);
	await page.getByLabel('Import JSON').setInputFiles({
		name: 'notes.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from('not json at all')
	});
	await expect(page.getByRole('main').getByRole('alert')).toContainText(
		'Could not import notes.txt: not valid JSON'
	);
	await expectPart(page);
	expect(await saved(page)).toBe(before);
});

test('after submitting, the reference assessment can be revealed', async ({ page }) => {
	await openExercise(page);
	await page.getByRole('button', { name: 'Submit', exact: true }).click();
	await page.getByRole('button', { name: 'Reveal reference assessment' }).click();
	const reference = page.getByRole('region', { name: 'Reference assessment' });
	await expect(
		reference.getByRole('heading', { name: '4. Incident response outline' })
	).toBeVisible();
	await expect(reference.getByRole('figure', { name: /Threat landscape/ })).toBeVisible();
	await page.reload();
	await expect(page.getByRole('button', { name: 'Reveal reference assessment' })).toBeVisible();
});

test('a worksheet saved before the catalogues were merged opens with all its work', async ({
	page
}) => {
	const v1 = await readFile(
		path.join(process.cwd(), 'tests', 'unit', 'fixtures', 'worksheet-v1.json'),
		'utf8'
	);
	await openExercise(page);
	await page.evaluate(([key, text]) => localStorage.setItem(key, text), [KEY, v1]);
	await page.reload();
	await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
	await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);

	const poisoning = page.getByRole('group', { name: POISONING });
	await expect(poisoning.getByLabel('Likelihood')).toHaveValue('4');
	await expect(poisoning.getByLabel('Impact')).toHaveValue('5');
	const pipeline = page.getByRole('region', { name: 'Inference pipeline', exact: true });
	await expect(pipeline.getByText(CUSTOM)).toBeVisible();
	await expect(
		page.getByRole('checkbox', { name: /Restrict Number of AI Model Queries/ })
	).toBeChecked();
	await expect(page.getByRole('textbox', { name: /^Detect/ })).toHaveValue(
		'Alert when the approval rate jumps.\nCheck chargebacks weekly.'
	);
	// Saved back in the current format, with the catalogue's component names.
	await expect.poll(async () => JSON.parse((await saved(page)) ?? 'null').version).toBe(2);
	expect(Object.keys(JSON.parse((await saved(page)) ?? 'null').components)).toEqual([
		'training-data',
		'model-architecture',
		'inference-pipeline',
		'deployment-infrastructure'
	]);
});
