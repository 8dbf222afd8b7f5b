// Which Chromium the browser tests and the bench drive: a system Chromium where there is one,
// otherwise Playwright's own download, otherwise a message saying what to install.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_CANDIDATES = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome'
];

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run',
	'--disable-sync',
	// Lets WebGL run on SwiftShader when there is no GPU (as on CI); real GPUs are unaffected.
	'--enable-unsafe-swiftshader'
];

/** The executable to launch, or undefined for Playwright's own browser. Throws if neither exists. */
export function findChromium(): string | undefined {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv) {
		if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
		return fromEnv;
	}
	const system = SYSTEM_CANDIDATES.find((p) => existsSync(p));
	if (system) return system;
	let bundled: string | null;
	try {
		bundled = chromium.executablePath();
	} catch {
		bundled = null;
	}
	if (bundled && existsSync(bundled)) return undefined;
	throw new Error(
		'No Chromium found for the browser tests. Install one: `sudo apt-get install chromium` ' +
			'(Debian/Ubuntu), or `npx playwright install chromium`, or set CHROMIUM_PATH to a ' +
			'Chromium or Chrome executable.'
	);
}
