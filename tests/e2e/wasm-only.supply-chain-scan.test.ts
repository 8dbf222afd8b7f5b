import { HUB_BACKDOOR } from '../../src/lib/supply-chain/hub';
import { test, expect, hooks } from './fixtures';

// Neural Cleanse takes ~9 s on WASM and far longer on SwiftShader's WebGL; the scan's numbers are
// the core's (tests/slow/scan-cli.test.ts checks them on two more trojans), so the page is checked
// on WASM only.
test('Neural Cleanse on the page flags the signed trojan’s target and shows the planted trigger beside the reversed ones', async ({
	page,
	open
}) => {
	await open('labs/supply-chain/');
	await expect(page.getByTestId('hub-status')).toHaveText(/^checked \d+ copies$/, {
		timeout: 60_000
	});
	const before = await hooks(page).numTensors();
	await page.getByTestId('use-trojaned').click();
	await page.getByTestId('scan-button').click();
	await expect(page.getByTestId('nc-verdict')).toContainText(
		`Flagged: class ${HUB_BACKDOOR.target} (anomaly index above 2)`,
		{ timeout: 90_000 }
	);
	const triggers = page.getByTestId('nc-triggers');
	await expect(triggers.getByRole('img', { name: /^reversed trigger for class \d/ })).toHaveCount(
		10
	);
	await expect(
		triggers.getByRole('img', { name: /^the trigger that was really planted/ })
	).toBeVisible();
	const index = parseFloat(
		(await page.getByTestId(`nc-index-${HUB_BACKDOOR.target}`).textContent())!.replace('index ', '')
	);
	expect(index).toBeGreaterThan(2);
	expect(await hooks(page).numTensors()).toBe(before);
	await expect(page.getByTestId('scan-where')).toHaveText('(ran in a background worker on WASM)');
	// the scan's masks, patterns and optimiser are gone; the worker keeps the model for the next scan
	const model = (await hooks(page).worker())!.numTensors;
	await page.getByTestId('scan-button').click();
	await expect(page.getByTestId('scan-status')).toContainText('scanned in', { timeout: 90_000 });
	expect((await hooks(page).worker())!.numTensors).toBe(model);
	await expect(page.getByRole('alert')).toHaveCount(0);
});
