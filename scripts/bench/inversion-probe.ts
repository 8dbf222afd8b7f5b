import type { Page } from '@playwright/test';
import type { BenchHooks, Probe } from './probes';
import { longTaskFigures, watchLongTasks } from './long-tasks';

/** The gallery the probe times: all ten classes of mnist-cnn, batched, 300 steps. */
const MODEL = 'mnist-cnn';
const STEPS = 300;

const numTensors = (page: Page) =>
	page.evaluate(() =>
		(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.runtime.numTensors()
	);

/**
 * The inversion lab's white-box gallery as the page runs it (its bench hook): MI-Face on
 * mnist-cnn, all ten classes in one batch, 300 steps with patience and goal off (so every run
 * takes all its steps), the page redrawing the images as they form. The page opens on mnist-cnn,
 * so that what it trains ahead (the evaluator; a few-photos model only when that model is chosen)
 * is not still training beside the timed run. Reports the first run's wall time (the one a
 * learner waits for), a second run's, the evaluator's attack accuracy of the ten images, how often
 * the page redrew them, and the tensors the second run left behind (the first one also loads
 * mnist-cnn into the page's model cache).
 */
export const inversionGallery: Probe = {
	name: 'inversion',
	async run({ page, open, backend }) {
		await open(`labs/inversion/?model=${MODEL}`);
		// hydrated (the lab's hook), and the backend started (the runtime's hook comes after)
		await page.waitForFunction(
			(name) => {
				const hooks = (globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks;
				return hooks.inversion !== undefined && hooks.runtime?.backend() === name;
			},
			backend,
			{ timeout: 120_000 }
		);
		const gallery = () =>
			page.evaluate(
				([model, steps]) =>
					(
						globalThis as unknown as { __aiLabHooks: BenchHooks }
					).__aiLabHooks.inversion!.measureGallery(model, steps),
				[MODEL, STEPS] as const
			);
		const watch = await watchLongTasks(page);
		const first = await gallery();
		const tasks = await watch.stop();
		const before = await numTensors(page);
		const second = await gallery();
		const after = await numTensors(page);
		return {
			inversionMs: Math.round(first.ms),
			inversionRepeatMs: Math.round(second.ms),
			inversionAttackAccuracy: Math.round(1000 * first.attackAccuracy) / 1000,
			inversionFramesPerSecond: Math.round(10 * first.framesPerSecond) / 10,
			inversionLeakedTensors: after - before,
			...longTaskFigures('Inversion', tasks)
		};
	}
};
