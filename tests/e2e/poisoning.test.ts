import { test, expect } from './fixtures';

const percent = async (locator: import('@playwright/test').Locator) =>
	Number(/([\d.]+) %/.exec((await locator.textContent()) ?? '')?.[1]);

test('moving the flip-rate slider retrains the poisoned model and its fraud recall drops', async ({
	page,
	open
}) => {
	await open('labs/poisoning/?attack=targeted&rate=0&model=logreg');
	const recall = page.getByTestId('poisoned-recall');
	const status = page.getByTestId('train-status');
	await expect(status).toContainText('0 labels flipped', { timeout: 60_000 });
	const cleanRecall = await percent(page.getByTestId('clean-recall'));
	// At rate 0 both models train on the same labels.
	await expect(recall).toHaveText(`${cleanRecall.toFixed(1)} %`);
	await expect(page.getByRole('alert')).toHaveCount(0);

	await page.getByRole('slider', { name: 'Flip rate' }).fill('0.5');
	await expect(page.getByTestId('rate-value')).toHaveText('50 %');
	// Half of the ~600 training frauds relabelled legitimate.
	await expect(status).toContainText(/\b(2|3)\d\d labels flipped/, { timeout: 60_000 });
	await expect(recall).not.toHaveText(`${cleanRecall.toFixed(1)} %`);
	const poisonedRecall = await percent(recall);
	expect(poisonedRecall).toBeLessThan(0.75 * cleanRecall);
	// ...while accuracy does not fall: the imbalance lesson.
	const accuracyClean = await percent(page.getByTestId('clean-accuracy'));
	expect(await percent(page.getByTestId('poisoned-accuracy'))).toBeGreaterThanOrEqual(
		accuracyClean
	);
	await expect(page.getByTestId('imbalance-lesson')).toContainText('Accuracy barely moves');
	// The pass-everything accuracy is the held-out set's legitimate share (about 97 %), not a constant.
	await expect(page.getByTestId('pass-all-accuracy')).toHaveText(/^9[5-9]\.\d %$/);
	await expect(page.getByTestId('sweep-notes')).toContainText('The boundary attack has no spread');
	await expect(page.getByTestId('sweep-notes')).toContainText('calibration drift');
	await expect(page).toHaveURL(/rate=0\.5/);
});

test('a malformed CSV shows its error with line and column, and the old data stays', async ({
	page,
	open
}) => {
	await open('labs/poisoning/?rate=0.1');
	const status = page.getByTestId('train-status');
	await expect(status).toContainText('labels flipped', { timeout: 60_000 });
	const recallBefore = await page.getByTestId('poisoned-recall').textContent();
	await expect(page.getByTestId('data-name')).toContainText('20,000 generated transactions');

	await page.getByLabel('Upload a CSV of transactions').setInputFiles({
		name: 'broken.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('Time,V1,Amount,Class\n0,-1.3,149.6,0\n1,oops,2.7,1\n')
	});
	const error = page.getByTestId('upload-error');
	await expect(error).toHaveText(
		'broken.csv, line 3, column "V1" (column 2): "oops" is not a number The current data set is unchanged.'
	);
	await expect(error).toHaveAttribute('role', 'alert');
	await expect(page.getByTestId('data-name')).toContainText('20,000 generated transactions');
	await expect(page.getByTestId('class-balance')).toContainText('fraud');
	await expect(page.getByTestId('poisoned-recall')).toHaveText(recallBefore ?? '');

	// A valid file with one feature column cannot be drawn on a plane: refused, data kept.
	await page.getByLabel('Upload a CSV of transactions').setInputFiles({
		name: 'one.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(
			['x,Class', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 4 === 0 ? 1 : 0}`)].join('\n')
		)
	});
	await expect(error).toContainText(
		'one.csv: the first line names 1 feature column besides the label; the lab needs at least 2'
	);
	// Too few rows for the kNN defence: a message about rows, not an internal error.
	await page.getByLabel('Upload a CSV of transactions').setInputFiles({
		name: 'tiny.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(
			['a,b,Class', ...Array.from({ length: 12 }, (_, i) => `${i},${i * 2},${i % 2}`)].join('\n')
		)
	});
	await expect(error).toContainText('leaves 10 training rows; the lab needs at least 11');
	await expect(page.getByTestId('data-name')).toContainText('20,000 generated transactions');
	await expect(page.getByTestId('poisoned-recall')).toHaveText(recallBefore ?? '');

	// A good file replaces the data and the lab retrains on it.
	const rows = ['a,b,Class'];
	for (let i = 0; i < 400; i++) rows.push(`${i % 7},${(i * 37) % 11},${i % 10 === 0 ? 1 : 0}`);
	await page.getByLabel('Upload a CSV of transactions').setInputFiles({
		name: 'good.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(rows.join('\n'))
	});
	await expect(page.getByTestId('data-name')).toContainText('good.csv (400 rows, label "Class")');
	await expect(error).toHaveCount(0);
	await expect(status).toContainText('labels flipped', { timeout: 60_000 });
});

test('the small MLP trains live too, and the link remembers the model and defence', async ({
	page,
	open
}) => {
	await open('labs/poisoning/?attack=random&rate=0.05');
	const status = page.getByTestId('train-status');
	await expect(status).toContainText('1000 labels flipped', { timeout: 60_000 });
	await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('mlp');
	await page.getByRole('combobox', { name: 'Defence', exact: true }).selectOption('knn');
	await expect(status).toContainText(/1000 labels flipped, \d+ relabelled by kNN/, {
		timeout: 120_000
	});
	await expect(page.getByTestId('poisoned-auc')).toHaveText(/\d+\.\d %/);
	await expect(page).toHaveURL(/model=mlp/);
	await expect(page).toHaveURL(/defence=knn/);
});
