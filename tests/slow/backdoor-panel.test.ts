import { describe, expect, it, vi } from 'vitest';
import { loadMnist } from '../../src/lib/data/mnist';
import { readStaticAsset } from '../../scripts/lib/paths';
import { useBackend } from '../helpers/setup';

// The panel's state against the real training core, with the browser runtime's digit loader
// swapped for the files on disk.
vi.mock('$lib/runtime/lab-runtime.svelte', () => ({
	runtime: {
		digits: (split: 'train' | 'test') => loadMnist(split, readStaticAsset),
		timed: <T>(_label: string, call: () => Promise<T>) => call(),
		onBackendChange: () => () => {}
	}
}));

describe('backdoor panel state', () => {
	it('each run adds a point (one per rate), shows a flipping twin, and new settings start a new chart', async () => {
		await useBackend('wasm');
		const { BackdoorLab } =
			await import('../../src/lib/labs/poisoning/backdoor/backdoor-state.svelte');
		const lab = new BackdoorLab();
		lab.params = { rate: 0.1, target: 7, seed: 1, trainCount: 1000 };
		await lab.train();
		expect(lab.job.error).toBeNull();
		expect(lab.job.status).toBe('done');
		expect(lab.points.map((p) => p.rate)).toEqual([0.1]);
		expect(lab.points[0].poisonedCount).toBe(100);
		const twin = lab.twin!;
		expect(twin.cleanPrediction).toBe(twin.trueLabel);
		expect(twin.triggeredPrediction).toBe(7);
		expect(twin.triggeredPixels[23 * 28 + 23]).toBe(1);
		expect(twin.cleanPixels.filter((v, i) => v !== twin.triggeredPixels[i]).length).toBeGreaterThan(
			0
		);

		lab.params.rate = 0;
		await lab.train();
		expect(lab.points.map((p) => p.rate)).toEqual([0, 0.1]);
		expect(lab.points[0].attackSuccessRate).toBeLessThan(lab.points[1].attackSuccessRate);

		// cancelling keeps the finished points
		lab.params.rate = 0.05;
		const run = lab.train();
		lab.cancel();
		await run;
		expect(lab.job.status).toBe('cancelled; the finished points stay');
		expect(lab.job.running).toBeNull();
		expect(lab.points).toHaveLength(2);

		lab.params.target = 3;
		const next = lab.train();
		expect(lab.points).toHaveLength(0); // a new chart for the new target
		lab.cancel();
		await next;
	});
});
