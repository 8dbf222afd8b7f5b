/**
 * Runs' chart series as CSV: one row per point, the run and series named, with every run's
 * provenance stamp as leading comment lines. Pure.
 */
import { toCsv } from '$lib/components/download';
import type { Run } from './run';
import { stampLines } from './stamp';

export function seriesCsv(runs: readonly Run[]): string {
	const stamps = runs.flatMap((run) => stampLines(run).map((l) => `# ${l}\r\n`));
	const x = runs[0]?.chart.x ?? 'x';
	const y = runs[0]?.chart.y ?? 'y';
	const rows = runs.flatMap((run) =>
		run.chart.series.flatMap((s) => s.points.map((p) => [run.name, s.label, p.x, p.y]))
	);
	return stamps.join('') + toCsv(['run', 'series', x, y], rows);
}
