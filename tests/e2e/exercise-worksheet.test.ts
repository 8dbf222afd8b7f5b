import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { importJson, KEY, openExercise, saved, storedUnder, v1Worksheet } from './exercise-page';

const LONG_API =
	'Replay of previously approved transactions through a partner’s compromised batch-settlement channel';
const LONG_INFRA =
	'Insider with write access to the model registry swaps the promoted artefact during the monthly release window';

const withLongNames = v1Worksheet({
	'training-data': [{ id: 'td-poisoning', name: 'Poisoning of the monthly retraining data' }],
	api: [{ id: 'custom-1', name: LONG_API, likelihood: 4, impact: 4 }],
	infrastructure: [{ id: 'custom-2', name: LONG_INFRA, likelihood: 2, impact: 5 }]
});

async function importLongNames(page: Page) {
	await importJson(page, withLongNames, 'long-names.json');
	await expect(
		page.getByRole('status').filter({ hasText: 'Imported long-names.json' })
	).toBeVisible();
}

test('the landscape deliverable shows long threat names in full, on screen and in print', async ({
	page
}) => {
	await openExercise(page);
	await importLongNames(page);
	const landscape = page
		.getByRole('region', { name: 'Your deliverables' })
		.getByRole('figure', { name: /Threat landscape/ });

	for (const media of ['screen', 'print'] as const) {
		await page.emulateMedia({ media });
		for (const name of [LONG_API, LONG_INFRA]) {
			await expect(landscape.getByText(name, { exact: true }), `${media}: ${name}`).toBeVisible();
		}
		await expect(landscape).not.toContainText('…');
	}
	// Printing shows the deliverables, not the form that fills them.
	await expect(page.getByRole('heading', { name: /^Step 1\./ })).toBeHidden();
});

test('after Submit the worksheet is read-only, also once the reference is revealed, until Reopen to edit', async ({
	page
}) => {
	await openExercise(page);
	await importLongNames(page);
	await page.getByRole('button', { name: 'Submit', exact: true }).click();
	await page.getByRole('button', { name: 'Reveal reference assessment' }).click();

	const steps = page.getByRole('region', { name: /^Step \d\./ });
	await expect(steps).toHaveCount(4);
	for (const role of ['textbox', 'combobox', 'checkbox', 'button'] as const) {
		const controls = steps.getByRole(role);
		expect(await controls.count(), role).toBeGreaterThan(0);
		for (const control of await controls.all()) await expect(control).toBeDisabled();
	}
	await expect(page.getByLabel('Import JSON')).toBeDisabled();

	await page.getByRole('button', { name: 'Reopen to edit' }).click();
	await expect(page.getByRole('textbox', { name: /^Detect/ })).toBeEnabled();
	await expect(page.getByRole('checkbox', { name: /Sanitize Training Data/ })).toBeEnabled();
	await expect(page.getByRole('button', { name: `Remove ${LONG_API}` })).toBeEnabled();
	await expect(
		page.getByRole('group', { name: LONG_API }).getByRole('combobox', { name: 'Likelihood' })
	).toBeEnabled();
	await page.getByRole('textbox', { name: /^Contain/ }).fill('Roll back the model.');
	await expect.poll(() => saved(page)).toContain('Roll back the model.');
});

test('New worksheet asks first, offers the JSON, keeps the old worksheet and can bring it back', async ({
	page
}) => {
	await openExercise(page);
	await importLongNames(page);
	await expect.poll(() => saved(page)).toContain(LONG_INFRA);
	const before = JSON.parse((await saved(page)) ?? 'null');
	const ranked = page.getByRole('table', { name: 'Ranked threats (live)' });
	await expect(ranked).toContainText(LONG_API);

	// Cancelling changes nothing.
	await page.getByRole('button', { name: 'New worksheet' }).click();
	const dialog = page.getByRole('dialog', { name: 'Start a new worksheet?' });
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	await expect(ranked).toContainText(LONG_API);

	// The dialog offers the JSON download before anything is cleared.
	await page.getByRole('button', { name: 'New worksheet' }).click();
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		dialog.getByRole('button', { name: 'Download the JSON first' }).click()
	]);
	expect(JSON.parse(await readFile(await download.path(), 'utf8'))).toEqual(before);
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: 'Start a new worksheet' }).click();
	await expect(dialog).toBeHidden();

	await expect(ranked).toContainText('No threats listed yet.');
	await expect(page.getByRole('textbox', { name: /^Detect/ })).toHaveValue('');
	const kept = await storedUnder(page, `${KEY}:previous:`);
	expect(kept).toHaveLength(1);
	expect(JSON.parse(kept[0][1])).toEqual(before);
	await expect(page.getByRole('status').filter({ hasText: kept[0][0] })).toBeVisible();
	await expect
		.poll(async () => JSON.parse((await saved(page)) ?? 'null').components)
		.toEqual({
			'training-data': [],
			'model-architecture': [],
			'inference-pipeline': [],
			'deployment-infrastructure': []
		});

	// The kept copy comes back with one click, and is what the page saves again.
	await page.getByRole('button', { name: 'Restore the previous worksheet' }).click();
	await expect(ranked).toContainText(LONG_API);
	await expect(page.getByRole('textbox', { name: /^Detect/ })).toHaveValue(
		'Alert when the approval rate jumps.'
	);
	await expect.poll(async () => JSON.parse((await saved(page)) ?? 'null')).toEqual(before);
	await page.reload();
	await expect(ranked).toContainText(LONG_INFRA);
});

test('the worksheet, submitted and with the New worksheet dialog open, passes axe', async ({
	page
}) => {
	await openExercise(page);
	await importLongNames(page);
	const axe = () => new AxeBuilder({ page }).include('main').analyze();
	expect((await axe()).violations).toEqual([]);
	await page.getByRole('button', { name: 'Submit', exact: true }).click();
	await page.getByRole('button', { name: 'Reveal reference assessment' }).click();
	expect((await axe()).violations).toEqual([]);
	await page.getByRole('button', { name: 'New worksheet' }).click();
	await expect(page.getByRole('dialog', { name: 'Start a new worksheet?' })).toBeVisible();
	expect((await axe()).violations).toEqual([]);
});
