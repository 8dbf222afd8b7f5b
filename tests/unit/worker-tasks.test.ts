import { beforeAll, describe, expect, it } from 'vitest';
import { fraudPoisonData, neighboursOf, poisonSweep } from '../../src/lib/ml/poisoning/experiment';
import {
	DATASET_INFO,
	fraudPrivacyData,
	runPrivacyExperiment,
	type RunConfig
} from '../../src/lib/ml/privacy/experiment';
import { dataKey, offMainThread, whereText } from '../../src/lib/runtime/worker/client';
import { portablePoisonData } from '../../src/lib/runtime/worker/tasks';
import { expectNoLeaks } from '../helpers/leaks';
import { useBackend } from '../helpers/setup';

// The lab's worker tasks (src/lib/runtime/worker/tasks.ts) through offMainThread: Node has no
// Web Worker, so this is the path a browser without workers takes, the same code the worker runs.
// The worker itself is tested in the browser (tests/e2e/worker.test.ts).

beforeAll(() => useBackend('wasm'));

const config: RunConfig = {
	sigma: 1,
	clip: 1,
	batchSize: 50,
	epochs: 2,
	delta: 1e-5,
	learningRate: DATASET_INFO.fraud.learningRate,
	momentum: 0,
	sampling: 'poisson',
	seed: 3
};

describe('offMainThread without a worker', () => {
	it('runs DP-SGD on the page: the core result, its epochs as events, progress to 1, no leak', async () => {
		const data = fraudPrivacyData(300, 4);
		const events: unknown[] = [];
		const progress: number[] = [];
		const { result, where } = await expectNoLeaks(() =>
			offMainThread(
				'privacy',
				{ data, config },
				{
					signal: new AbortController().signal,
					onEvent: (e) => events.push(e),
					onProgress: (f) => progress.push(f)
				}
			)
		);
		expect(where).toEqual({ worker: false, backend: 'wasm' });
		expect(whereText(where)).toBe('ran on the page on WASM (this browser has no workers)');
		const direct = await runPrivacyExperiment(data, config);
		expect(result.accuracy).toBe(direct.accuracy);
		expect(result.epsilon).toBe(direct.epsilon);
		expect(events).toEqual(direct.history);
		expect(events).toHaveLength(2);
		expect(progress.at(-1)).toBe(1);
	});

	it('a cancel stops the run with an AbortError and frees its tensors', async () => {
		const data = fraudPrivacyData(300, 4);
		const before = new AbortController();
		before.abort();
		await expect(
			offMainThread('privacy', { data, config }, { signal: before.signal })
		).rejects.toMatchObject({ name: 'AbortError' });
		await expectNoLeaks(async () => {
			const during = new AbortController();
			const run = offMainThread(
				'privacy',
				{ data, config: { ...config, epochs: 50 } },
				{ signal: during.signal, onProgress: (f) => f > 0.05 && during.abort() }
			);
			await expect(run).rejects.toMatchObject({ name: 'AbortError' });
		});
	});
});

describe('what crosses to the worker', () => {
	it('a poisoning data set goes without its caches (a pending search cannot be cloned) and sweeps the same', async () => {
		const data = fraudPoisonData(2000, 500);
		const pending = neighboursOf(data);
		expect(() => structuredClone(data)).toThrow();
		const portable = structuredClone(portablePoisonData(data));
		expect(Object.keys(portable).sort()).toEqual(
			['dims', 'featureNames', 'name', 'rawTrain', 'test', 'train'].sort()
		);
		await pending;
		const options = {
			attack: 'random' as const,
			rates: [0, 0.2],
			seeds: 2,
			seed: 1,
			model: 'logreg' as const,
			defence: 'none' as const
		};
		const { result } = await offMainThread(
			'poisonSweep',
			{ key: dataKey(data), data: portable, options },
			{ signal: new AbortController().signal }
		);
		const direct = await poisonSweep(data, options);
		expect(result.points).toEqual(direct.points);
	});

	it('dataKey names the object, not its contents', () => {
		const a = { x: 1 };
		expect(dataKey(a)).toBe(dataKey(a));
		expect(dataKey({ x: 1 })).not.toBe(dataKey(a));
	});
});
