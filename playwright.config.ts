import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/lib/chromium';

// E2E_PORT lets two checkouts run their browser tests side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);
const executablePath = findChromium();

// The browser tests of the labs and the models run twice, once per backend the lab is meant to
// run on: ?backend=webgl and ?backend=wasm (tests/e2e/fixtures.ts adds the parameter). The
// course, exercise, quiz and site-frame tests compute nothing on a backend and run once.
const BACKEND_FREE = /(exercise|quiz|navigation|not-found|learn|accessibility)[a-z-]*\.test\.ts$/;
// Tests of the page around the computation (layout, charts' theme, hostile links, the site's
// requests and policy, the offline copy, the run shelf) do not depend on the backend the numbers
// come from: they run once, on WASM, which is what `auto` picks on this kind of machine.
const ONCE_ON_WASM = /(layout|charts|hardening|site|offline|shelf)\.test\.ts$/;
export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 120_000,
	expect: { timeout: 30_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}${process.env.BASE_PATH ?? ''}/`,
		launchOptions: { executablePath, args: CHROMIUM_ARGS },
		// The offline copy costs each new context a few MB of caching; tests/e2e/offline.test.ts
		// allows it where it is the subject.
		serviceWorkers: 'block',
		trace: 'retain-on-failure'
	},
	projects: [
		{ name: 'webgl', metadata: { backend: 'webgl' }, testIgnore: [/wasm-only\./, ONCE_ON_WASM] },
		{ name: 'wasm', metadata: { backend: 'wasm' }, testIgnore: [/webgl-only\./, BACKEND_FREE] }
	],
	webServer: {
		// vite itself, not through npx: a killed npx can leave its child server holding the port.
		command: `node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port ${PORT} --strictPort`,
		url: `http://127.0.0.1:${PORT}${process.env.BASE_PATH ?? ''}/`,
		reuseExistingServer: !process.env.CI,
		timeout: 60_000
	}
});
