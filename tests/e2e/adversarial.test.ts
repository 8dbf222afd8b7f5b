import { test, expect } from './fixtures';

// Test image 0 is a 2 that mnist-cnn reads correctly; FGSM flips it near eps 0.13.
test('dragging eps flips a known digit, and the flip point is marked', async ({ page, open }) => {
	await open('labs/adversarial/?digit=0&model=mnist-cnn&attack=fgsm&eps=0.1');
	const after = page.getByTestId('prediction-after');
	await expect(page.getByTestId('prediction-before')).toContainText('predicted 2');
	await expect(after).toContainText('predicted 2');
	await expect(after).not.toContainText('flipped');
	await expect(page.getByTestId('eps-value')).toHaveText('0.100');
	await expect(page.getByRole('alert')).toHaveCount(0);
	await expect(page.getByTestId('flip-eps')).toContainText(/flips at eps ≥ 0\.1[1-5]\d/);

	await page.getByRole('slider').fill('0.3');
	await expect(page.getByTestId('eps-value')).toHaveText('0.300');
	await expect(after).toContainText('flipped');
	await expect(after).not.toContainText('predicted 2 ');
	await expect(page.getByTestId('norms')).toContainText('L∞ 0.300');
	// the link reproduces what is on screen
	await expect(page).toHaveURL(/eps=0\.3/);

	await page.getByRole('slider').fill('0');
	await expect(after).toContainText('predicted 2');
	await expect(page.getByTestId('norms')).toContainText('L∞ 0.000');
});

test('a bad upload shows its message and the lab keeps its digit and keeps working', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?digit=0');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted');
	await page.getByLabel('Upload an image', { exact: true }).check();
	await page.getByLabel('Upload an image of a digit').setInputFiles({
		name: 'notes.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from('not a picture')
	});
	await expect(page.getByRole('alert').filter({ hasText: 'notes.txt' })).toContainText(
		'is not an image'
	);
	await expect(page.getByTestId('source-name')).toHaveText('test image 0 (a 2)');
	await page.getByRole('slider').fill('0.3');
	await expect(page.getByTestId('prediction-after')).toContainText('flipped');
});

test('a corrupt image file is refused the same way', async ({ page, open }) => {
	await open('labs/adversarial/?digit=0');
	await page.getByLabel('Upload an image', { exact: true }).check();
	await page.getByLabel('Upload an image of a digit').setInputFiles({
		name: 'broken.png',
		mimeType: 'image/png',
		buffer: Buffer.from('\x89PNG\r\n\x1a\nthis is not really a png')
	});
	await expect(page.getByRole('alert').filter({ hasText: 'broken.png' })).toContainText(
		'could not be decoded'
	);
	await expect(page.getByTestId('source-name')).toHaveText('test image 0 (a 2)');
});

test('robustness curves: the adversarially trained CNN holds up where the plain one falls', async ({
	page,
	open
}) => {
	await open('labs/adversarial/');
	await page.getByLabel('Digits to attack', { exact: true }).fill('100');
	await page.getByRole('button', { name: 'Run curves' }).click();
	await expect(page.getByTestId('curve-status')).toHaveText('done', { timeout: 120_000 });
	const rows = page.getByTestId('curve-table').locator('tbody tr');
	await expect(rows).toHaveCount(5);
	const accuracyAt025 = async (label: string) => {
		const cell = rows
			.filter({ has: page.getByRole('rowheader', { name: label, exact: true }) })
			.locator('td')
			.nth(2);
		return Number(/([\d.]+) %/.exec((await cell.textContent()) ?? '')?.[1]);
	};
	expect(await accuracyAt025('mnist-cnn-adv')).toBeGreaterThan(
		(await accuracyAt025('mnist-cnn')) + 20
	);
	expect(await accuracyAt025('mnist-softmax')).toBeLessThan(20);
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Export CSV' }).first().click();
	expect((await download).suggestedFilename()).toMatch(/^robustness-fgsm-100\.csv$/);
});

test('a digit drawn with the mouse is preprocessed and attacked', async ({ page, open }) => {
	await open('labs/adversarial/');
	await page.getByLabel('Draw one', { exact: true }).check();
	const pad = page.getByLabel('Drawing pad: draw one digit');
	const box = (await pad.boundingBox())!;
	// a vertical stroke: a "1"
	await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
	await page.mouse.down();
	for (let k = 1; k <= 20; k++) {
		await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.035 * k));
	}
	await page.mouse.up();
	await page.getByRole('button', { name: 'Use drawing' }).click();
	await expect(page.getByTestId('source-name')).toHaveText('drawing');
	await expect(page.getByTestId('prediction-before')).toContainText('predicted 1');
	await expect(page.getByTestId('prediction-after')).toContainText(/predicted \d/);

	// the drawing travels in the link: a fresh page opened from it shows the same answers
	await expect(page).toHaveURL(/[?&]pixels=[A-Za-z0-9_-]+/);
	// (the link holds the pixels as bytes, so the percentages may differ in the last digit)
	const answer = async (p: typeof page, id: string) =>
		/predicted (\d)/.exec((await p.getByTestId(id).textContent()) ?? '')?.[1];
	const before = await answer(page, 'prediction-before');
	const after = await answer(page, 'prediction-after');
	const fresh = await page.context().newPage();
	await fresh.goto(page.url());
	await expect(fresh.getByTestId('source-name')).toHaveText('the digit in this link');
	await expect(fresh.getByTestId('prediction-after')).toContainText(/predicted \d/);
	expect(await answer(fresh, 'prediction-before')).toBe(before);
	expect(await answer(fresh, 'prediction-after')).toBe(after);
	await fresh.close();
});

test('BIM/PGD reaches eps by default; a fixed step that cannot is said so on screen', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?digit=0&attack=pgd&eps=0.4');
	await expect(page.getByTestId('norms')).toContainText('L∞ 0.400');
	await expect(page.getByTestId('reach-note')).toHaveCount(0);
	await page.getByLabel('Step size', { exact: true }).selectOption('fixed');
	await expect(page.getByLabel('Fixed step size')).toHaveValue('0.025');
	// 10 steps of 0.025 stop at 0.25: the caption says so, and says what to do
	await expect(page.getByTestId('reach-note')).toContainText(
		'at most 0.25 from its start, less than eps 0.4'
	);
	await expect(page.getByTestId('norms')).toContainText('L∞ 0.250');
});

test('targeted FGSM towards the digit`s own class is refused with a suggestion', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?digit=0&attack=targeted&target=2');
	await expect(page.getByRole('alert').filter({ hasText: 'already is' })).toContainText(
		'Pick another target class'
	);
	await expect(page.getByTestId('flip-eps')).toContainText("the target is the digit's own class");
	await page.getByLabel('Target class').selectOption('8');
	await expect(page.getByTestId('flip-eps')).toContainText(/flips at eps|No eps/);
});

test('a number out of range gets its message beside the field and nothing is computed', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?digit=0&attack=pgd');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted');
	const steps = page.getByLabel('Steps', { exact: true });
	await steps.fill('500');
	await expect(page.getByText('must be a whole number from 1 to 100')).toBeVisible();
	await expect(steps).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByTestId('settings-stale')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Run curves' })).toBeDisabled();
	// the value typed stays in the field: nothing is replaced behind the learner's back
	await expect(steps).toHaveValue('500');
	await steps.fill('20');
	await expect(page.getByTestId('settings-stale')).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Run curves' })).toBeEnabled();
});

test('a held-out digit past the last one is reported and the message stays', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?digit=2000');
	const problem = page.getByRole('alert').filter({ hasText: '?digit=2000' });
	await expect(problem).toContainText('must be a whole number from 0 to 1999; using 0');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted');
	await page.waitForTimeout(1500);
	await expect(problem).toBeVisible();
});

test('a PNG that declares 16000x16000 pixels is refused from its header, without decoding', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?digit=0');
	await expect(page.getByTestId('prediction-after')).toContainText('predicted');
	const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
	const header = Buffer.from([
		0x89,
		0x50,
		0x4e,
		0x47,
		0x0d,
		0x0a,
		0x1a,
		0x0a,
		...be32(13),
		0x49,
		0x48,
		0x44,
		0x52,
		...be32(16000),
		...be32(16000),
		8,
		6,
		0,
		0,
		0
	]);
	await page.getByLabel('Upload an image', { exact: true }).check();
	await page.getByLabel('Upload an image of a digit').setInputFiles({
		name: 'huge.png',
		mimeType: 'image/png',
		buffer: header
	});
	await expect(page.getByRole('alert').filter({ hasText: 'huge.png' })).toContainText(
		'is 16000x16000 pixels; the limit is 4096x4096'
	);
	await expect(page.getByTestId('source-name')).toHaveText('test image 0 (a 2)');
});

test('the transfer matrix names its attack and colours its cells by accuracy', async ({
	page,
	open
}) => {
	await open('labs/adversarial/?eps=0.2&samples=100&attack=fgsm');
	await page.getByRole('button', { name: 'Compute at eps 0.200' }).click();
	const table = page.getByTestId('transfer-table');
	await expect(table.locator('caption')).toContainText(
		'under FGSM at eps 0.200, 100 held-out digits',
		{
			timeout: 120_000
		}
	);
	await expect(table.locator('tbody td')).toHaveCount(9);
	const shades = await table
		.locator('tbody td')
		.evaluateAll((cells) => cells.map((c) => getComputedStyle(c).backgroundColor));
	expect(new Set(shades).size).toBeGreaterThan(1);
});
