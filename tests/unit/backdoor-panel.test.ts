import { describe, expect, it, vi } from 'vitest';
import { loadMnist } from '../../src/lib/data/mnist';
import { readStaticAsset } from '../../scripts/lib/paths';
import {
	DEFAULTS,
	readBackdoorParams,
	writeBackdoorParams
} from '../../src/lib/labs/poisoning/backdoor/params';
import { useBackend } from './helpers/setup';

// The panel's state against the real training core, with the browser runtime's digit loader
// swapped for the files on disk.
vi.mock('$lib/runtime/lab-runtime.svelte', () => ({
	runtime: {
		digits: (split: 'train' | 'test') => loadMnist(split, readStaticAsset),
		timed: <T>(_label: string, call: () => Promise<T>) => call()
	}
}));

describe('backdoor panel URL parameters', () => {
	it('round-trip beside the lab’s other keys, leaving defaults out', () => {
		const params = { rate: 0.1, target: 3, seed: 9, trainCount: 4000 };
		const search = writeBackdoorParams(params, '?backend=wasm&rate=0.2');
		expect(search).toBe('?backend=wasm&rate=0.2&bd-rate=0.1&bd-target=3&bd-seed=9&bd-train=4000');
		expect(readBackdoorParams(search)).toEqual({ params, problems: [] });
		expect(writeBackdoorParams(DEFAULTS, '?bd-rate=0.1')).toBe('');
	});

	it('reports bad values, says what was expected, and keeps the defaults', () => {
		const { params, problems } = readBackdoorParams(
			'?bd-rate=0.9&bd-target=11&bd-seed=-1&bd-train=3000'
		);
		expect(params).toEqual(DEFAULTS);
		expect(problems).toEqual([
			'?bd-rate=0.9 is not a rate from 0 to 0.5; using 0.05',
			'?bd-target=11 is not a digit from 0 to 9; using 7',
			'?bd-seed=-1 is not a whole number from 0 to 2147483647; using 1',
			'?bd-train=3000 is not one of 1000, 2000, 4000, 8000; using 2000'
		]);
	});
});

describe('backdoor panel state', () => {
	it('each run adds a point (one per rate), shows a flipping twin, and new settings start a new chart', async () => {
		await useBackend('wasm');
		const { BackdoorLab } =
			await import('../../src/lib/labs/poisoning/backdoor/backdoor-state.svelte');
		const lab = new BackdoorLab();
		lab.params = { rate: 0.1, target: 7, seed: 1, trainCount: 1000 };
		await lab.train();
		expect(lab.error).toBeNull();
		expect(lab.status).toBe('done');
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
		expect(lab.status).toBe('cancelled; the finished points stay');
		expect(lab.points).toHaveLength(2);

		lab.params.target = 3;
		const next = lab.train();
		expect(lab.points).toHaveLength(0); // a new chart for the new target
		lab.cancel();
		await next;
	});
});
