/**
 * Runs before `npm test`: makes sure a Chromium exists for the browser tests. Uses a system
 * Chromium or Playwright's own; on a Debian/Ubuntu machine where we are root (containers, CI) it
 * installs Debian's chromium; otherwise it says what to install and stops.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './lib/chromium';

function tryFind(): boolean {
	try {
		findChromium();
		return true;
	} catch {
		return false;
	}
}

if (!tryFind()) {
	const root = process.getuid?.() === 0;
	if (root && existsSync('/usr/bin/apt-get')) {
		console.log("npm test: no Chromium found; installing Debian's chromium (apt-get)…");
		const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
		const install =
			update.status === 0 &&
			spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
				stdio: 'inherit',
				env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
			}).status === 0;
		if (!install || !tryFind()) {
			console.error(
				'npm test: installing chromium failed; install it yourself (apt-get install chromium) or set CHROMIUM_PATH'
			);
			process.exit(1);
		}
	} else {
		try {
			findChromium();
		} catch (err) {
			console.error(`npm test: ${(err as Error).message}`);
			process.exit(1);
		}
	}
}
