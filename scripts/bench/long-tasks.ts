/**
 * The longest main-thread task while a lab's main run is in progress: a PerformanceObserver for
 * 'longtask' entries (tasks over 50 ms, the browser's own threshold; Long Tasks API) installed
 * just before the run starts and read when it ends. A page whose work yields often enough shows
 * no long task at all, and the probe then reports 0.
 */
import type { Page } from '@playwright/test';

interface Watch {
	entries: number[];
	observer: PerformanceObserver;
}

export async function watchLongTasks(page: Page) {
	await page.evaluate(() => {
		const g = globalThis as unknown as { __aiLabLongTasks?: Watch };
		g.__aiLabLongTasks?.observer.disconnect();
		const entries: number[] = [];
		const observer = new PerformanceObserver((list) => {
			for (const e of list.getEntries()) entries.push(e.duration);
		});
		observer.observe({ type: 'longtask' });
		g.__aiLabLongTasks = { entries, observer };
	});
	return {
		/** The longest task (ms, 0 when none passed 50 ms) and how many tasks passed 50 ms. */
		async stop(): Promise<{ longestTaskMs: number; longTasks: number }> {
			return page.evaluate(() => {
				const g = globalThis as unknown as { __aiLabLongTasks?: Watch };
				const w = g.__aiLabLongTasks;
				if (!w) throw new Error('watchLongTasks: no observer on this page');
				for (const e of w.observer.takeRecords()) w.entries.push(e.duration);
				w.observer.disconnect();
				delete g.__aiLabLongTasks;
				return {
					longestTaskMs: Math.round(Math.max(0, ...w.entries)),
					longTasks: w.entries.length
				};
			});
		}
	};
}

/** Keys `longestTaskMs<Lab>` and `longTasks<Lab>` for a probe's figures. */
export function longTaskFigures(lab: string, r: { longestTaskMs: number; longTasks: number }) {
	return { [`longestTaskMs${lab}`]: r.longestTaskMs, [`longTasks${lab}`]: r.longTasks };
}
