/**
 * What the bench (scripts/bench/results-probes.ts) reads from a lab's run shelf through the test
 * hooks: the time the shelf takes to keep a finished run, through the same `add` the labs call,
 * and a finished run as the file a student exports. Copies it saves are deleted again.
 */
import type { Run } from './run';
import { runFile } from './run-file';
import type { LabShelf } from './shelf.svelte';

export function shelfBenchHook(shelf: LabShelf) {
	const latest = (): Run | null => shelf.runs[shelf.runs.length - 1] ?? null;
	return {
		/** Saves `count` copies of the newest run, one at a time; the time of each save, in ms. */
		async measureSave(count: number): Promise<number[]> {
			const run = latest();
			if (!run) throw new Error('the shelf has no run to copy: finish a run first');
			const times: number[] = [];
			const ids: string[] = [];
			for (let i = 0; i < count; i++) {
				const copy = { ...run, id: `${run.id}-bench-${i}`, name: `${run.name} (bench ${i})` };
				const t0 = performance.now();
				if (!(await shelf.add(copy))) throw new Error(shelf.error ?? 'the save failed');
				times.push(performance.now() - t0);
				ids.push(copy.id);
			}
			for (const id of ids) await shelf.remove(id);
			return times;
		},
		/** The newest run as an exported run file (JSON text), or null on an empty shelf. */
		runFile(): string | null {
			const run = latest();
			return run ? runFile(run) : null;
		}
	};
}
