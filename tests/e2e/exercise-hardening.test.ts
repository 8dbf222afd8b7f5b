import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { importJson, openExercise, saved, v1Worksheet } from './exercise-page';

test('a threat added after an imported custom id at 2^53 gets its own id and survives a reload', async ({
	page
}) => {
	await openExercise(page);
	await importJson(
		page,
		v1Worksheet({ api: [{ id: 'custom-9007199254740992', name: 'Imported threat' }] }),
		'big-id.json'
	);
	const pipeline = page.getByRole('region', { name: 'Inference pipeline', exact: true });
	await pipeline.getByLabel('Your own threat').fill('Added after the import');
	await pipeline.getByRole('button', { name: 'Add your own' }).click();
	await expect
		.poll(async () =>
			JSON.parse((await saved(page)) ?? 'null').components['inference-pipeline'].map(
				(t: { id: string }) => t.id
			)
		)
		.toEqual(['custom-9007199254740992', 'custom-9007199254740993']);

	await page.reload();
	await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false');
	await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);
	await expect(pipeline.getByText('Imported threat')).toBeVisible();
	await expect(pipeline.getByText('Added after the import')).toBeVisible();
});

test('an import with more threats than a component takes is refused, naming the path and the limit', async ({
	page
}) => {
	await openExercise(page);
	const api = Array.from({ length: 600 }, (_, i) => ({
		id: `custom-${i + 1}`,
		name: `Threat ${i}`
	}));
	await importJson(page, v1Worksheet({ api }), 'class.json');
	await expect(page.getByRole('main').getByRole('alert')).toHaveText(
		'Could not import class.json: components.api lists 600 threats; the limit is 50 per component. Your current worksheet was not changed.'
	);
	await expect(page.getByRole('table', { name: 'Ranked threats (live)' })).toContainText(
		'No threats listed yet.'
	);
});

test('the exported Markdown writes hostile names and answers as text', async ({ page }) => {
	await openExercise(page);
	const hostile = v1Worksheet({
		api: [{ id: 'custom-1', name: '<img src=x onerror=alert(1)> [click](javascript:alert(1))' }]
	});
	hostile.incidentResponse.detect = '# Owned\n---\n<script>alert(1)</script>';
	await importJson(page, hostile, 'hostile.json');
	// The page shows the text as text, too.
	await expect(
		page.getByRole('group', { name: '<img src=x onerror=alert(1)> [click](javascript:alert(1))' })
	).toBeVisible();

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export Markdown' }).click()
	]);
	const md = await readFile(await download.path(), 'utf8');
	expect(md).toContain('- &lt;img src=x onerror=alert(1)&gt; &#91;click&#93;(javascript:alert(1))');
	expect(md).toContain('\\# Owned\\\n\\---\\\n&lt;script&gt;alert(1)&lt;/script&gt;');
	expect(md).not.toMatch(/<[a-z/]/i);
	expect(md.split('\n').filter((line) => line.startsWith('# '))).toHaveLength(1);
});

test('when the browser refuses to save, the work stays on the page and an alert says why', async ({
	page
}) => {
	await openExercise(page);
	const detect = page.getByRole('textbox', { name: /^Detect/ });
	await detect.fill('Saved answer.');
	await expect.poll(() => saved(page)).toContain('Saved answer.');

	await page.evaluate(() => {
		const original = Storage.prototype.setItem;
		Object.assign(window, { restoreSetItem: () => (Storage.prototype.setItem = original) });
		Storage.prototype.setItem = () => {
			throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
		};
	});
	await detect.fill('Saved answer. And one more line.');
	const alert = page.getByRole('main').getByRole('alert');
	await expect(alert).toContainText('Your latest change could not be saved in this browser');
	await expect(alert).toContainText('Your work is still on this page');
	await expect(detect).toHaveValue('Saved answer. And one more line.');
	expect(await saved(page)).toContain('"detect": "Saved answer."');

	await page.evaluate(() => (window as unknown as { restoreSetItem: () => void }).restoreSetItem());
	await detect.press('End');
	await detect.pressSequentially('!');
	await expect(alert).toHaveCount(0);
	await expect.poll(() => saved(page)).toContain('Saved answer. And one more line.!');
});
