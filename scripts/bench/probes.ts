/**
 * What the bench measures on each backend, in a real headless Chromium against the built site.
 * Each probe returns figures that land under backends.<name> in the JSON; a lab adds its probe to
 * PROBES. Probes report; they never fail on time.
 */
import type { Page } from '@playwright/test';

export interface ProbeContext {
	page: Page;
	backend: string;
	/** opens a site path on this backend in a fresh page load */
	open(path: string): Promise<void>;
}

export interface Probe {
	name: string;
	run(ctx: ProbeContext): Promise<Record<string, unknown>>;
}

const numTensors = (page: Page) =>
	page.evaluate(() =>
		(globalThis as unknown as { __aiLab: { numTensors(): number } }).__aiLab.numTensors()
	);

const COLD_RUNS = 3;
const INTERACTIONS = 50;

export const coldStart: Probe = {
	name: 'coldStart',
	async run({ page, open }) {
		const runs: number[] = [];
		for (let i = 0; i < COLD_RUNS; i++) {
			// A new load of the page; the HTTP cache is disabled by the bench, so each run is cold.
			await open('');
			await page.getByTestId('prediction').waitFor({ timeout: 120_000 });
			await page.waitForFunction(() => performance.getEntriesByName('first-prediction').length > 0);
			runs.push(
				await page.evaluate(() => performance.getEntriesByName('first-prediction')[0].startTime)
			);
		}
		const sorted = [...runs].sort((a, b) => a - b);
		return {
			coldStartMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
			coldStartRunsMs: runs.map(Math.round)
		};
	}
};

export const leaks: Probe = {
	name: 'leaks',
	async run({ page, open }) {
		await open('');
		const prediction = page.getByTestId('prediction');
		await prediction.waitFor();
		const before = await numTensors(page);
		const button = page.getByRole('button', { name: 'Another digit' });
		for (let i = 0; i < INTERACTIONS; i++) {
			await button.click();
			await prediction.waitFor();
		}
		const after = await numTensors(page);
		return { leakedTensors: after - before, leakInteractions: INTERACTIONS };
	}
};

export const PROBES: Probe[] = [coldStart, leaks];
