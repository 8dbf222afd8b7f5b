import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HUB, HUB_FILES } from '../../src/lib/supply-chain/hub';
import { test, expect, hooks } from './fixtures';

const MODELS = join(process.cwd(), 'models');

test('each hub copy shows the verdicts of its digests and signature, and what it scores', async ({
	page,
	open
}) => {
	await open('labs/supply-chain/');
	await expect(page.getByTestId('hub-status')).toHaveText(`checked ${HUB.length} copies`, {
		timeout: 60_000
	});
	for (const copy of HUB) {
		const row = page.getByTestId(`copy-${copy.id}`);
		for (const name of HUB_FILES)
			await expect(row.getByTestId(`verdict-${name}`)).toHaveText(
				copy.mismatched.includes(name) ? 'mismatch' : 'ok'
			);
		await expect(row.getByTestId('signature')).toHaveText(copy.signature);
		await expect(row.getByTestId('caught')).toHaveText(
			copy.caughtBy === 'none'
				? 'passes both'
				: copy.caughtBy === 'signature'
					? 'bad signature'
					: new RegExp(`^hash mismatch \\(${copy.mismatched[0].replace('.', '\\.')} mismatch`)
		);
		await expect(row.getByTestId('measured')).toHaveText(
			copy.loads ? /^\d+\.\d %$/ : 'does not load'
		);
	}
	// the truncated copy does not load: its file is named, and the model in use stays
	await page.getByTestId('use-truncated').click();
	await expect(page.getByTestId('load-problem')).toContainText(
		"weights.bin has 49,788 bytes, but model.json's 6 weights need 82,984: the file is truncated"
	);
	await expect(page.getByTestId('copy-original')).toContainText('in use');
	await expect(page.getByRole('heading', { name: 'Behaviour scans of mnist-cnn' })).toBeVisible();

	// the pickle is listed, its call highlighted, and never run
	await expect(page.getByTestId('pickle-ops').locator('tr[data-risk="import"]')).toContainText(
		'builtins print'
	);
	await expect(page.getByTestId('pickle-ops').locator('tr[data-risk="call"]')).toContainText(
		'REDUCE'
	);
	await expect(page.getByTestId('pickle-call')).toContainText('builtins.print(');
	await expect(page.getByTestId('safetensors-header')).toContainText('logits.bias');
	expect(await hooks(page).numTensors()).toBeLessThan(50);
});

test('STRIP on the trojaned copy flags triggered digits in the worker; switching copies keeps the page alive', async ({
	page,
	open,
	backend
}) => {
	await open('labs/supply-chain/');
	await expect(page.getByTestId('hub-status')).toHaveText(`checked ${HUB.length} copies`, {
		timeout: 60_000
	});
	await page.getByTestId('use-trojaned').click();
	await expect(page.getByTestId('copy-trojaned')).toContainText('in use');
	await page.getByTestId('strip-button').click();
	await expect(page.getByTestId('strip-detection')).toHaveText(/^\d+\.\d %$/, { timeout: 60_000 });
	const detection = parseFloat((await page.getByTestId('strip-detection').textContent())!);
	const far = parseFloat((await page.getByTestId('strip-far').textContent())!);
	expect(detection).toBeGreaterThan(50);
	expect(far).toBeLessThan(10);
	await expect(page.getByTestId('scan-where')).toHaveText(
		`(ran in a background worker on ${{ webgl: 'WebGL', wasm: 'WASM' }[backend]})`
	);
	// the worker keeps the trojaned copy's weights for the next scan, and nothing else
	const kept = (await hooks(page).worker())!.numTensors;
	await page.getByTestId('strip-button').click();
	await expect(page.getByTestId('scan-status')).toContainText('STRIP done', { timeout: 60_000 });
	expect((await hooks(page).worker())!.numTensors).toBe(kept);
	// another copy replaces it there: the old weights go
	await page.getByTestId('use-original').click();
	await page.getByTestId('strip-button').click();
	await expect(page.getByTestId('scan-status')).toContainText('STRIP done', { timeout: 60_000 });
	expect((await hooks(page).worker())!.numTensors).toBe(kept);
	await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a truncated folder picked from disk names the file and leaves the model in use', async ({
	page,
	open
}) => {
	await open('labs/supply-chain/');
	await expect(page.getByTestId('hub-status')).toHaveText(`checked ${HUB.length} copies`, {
		timeout: 60_000
	});
	const dir = join(MODELS, 'hub', 'truncated');
	await page.getByTestId('upload').setInputFiles(
		['model.json', 'weights.bin'].map((name) => ({
			name,
			mimeType: 'application/octet-stream',
			buffer: readFileSync(join(dir, name))
		}))
	);
	await expect(page.getByTestId('load-problem')).toContainText(
		'The picked folder does not load: weights.bin has 49,788 bytes'
	);
	await expect(page.getByTestId('copy-original')).toContainText('in use');
	await expect(page.getByTestId('copy-upload')).toHaveCount(0);

	// a good folder with its manifest loads and is checked like a hub copy
	const good = join(MODELS, 'hub', 'edited');
	await page.getByTestId('upload').setInputFiles(
		[...HUB_FILES, 'manifest.json'].map((name) => ({
			name,
			mimeType: 'application/octet-stream',
			buffer: readFileSync(join(good, name))
		}))
	);
	const row = page.getByTestId('copy-upload');
	await expect(row.getByTestId('verdict-weights.bin')).toHaveText('mismatch');
	await expect(row).toContainText('in use');
	await expect(page.getByTestId('load-problem')).toHaveCount(0);
});
