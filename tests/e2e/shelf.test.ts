/**
 * The run shelf and the class overlay in a real browser: finished runs survive a reload, two of
 * them overlay on one chart, a shelf exported and imported again comes back the same, a damaged
 * file imports nothing, and a class's 30 files (2 of them broken) load on /compare/.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

async function sweep(page: Page) {
	await page.getByRole('button', { name: 'Run sweep' }).click();
	await expect(page.getByTestId('sweep-status')).toContainText('Done', { timeout: 120_000 });
}

async function download(page: Page, click: () => Promise<void>, path: string) {
	const pending = page.waitForEvent('download');
	await click();
	const file = await pending;
	await file.saveAs(path);
	return JSON.parse(await readFile(path, 'utf8'));
}

test('finished sweeps stay on the shelf, overlay, and travel as files', async ({
	page,
	open
}, testInfo) => {
	await open('labs/poisoning/?attack=targeted&model=logreg');
	const shelf = page.getByTestId('run-shelf');
	const rows = shelf.getByTestId('shelf-run');
	await expect(shelf).toContainText('No runs yet');
	await sweep(page);
	await expect(rows).toHaveCount(1);
	await page
		.getByRole('radio', { name: /random/i })
		.first()
		.check();
	await sweep(page);
	await expect(rows).toHaveCount(2);

	// a reload keeps both, with their settings, model and backend
	await page.reload();
	await expect(rows).toHaveCount(2);
	await expect(rows.first()).toContainText('attack=');

	// rename one; an empty name is refused and the old one stays
	const name = rows.first().getByRole('textbox', { name: 'Name of the run' });
	await name.fill('my targeted sweep');
	await name.press('Enter');
	await name.blur();
	await page.reload();
	await expect(rows.first().getByRole('textbox', { name: 'Name of the run' })).toHaveValue(
		'my targeted sweep'
	);

	// tick both: one chart, both runs in its legend
	for (const box of await shelf.getByRole('checkbox', { name: /^Overlay / }).all())
		await box.check();
	const chart = shelf.getByTestId('overlay-chart');
	await expect(chart).toHaveCount(1);
	const other = await rows.nth(1).getByRole('textbox', { name: 'Name of the run' }).inputValue();
	const legend = chart.getByRole('list', { name: 'Legend' });
	await expect(legend).toContainText('my targeted sweep');
	await expect(legend).toContainText(other);

	// export the shelf, delete all, import it again: the same runs come back
	const path = testInfo.outputPath('poisoning-shelf.json');
	const before = await download(
		page,
		() => shelf.getByRole('button', { name: 'Export the shelf' }).click(),
		path
	);
	expect(before.runs).toHaveLength(2);
	await shelf.getByRole('button', { name: 'Delete all' }).click();
	await shelf.getByRole('button', { name: /^Yes, delete all 2/ }).click();
	await expect(rows).toHaveCount(0);
	await shelf.getByLabel('Import runs (JSON)').setInputFiles(path);
	await expect(rows).toHaveCount(2);
	const after = await download(
		page,
		() => shelf.getByRole('button', { name: 'Export the shelf' }).click(),
		testInfo.outputPath('again.json')
	);
	const key = (r: { id: string }) => r.id;
	expect([...after.runs].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
		[...before.runs].sort((a, b) => key(a).localeCompare(key(b)))
	);

	// a damaged file names what is wrong and imports nothing
	const damaged = testInfo.outputPath('damaged.json');
	await writeFile(damaged, JSON.stringify({ ...before, appVersion: '0.0.0-elsewhere' }));
	await shelf.getByLabel('Import runs (JSON)').setInputFiles(damaged);
	await expect(shelf.getByRole('alert')).toContainText('Nothing was imported');
	await expect(shelf.getByRole('alert')).toContainText('damaged.json');
	await expect(rows).toHaveCount(2);

	// a class of 30 files, 2 of them broken, on the class overlay
	const run = before.runs[0];
	const files: string[] = [];
	for (let i = 0; i < 30; i++) {
		const file = testInfo.outputPath(`student-${String(i + 1).padStart(2, '0')}.json`);
		const body =
			i === 7
				? '{"format": "ai-security-lab/run", "run": '
				: i === 19
					? JSON.stringify({ format: 'not-ours', run })
					: JSON.stringify({
							format: 'ai-security-lab/run',
							appVersion: before.appVersion,
							run: { ...run, id: `${run.id}-${i}`, name: `student ${i + 1}` }
						});
		await writeFile(file, body);
		files.push(file);
	}
	await open('compare/');
	await page.getByTestId('compare-files').setInputFiles(files);
	await expect(page.getByTestId('compare-status')).toContainText('28 of 30 files loaded, 28 runs');
	const skipped = page.getByTestId('compare-skipped');
	await expect(skipped.locator('li')).toHaveCount(2);
	await expect(skipped).toContainText('student-08.json');
	await expect(skipped).toContainText('student-20.json');
	await expect(page.getByTestId('compare-group')).toHaveCount(1);
	await expect(page.getByTestId('compare-group').getByTestId('overlay-chart')).toBeVisible();
});
