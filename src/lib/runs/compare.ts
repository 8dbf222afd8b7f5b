/**
 * A class's runs side by side (/compare/): every student's run of one lab and kind, and per chart
 * series the class median and spread (the 25th to 75th percentile) at each x. Pure.
 */
import type { Run } from './run';

export interface ClassPoint {
	x: number;
	median: number;
	q1: number;
	q3: number;
	/** runs that have this x */
	n: number;
}

export interface ClassSeries {
	label: string;
	points: ClassPoint[];
}

/** The q-quantile of sorted values, linear between order statistics. */
export function quantile(sorted: number[], q: number): number {
	if (!sorted.length) return NaN;
	const at = (sorted.length - 1) * q;
	const lo = Math.floor(at);
	const hi = Math.ceil(at);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Median and spread per series label and x over the runs (which should share lab and kind). */
export function classSummary(runs: Run[]): ClassSeries[] {
	const byLabel = new Map<string, Map<number, number[]>>();
	for (const run of runs)
		for (const s of run.chart.series) {
			let xs = byLabel.get(s.label);
			if (!xs) byLabel.set(s.label, (xs = new Map()));
			for (const p of s.points) {
				const ys = xs.get(p.x);
				if (ys) ys.push(p.y);
				else xs.set(p.x, [p.y]);
			}
		}
	return [...byLabel.entries()].map(([label, xs]) => ({
		label,
		points: [...xs.entries()]
			.sort((a, b) => a[0] - b[0])
			.map(([x, ys]) => {
				const sorted = [...ys].sort((a, b) => a - b);
				return {
					x,
					median: quantile(sorted, 0.5),
					q1: quantile(sorted, 0.25),
					q3: quantile(sorted, 0.75),
					n: ys.length
				};
			})
	}));
}

/** Runs grouped by lab and kind, for one chart each ("adversarial/robustness"). */
export function groupRuns(runs: Run[]): Map<string, Run[]> {
	const groups = new Map<string, Run[]>();
	for (const run of runs) {
		const key = `${run.lab}/${run.kind}`;
		const list = groups.get(key);
		if (list) list.push(run);
		else groups.set(key, [run]);
	}
	return groups;
}
