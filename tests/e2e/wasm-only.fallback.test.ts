import { test, expect } from './fixtures';

// Runs in the wasm project only (see playwright.config.ts): it is about the WASM backend's start.
test('WASM whose worker threads a policy blocks falls back to one thread, with a notice', async ({
	page
}) => {
	// Serve every page with a policy that forbids blob: workers (the threaded backend's).
	await page.route('**/*', async (route) => {
		const response = await route.fetch();
		const type = response.headers()['content-type'] ?? '';
		if (!type.includes('text/html')) return route.fulfill({ response });
		const html = (await response.text()).replace(/ blob:/g, '');
		return route.fulfill({ response, body: html });
	});
	await page.goto('?backend=wasm');
	await expect(page.getByRole('alert')).toContainText('Running on WASM (one thread)', {
		timeout: 30_000
	});
	await expect(page.getByTestId('prediction')).toContainText(/Predicted \d/);
});
