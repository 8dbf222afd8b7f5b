import { test as base, expect, type Page } from '@playwright/test';

export type Backend = 'webgl' | 'wasm';

interface LabFixtures {
	/** The backend this project runs under. */
	backend: Backend;
	/** Opens a site path (relative, e.g. 'models/') on this project's backend. */
	open: (path?: string) => Promise<void>;
}

/**
 * The app's test hooks (src/lib/runtime/test-hooks.ts): asking for them before the page's
 * scripts run is what makes the page register its runtime and labs under __aiLabHooks.
 */
export interface WorkerState {
	numTensors: number;
	backend: string | null;
	wasm: { simd: boolean; threaded: boolean; threads: number } | null;
}

export interface Hooks {
	runtime: {
		backend(): string;
		numTensors(): number;
		loseWebGLContext(): boolean;
		/** the lab's worker (src/lib/runtime/worker), null before its first task */
		worker(): Promise<WorkerState | null>;
		/** draws through the worker's DP-SGD noise source, each announced ahead */
		workerNoise(requests: { count: number; std: number; seed: number }[]): Promise<{
			values: Float32Array[];
			/** draws the noise worker made, and draws made on the spot, since the worker started */
			stats: { parallel: number; inline: number } | null;
		}>;
	};
	[lab: string]: unknown;
}

export const test = base.extend<LabFixtures>({
	page: async ({ page }, use) => {
		await page.addInitScript(() => {
			(globalThis as unknown as { __aiLabHooks: object }).__aiLabHooks = {};
		});
		await use(page);
	},
	// eslint-disable-next-line no-empty-pattern -- Playwright requires the fixtures argument here
	backend: async ({}, use, testInfo) => {
		await use(testInfo.project.metadata.backend as Backend);
	},
	open: async ({ page, backend }, use) => {
		await use(async (path = '') => {
			await page.goto(`${path}${path.includes('?') ? '&' : '?'}backend=${backend}`);
			await expectBackend(page, backend);
		});
	}
});

/** Waits until the badge says the page runs on `backend`. */
export async function expectBackend(page: Page, backend: Backend) {
	const label = { webgl: 'WebGL', wasm: 'WASM' }[backend];
	await expect(page.getByTestId('backend-name')).toHaveText(label);
}

export { expect };

/** Reads the page's hooks; see Hooks. */
export function hooks(page: Page) {
	return {
		loseWebGLContext: () =>
			page.evaluate(() =>
				(globalThis as unknown as { __aiLabHooks: Hooks }).__aiLabHooks.runtime.loseWebGLContext()
			),
		numTensors: () =>
			page.evaluate(() =>
				(globalThis as unknown as { __aiLabHooks: Hooks }).__aiLabHooks.runtime.numTensors()
			),
		worker: () =>
			page.evaluate(() =>
				(globalThis as unknown as { __aiLabHooks: Hooks }).__aiLabHooks.runtime.worker()
			)
	};
}
