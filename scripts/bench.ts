/**
 * npm run bench [-- --json] [--backends wasm,webgl,cpu]: serves the built site on loopback, drives
 * headless Chromium through the pages on each backend, and prints what it measured. It reports;
 * it never fails on time. JSON: { backends: { <name>: {...} }, payload: {...}, machine: {...} }.
 */
import os from 'node:os';
import { chromium } from '@playwright/test';
import { parseOptions, UsageError } from './cli/args';
import { builtPages } from './lib/pages';
import { CHROMIUM_ARGS, findChromium } from './lib/chromium';
import { BUILD_DIR } from './lib/paths';
import { measurePayload } from './bench/payload';
import { HOOKS_INIT, PROBES, type BenchHooks } from './bench/probes';
import { ensureBuild, startPreview } from './bench/server';
import { peerComparison } from './bench/peer';

const ALL_BACKENDS = ['wasm', 'webgl', 'cpu'] as const;

async function main() {
	const options = parseOptions(
		process.argv.slice(2),
		[
			{ name: 'json', kind: 'flag', help: 'print JSON' },
			{
				name: 'backends',
				kind: 'string',
				default: ALL_BACKENDS.join(','),
				help: 'backends to measure'
			},
			{
				name: 'port',
				kind: 'integer',
				default: 4179,
				min: 1024,
				max: 65535,
				help: 'loopback port'
			},
			{
				name: 'probes',
				kind: 'string',
				default: '',
				help: 'only these probes, comma-separated (default: all)'
			},
			{
				name: 'peer',
				kind: 'flag',
				help: 'also time our FGSM slider path against a fresh tf.grad per eps (Node, WASM)'
			}
		],
		'bench'
	);
	const backends = String(options.backends).split(',');
	for (const b of backends) {
		if (!(ALL_BACKENDS as readonly string[]).includes(b)) {
			throw new UsageError(`bench: --backends takes ${ALL_BACKENDS.join(', ')}, got "${b}"`);
		}
	}
	const only = String(options.probes).split(',').filter(Boolean);
	for (const name of only) {
		if (!PROBES.some((p) => p.name === name)) {
			throw new UsageError(
				`bench: --probes takes ${PROBES.map((p) => p.name).join(', ')}, got "${name}"`
			);
		}
	}
	const probes = only.length ? PROBES.filter((p) => only.includes(p.name)) : PROBES;
	const log = (line: string) => {
		if (!options.json) console.log(line);
		else console.error(line);
	};
	await ensureBuild(log);
	const server = await startPreview(Number(options.port));
	const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
	const result: {
		backends: Record<string, Record<string, unknown>>;
		payload: unknown;
		machine: Record<string, unknown>;
		peer?: unknown;
	} = { backends: {}, payload: {}, machine: {} };
	try {
		for (const backend of backends) {
			const figures: Record<string, unknown> = {};
			const context = await browser.newContext();
			await context.addInitScript(HOOKS_INIT);
			const page = await context.newPage();
			const cdp = await context.newCDPSession(page);
			await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
			// a path may carry a query of its own (a lab's settings): the backend joins it
			const url = (path: string) =>
				`${server.url}${path}${path.includes('?') ? '&' : '?'}backend=${backend}`;
			const open = async (path: string) => {
				await page.goto(url(path));
			};
			const coldPage = async (path: string) => {
				const fresh = await browser.newContext();
				await fresh.addInitScript(HOOKS_INIT);
				const coldTab = await fresh.newPage();
				await coldTab.goto(url(path));
				return { page: coldTab, close: () => fresh.close() };
			};
			for (const probe of probes) {
				log(`${backend}: ${probe.name}…`);
				try {
					Object.assign(
						figures,
						await probe.run({
							page,
							backend,
							open,
							coldPage,
							browser,
							url
						})
					);
				} catch (err) {
					figures[`${probe.name}Error`] = (err as Error).message.split('\n')[0];
				}
			}
			// One headline leak figure per backend: the worst of the leak probes.
			const leaks = ['homeLeakedTensors', 'sliderLeakedTensors']
				.map((k) => figures[k])
				.filter((v): v is number => typeof v === 'number');
			figures.leakedTensors = leaks.length ? Math.max(...leaks) : null;
			// One headline responsiveness figure: the longest main-thread task of any lab's main run.
			const longest = Object.entries(figures).filter(
				(e): e is [string, number] => e[0].startsWith('longestTaskMs') && typeof e[1] === 'number'
			);
			if (longest.length) {
				const [key, ms] = longest.reduce((a, b) => (b[1] > a[1] ? b : a));
				figures.longestTaskMs = ms;
				figures.longestTaskLab = key.slice('longestTaskMs'.length);
			}
			figures.activeBackend = await page.evaluate(() =>
				(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.runtime?.backend()
			);
			figures.renderer = await page.evaluate(() => {
				const gl = document.createElement('canvas').getContext('webgl2');
				const ext = gl?.getExtension('WEBGL_debug_renderer_info');
				return gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : null;
			});
			result.backends[backend] = figures;
			await context.close();
		}
		log('payload…');
		result.payload = await measurePayload(browser, server.url, builtPages(BUILD_DIR), 'wasm');
		if (options.peer) {
			log('peer comparison (Node, WASM)…');
			result.peer = await peerComparison();
		}
		result.machine = {
			cpus: os.cpus().length,
			cpuModel: os.cpus()[0]?.model,
			memoryGiB: Math.round(os.totalmem() / 2 ** 30),
			node: process.version,
			chromium: browser.version()
		};
	} finally {
		await browser.close();
		server.stop();
	}
	if (options.json) console.log(JSON.stringify(result, null, 2));
	else printTable(result);
}

function printTable(result: {
	backends: Record<string, Record<string, unknown>>;
	payload: unknown;
	peer?: unknown;
}) {
	if (result.peer) console.log(`\nPeer comparison: ${JSON.stringify(result.peer)}`);
	console.log('\nPer backend:');
	for (const [name, figures] of Object.entries(result.backends)) {
		const shown = Object.entries(figures)
			.filter(([k]) => k !== 'renderer' && !k.endsWith('RunsMs'))
			.map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`)
			.join(', ');
		console.log(`  ${name.padEnd(6)} ${shown}`);
	}
	const payload = result.payload as {
		pages: Record<string, { jsGzipBytes: number; wasmGzipBytes: number }>;
		models: Record<string, { gzipBytes: number }>;
		data: Record<string, { bytes: number }>;
	};
	const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
	console.log('\nPayload (gzip):');
	for (const [path, p] of Object.entries(payload.pages)) {
		console.log(`  page ${path.padEnd(24)} JS ${kib(p.jsGzipBytes)}, WASM ${kib(p.wasmGzipBytes)}`);
	}
	for (const [id, m] of Object.entries(payload.models))
		console.log(`  model ${id.padEnd(23)} ${kib(m.gzipBytes)}`);
	for (const [id, d] of Object.entries(payload.data))
		console.log(`  data ${id.padEnd(24)} ${kib(d.bytes)}`);
}

main().catch((err: Error) => {
	console.error(`bench: ${err.message}`);
	process.exit(err instanceof UsageError ? 2 : 1);
});
