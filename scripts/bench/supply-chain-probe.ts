import type { Page } from '@playwright/test';
import type { BenchHooks, Probe } from './probes';
import { longTaskFigures, watchLongTasks } from './long-tasks';

/** The page's tensors and the lab worker's (where the scans run). */
const numTensors = (page: Page) =>
	page.evaluate(async () => {
		const runtime = (globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.runtime;
		return runtime.numTensors() + ((await runtime.worker())?.numTensors ?? 0);
	});

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
};

/**
 * The supply-chain lab as the page runs it: the hub check the page starts on its own (every
 * copy's SHA-256 digests and Ed25519 signature through Web Crypto: `verifyMs` is the median
 * over the copies that have a manifest, `verifyMaxMs` the slowest), then Neural Cleanse on the
 * trojaned copy with the lab's settings (all ten classes of mnist-cnn: `neuralCleanseMs`), and the
 * tensors a second scan leaves behind.
 */
export const supplyChain: Probe = {
	name: 'supplyChain',
	async run({ page, open, backend }) {
		await open('labs/supply-chain/');
		await page.waitForFunction(
			(name) => {
				const hooks = (globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks;
				return hooks.supplyChain !== undefined && hooks.runtime?.backend() === name;
			},
			backend,
			{ timeout: 120_000 }
		);
		await page
			.getByTestId('hub-status')
			.getByText(/^checked/)
			.waitFor({ timeout: 120_000 });
		const checks = await page.evaluate(() =>
			(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.supplyChain!.checks()
		);
		const verify = checks.filter((c) => c.report).map((c) => c.verifyMs);
		const scan = () =>
			page.evaluate(
				() =>
					(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.supplyChain!.scan(
						'trojaned'
					),
				undefined
			);
		const watch = await watchLongTasks(page);
		const first = await scan();
		const tasks = await watch.stop();
		const before = await numTensors(page);
		await scan();
		const after = await numTensors(page);
		return {
			verifyMs: Math.round(100 * median(verify)) / 100,
			verifyMaxMs: Math.round(100 * Math.max(...verify)) / 100,
			neuralCleanseMs: Math.round(first.ms),
			neuralCleanseFlagged: first.flagged.join(',') || 'none',
			neuralCleanseLeakedTensors: after - before,
			...longTaskFigures('SupplyChain', tasks)
		};
	}
};
