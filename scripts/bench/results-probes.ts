/**
 * The bench's figures for instructor mode and for results that last (issues 13 and 14), each
 * measured on WASM, the backend `auto` picks on this kind of machine:
 * - sceneSwitchMs: Page Down in presenter view to the scene's readout changing on screen, for the
 *   adversarial and poisoning scenes that need no long run (timed inside the page);
 * - shelfSaveMs: keeping one finished robustness run in IndexedDB, 50 saves; shelfShownMs: the
 *   same through the shelf's `add`, until the shelf and its overlay chart have redrawn;
 * - compareLoadMs: 30 students' run files handed to /compare/ until the overlay chart is drawn;
 * - offlineColdStartMs: a second visit with the network off, navigation to the first prediction.
 */
import type { Page } from '@playwright/test';
import type { BenchHooks, Probe } from './probes';
import { HOOKS_INIT, percentile } from './probes';

interface ShelfHook {
	shelf?: {
		measureSave(count: number): Promise<number[]>;
		measureStore(count: number): Promise<number[]>;
		runFile(): string | null;
	};
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const summary = (times: number[]) => ({
	p50: round1(percentile(times, 0.5)),
	p95: round1(percentile(times, 0.95)),
	n: times.length
});

/** Time on each scene before Page Down, as in a lecture (ahead-of-time work gets this long). */
const SCENE_DWELL_MS = 5000;

const wasmOnly = (key: string) => ({ [key]: null, [`${key}Note`]: 'measured on WASM only' });

/**
 * Steps through a lab's scenes with Page Down and times each from the key press to the first
 * change of the readout's text on screen. Scenes whose run is long are skipped (their result is a curve
 * that takes seconds by design); a scene that leaves the readout as it was is not counted.
 */
async function timeScenes(page: Page, readout: string, ids: string[]): Promise<number[]> {
	await page.evaluate((selector) => {
		const w = globalThis as unknown as {
			__scene: { pressed: number | null; text: string | null; times: number[] };
		};
		w.__scene = { pressed: null, text: null, times: [] };
		// (no named functions in here: the bench's transpiler would wrap them in a helper the page lacks)
		document.addEventListener(
			'keydown',
			(e) => {
				if (e.key !== 'PageDown') return;
				w.__scene.pressed = performance.now();
				w.__scene.text = document.querySelector(selector)?.textContent ?? null;
			},
			true
		);
		// Counted when the readout's text differs from what it said at the key press (a re-render
		// that writes the same text is not a result).
		new MutationObserver(() => {
			const s = w.__scene;
			if (s.pressed === null) return;
			if ((document.querySelector(selector)?.textContent ?? null) === s.text) return;
			s.times.push(performance.now() - s.pressed);
			s.pressed = null;
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	}, readout);
	const times: number[] = [];
	for (const id of ids) {
		const before = await page.evaluate(
			() => (globalThis as unknown as { __scene: { times: number[] } }).__scene.times.length
		);
		await page.keyboard.press('PageDown');
		await page.locator(`[data-scene="${id}"][aria-current="step"]`).waitFor();
		const changed = await page
			.waitForFunction(
				(n) => (globalThis as unknown as { __scene: { times: number[] } }).__scene.times.length > n,
				before,
				{ timeout: 10_000 }
			)
			.then(() => true)
			.catch(() => false);
		if (changed)
			times.push(
				await page.evaluate(() =>
					(globalThis as unknown as { __scene: { times: number[] } }).__scene.times.at(-1)!
				)
			);
		// An instructor talks over each scene before the next key: what a scene starts ahead for the
		// next one (the kNN neighbour search, ~3 s) has that long to finish.
		await page.waitForTimeout(SCENE_DWELL_MS);
	}
	return times;
}

export const sceneSwitch: Probe = {
	name: 'sceneSwitch',
	async run({ page, open, backend }) {
		if (backend !== 'wasm') return wasmOnly('sceneSwitchMs');
		const times: number[] = [];
		await open('labs/adversarial/?present');
		await page.getByTestId('prediction-after').waitFor({ timeout: 120_000 });
		times.push(
			...(await timeScenes(page, '[data-testid="prediction-after"]', [
				'cnn',
				'invisible',
				'flip',
				'shallow'
			]))
		);
		await open('labs/poisoning/?present');
		await page
			.getByTestId('train-status')
			.getByText('labels flipped')
			.waitFor({ timeout: 120_000 });
		times.push(
			...(await timeScenes(page, '[data-testid="poisoned-recall"]', [
				'clean',
				'targeted',
				'random',
				'knn'
			]))
		);
		return { sceneSwitchMs: summary(times), sceneSwitchRunsMs: times.map(Math.round) };
	}
};

export const shelfAndCompare: Probe = {
	name: 'shelfAndCompare',
	async run({ page, open, backend }) {
		if (backend !== 'wasm') return { ...wasmOnly('shelfSaveMs'), ...wasmOnly('compareLoadMs') };
		// one real finished robustness run (100 digits, FGSM) lands on the shelf
		await open('labs/adversarial/?samples=100');
		await page.getByTestId('prediction-after').waitFor({ timeout: 120_000 });
		await page.getByRole('button', { name: 'Run curves' }).click();
		await page.getByTestId('curve-status').getByText('done').waitFor({ timeout: 600_000 });
		await page.getByTestId('shelf-run').first().waitFor();
		const stores = await page.evaluate(() =>
			(
				globalThis as unknown as { __aiLabHooks: BenchHooks & ShelfHook }
			).__aiLabHooks.shelf!.measureStore(50)
		);
		const saves = await page.evaluate(() =>
			(
				globalThis as unknown as { __aiLabHooks: BenchHooks & ShelfHook }
			).__aiLabHooks.shelf!.measureSave(50)
		);
		const file = await page.evaluate(() =>
			(
				globalThis as unknown as { __aiLabHooks: BenchHooks & ShelfHook }
			).__aiLabHooks.shelf!.runFile()
		);
		if (!file) throw new Error('no run on the shelf after the curves');

		// a class: 30 students' files, each the run under another id and name
		const json = JSON.parse(file) as { run: { id: string; name: string } };
		const files = Array.from({ length: 30 }, (_, i) => ({
			name: `student-${i + 1}.json`,
			mimeType: 'application/json',
			buffer: Buffer.from(
				JSON.stringify({
					...json,
					run: { ...json.run, id: `${json.run.id}-${i}`, name: `student ${i + 1}` }
				})
			)
		}));
		await open('compare/');
		const input = page.getByTestId('compare-files');
		await input.waitFor({ state: 'attached' });
		const t0 = Date.now();
		await input.setInputFiles(files);
		await page.getByTestId('compare-status').getByText('30 of 30 files loaded').waitFor();
		await page.getByTestId('compare-group').getByTestId('overlay-chart').waitFor();
		// the chart is drawn in the frame after the DOM has it
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
		const compareLoadMs = Date.now() - t0;
		return { shelfSaveMs: summary(stores), shelfShownMs: summary(saves), compareLoadMs };
	}
};

export const offlineColdStart: Probe = {
	name: 'offlineColdStart',
	async run({ backend, browser, url }) {
		if (backend !== 'wasm') return wasmOnly('offlineColdStartMs');
		const context = await browser.newContext({ serviceWorkers: 'allow' });
		try {
			await context.addInitScript(HOOKS_INIT);
			const first = await context.newPage();
			// the first visit: the service worker installs, caches the site and takes the page over
			await first.goto(url(''));
			await first.waitForFunction(
				async () => (await navigator.serviceWorker.ready).active !== null
			);
			await first.reload();
			await first.waitForFunction(() => navigator.serviceWorker.controller !== null);
			await first.close();
			await context.setOffline(true);
			const runs: number[] = [];
			for (let i = 0; i < 3; i++) {
				const tab = await context.newPage();
				await tab.goto(url(''));
				await tab.getByTestId('prediction').waitFor({ timeout: 120_000 });
				await tab.waitForFunction(
					() => performance.getEntriesByName('first-prediction').length > 0
				);
				runs.push(
					await tab.evaluate(() => performance.getEntriesByName('first-prediction')[0].startTime)
				);
				await tab.close();
			}
			return {
				offlineColdStartMs: Math.round(percentile(runs, 0.5)),
				offlineColdStartRunsMs: runs.map(Math.round)
			};
		} finally {
			await context.close();
		}
	}
};
