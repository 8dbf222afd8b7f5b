import { test, expect, hooks, type Hooks } from './fixtures';

// The heavy lab runs train in the lab's worker (src/lib/runtime/worker): the page's main thread
// only draws. On both backends: where the run went, its results, cancel, and the worker's
// tensors back to none after each run, cancelled or not.

// A CNN trains in these tests; on WebGL through SwiftShader (no GPU) that is slow.
test.slow();

const LABEL = { webgl: 'WebGL', wasm: 'WASM' } as const;

test('a backdoor training runs in the worker on this backend; a cancel frees its tensors and the page is left as it was', async ({
	page,
	open,
	backend
}) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await open('labs/poisoning/?bd-rate=0.1&bd-train=1000');
	const lab = hooks(page);
	const panel = page.getByRole('region', { name: 'Backdoor trigger on digits' });
	const pageTensors = await lab.numTensors();

	await panel.getByRole('button', { name: 'Train at p' }).click();
	const progress = panel.getByRole('progressbar', { name: 'Backdoor training progress' });
	await expect
		.poll(async () => Number(await progress.getAttribute('value')), { timeout: 120_000 })
		.toBeGreaterThan(0);
	await panel.getByRole('button', { name: 'Cancel' }).click();
	await expect(panel.getByTestId('backdoor-status')).toHaveText(
		'cancelled; the finished points stay'
	);
	await expect(panel.getByRole('button', { name: 'Train at p' })).toBeEnabled();
	// the worker stops at its next batch and frees the model, the batches and the optimiser
	await expect.poll(async () => (await lab.worker())?.numTensors, { timeout: 60_000 }).toBe(0);
	expect((await lab.worker())?.backend).toBe(backend);
	expect(await lab.numTensors()).toBe(pageTensors);
	await expect(panel.getByTestId('backdoor-table').locator('tbody tr')).toHaveCount(0);

	await panel.getByRole('button', { name: 'Train at p' }).click();
	await expect(panel.getByTestId('backdoor-status')).toHaveText('done', { timeout: 300_000 });
	await expect(panel.getByTestId('backdoor-where')).toHaveText(
		`(ran in a background worker on ${LABEL[backend]})`
	);
	const rows = panel.getByTestId('backdoor-table').locator('tbody tr');
	await expect(rows).toHaveCount(1);
	await expect(rows.first().locator('td').first()).toHaveText('100');
	expect((await lab.worker())?.numTensors).toBe(0);
	expect(await lab.numTensors()).toBe(pageTensors);
	await expect(panel.getByRole('alert')).toHaveCount(0);
	expect(errors).toEqual([]);
});

test('DP-SGD trains in the worker with its live curve; a cancelled sweep frees the worker and keeps the finished runs', async ({
	page,
	open,
	backend
}) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await open('labs/privacy/?dataset=fraud&sigma=1&epochs=10');
	const lab = hooks(page);
	const pageTensors = await lab.numTensors();
	await page.getByRole('button', { name: 'Train', exact: true }).click();
	await expect(page.getByTestId('train-status')).toHaveText('done', { timeout: 120_000 });
	await expect(page.getByTestId('train-where')).toHaveText(
		`(ran in a background worker on ${LABEL[backend]})`
	);
	// the epochs' points came back from the worker as it trained
	await expect(page.getByTestId('live-summary')).toContainText('epoch 10,');
	await expect(page.getByTestId('tradeoff-count')).toHaveText('1 run on the chart');
	expect((await lab.worker())?.numTensors).toBe(0);

	await page.getByRole('button', { name: 'Sweep sigma' }).click();
	// the sweep's second training under way: one run of the sweep is done, six or seven to go
	await expect(page.getByTestId('live-summary')).toContainText('(2 of 8)', { timeout: 120_000 });
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(page.getByTestId('train-status')).toHaveText('cancelled; finished runs stay');
	await expect.poll(async () => (await lab.worker())?.numTensors, { timeout: 60_000 }).toBe(0);
	expect(await lab.numTensors()).toBe(pageTensors);
	const kept = Number(
		/(\d+) runs?/.exec((await page.getByTestId('tradeoff-count').textContent()) ?? '')?.[1]
	);
	expect(kept).toBeGreaterThanOrEqual(2);
	expect(kept).toBeLessThan(9);
	await expect(page.getByRole('alert')).toHaveCount(0);
	expect(errors).toEqual([]);
});

test('the label-flip sweep fits in the worker; a second press restarts it there and the worker ends with no tensor', async ({
	page,
	open,
	backend
}) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await open('labs/poisoning/');
	const lab = hooks(page);
	const run = page.getByRole('button', { name: 'Run sweep' });
	await run.click();
	await expect(page.getByTestId('sweep-status')).toContainText('Sweeping');
	// latest wins: the first sweep is cancelled in the worker and the second takes over
	await run.click();
	await expect(page.getByTestId('sweep-status')).toContainText('Done', { timeout: 180_000 });
	await expect(page.getByTestId('sweep-where')).toHaveText(
		`(ran in a background worker on ${LABEL[backend]})`
	);
	await expect(page.getByTestId('defence-cost').locator('tbody tr')).toHaveCount(3);
	expect((await lab.worker())?.numTensors).toBe(0);
	expect(errors).toEqual([]);
});

test('DP-SGD noise made in parallel in the worker is the generator’s own bits, step after step', async ({
	page,
	open
}) => {
	const { gaussianNoise } = await import('../../src/lib/base/gaussian');
	await open('labs/privacy/');
	const draw = (requests: { count: number; std: number; seed: number }[]) =>
		page.evaluate(async (r) => {
			const { values, stats } = await (
				globalThis as unknown as { __aiLabHooks: Hooks }
			).__aiLabHooks.runtime.workerNoise(r);
			// each draw's first and last 64 values
			const ends = values.map((v) => [...v.subarray(0, 64), ...v.subarray(-64)]);
			return { ends, stats };
		}, requests);
	// the first task starts the lab's worker and its noise worker
	await draw([{ count: 10, std: 1, seed: 1 }]);
	await expect
		.poll(async () => (await draw([{ count: 10, std: 1, seed: 2 }])).stats?.parallel ?? 0)
		.toBeGreaterThan(0);
	// a digit MLP's worth of draws per step, announced ahead as DP-SGD announces them, in slots
	// the noise worker fills (more steps than slots, so slots are reused)
	const requests = [11, 12, 13, 14, 15, 16].map((seed) => ({ count: 50_890, std: 1.1, seed }));
	const before = (await draw([])).stats!;
	const { ends, stats } = await draw(requests);
	expect(ends).toHaveLength(requests.length);
	requests.forEach(({ count, std, seed }, k) => {
		const node = gaussianNoise(count, std, seed);
		expect(ends[k]).toEqual([...node.subarray(0, 64), ...node.subarray(-64)]);
	});
	// all but perhaps the first came from the noise worker
	expect(stats!.parallel - before.parallel).toBeGreaterThanOrEqual(requests.length - 1);
	expect((await hooks(page).worker())?.numTensors).toBe(0);
});
