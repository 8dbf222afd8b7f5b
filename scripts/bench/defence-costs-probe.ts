import type { DefenceCostResult } from '../../src/lib/ml/defence-costs';
import type { BenchHooks, Probe } from './probes';

/** Three significant digits: enough for a time that varies by more between runs. */
const sig3 = (ms: number) => Number(ms.toPrecision(3));

/**
 * The lesson's security-against-speed measurement as a learner runs it: "Measure every defence"
 * on /learn (src/lib/ml/defence-costs.ts with the page's defaults), then the results the page
 * shows, read through its hook. `defenceCostsMs` has, per defence, the ms per operation without
 * it and with it (smoothing: per n); `defenceCostsRunMs` is the whole run's wall time.
 */
export const defenceCosts: Probe = {
	name: 'defenceCosts',
	async run({ page, open, backend }) {
		await open('learn/');
		await page.waitForFunction(
			(name) => {
				const hooks = (globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks;
				return hooks.tradeOffs !== undefined && hooks.runtime?.backend() === name;
			},
			backend,
			{ timeout: 120_000 }
		);
		const button = page.getByTestId('measure-costs');
		await button.waitFor();
		await page.waitForFunction(
			() => !document.querySelector<HTMLButtonElement>('[data-testid="measure-costs"]')?.disabled
		);
		await button.click();
		await page.getByTestId('status-costs').getByText('done on').waitFor({ timeout: 3_600_000 });
		const measured = await page.evaluate(() =>
			(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.tradeOffs!.measured()
		);
		const costs: Record<string, unknown> = {};
		const failed: string[] = [];
		for (const r of measured.costs as DefenceCostResult[]) {
			if ('error' in r) {
				failed.push(`${r.id}: ${r.error}`);
				continue;
			}
			costs[r.id] = {
				without: sig3(r.baselineMs),
				with: Object.fromEntries(r.points.map((p) => [p.setting, sig3(p.ms)]))
			};
		}
		return {
			defenceCostsMs: costs,
			defenceCostsRunMs: Math.round(measured.ms.costs ?? NaN),
			...(failed.length ? { defenceCostsFailed: failed } : {})
		};
	}
};
