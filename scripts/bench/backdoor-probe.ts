import type { BenchHooks, Probe } from './probes';
import { longTaskFigures, watchLongTasks } from './long-tasks';

/**
 * One backdoor training run as the poisoning page runs it: p = 5 %, target 7, 2,000 training
 * digits, the small CNN for 3 epochs (BadNets, Gu et al. 2017). Reports the training time the
 * page measured (without scoring the 2 x 2,000 test digits) and the run's two figures, and the
 * page's longest tasks while it runs (after the page's own start-up has finished).
 */
export const backdoorTrain: Probe = {
	name: 'backdoorTrain',
	async run({ page, open, backend }) {
		if (backend === 'cpu')
			return { backdoorTrainMs: null, backdoorTrainNote: 'skipped on CPU: minutes per run' };
		await open('labs/poisoning/?bd-rate=0.05&bd-train=2000&bd-target=7&bd-seed=1');
		// the page's own start-up (the label-flip panel fits its first detector) is over, so the
		// long tasks watched are the backdoor run's, as in the other probes
		await page
			.getByTestId('train-status')
			.getByText('labels flipped')
			.waitFor({ timeout: 120_000 });
		const panel = page.getByRole('region', { name: 'Backdoor trigger on digits' });
		const watch = await watchLongTasks(page);
		await panel.getByRole('button', { name: 'Train at p' }).click();
		await panel.getByTestId('backdoor-status').getByText('done').waitFor({ timeout: 600_000 });
		const tasks = await watch.stop();
		const point = await page.evaluate(
			() => (globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.backdoor!.points[0]
		);
		return {
			backdoorTrainMs: Math.round(point.trainMs),
			backdoorAttackSuccess: Math.round(1000 * point.attackSuccessRate) / 1000,
			backdoorCleanAccuracy: Math.round(1000 * point.cleanAccuracy) / 1000,
			...longTaskFigures('Backdoor', tasks)
		};
	}
};
