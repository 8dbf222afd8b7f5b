// Transfer sizes: gzip bytes of each page's JavaScript (as the page actually requests it), of the
// WASM binaries and of the models and digit files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from '@playwright/test';
import { MODEL_IDS } from '../../src/lib/ml/models';
import { BUILD_DIR } from '../lib/paths';

const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

function dirGzip(dir: string) {
	return readdirSync(dir)
		.filter((f) => statSync(join(dir, f)).isFile() && !f.endsWith('.md'))
		.reduce((sum, f) => sum + gz(join(dir, f)), 0);
}

export async function measurePayload(
	browser: Browser,
	siteUrl: string,
	pages: string[],
	backend: string
) {
	const perPage: Record<string, { jsGzipBytes: number; jsFiles: number; wasmGzipBytes: number }> =
		{};
	for (const path of pages) {
		const context = await browser.newContext();
		const page = await context.newPage();
		const js = new Set<string>();
		const wasm = new Set<string>();
		page.on('request', (r) => {
			const { pathname } = new URL(r.url());
			if (pathname.endsWith('.js')) js.add(pathname);
			if (pathname.endsWith('.wasm')) wasm.add(pathname);
		});
		await page.goto(`${siteUrl}${path}?backend=${backend}`);
		await page.waitForLoadState('networkidle');
		const base = new URL(siteUrl).pathname;
		const local = (p: string) => join(BUILD_DIR, p.slice(base.length));
		perPage[`/${path}`] = {
			jsGzipBytes: [...js].reduce((sum, p) => sum + gz(local(p)), 0),
			jsFiles: js.size,
			wasmGzipBytes: [...wasm].reduce((sum, p) => sum + gz(local(p)), 0)
		};
		await context.close();
	}
	const models = Object.fromEntries(
		MODEL_IDS.map((id) => [id, { gzipBytes: dirGzip(join(BUILD_DIR, 'models', id)) }])
	);
	const data = Object.fromEntries(
		['train', 'test'].map((s) => [
			`mnist-${s}`,
			{ bytes: statSync(join(BUILD_DIR, `data/mnist/${s}.bin.gz`)).size }
		])
	);
	return { pages: perPage, models, data, backendForPages: backend };
}
