/**
 * What the bench (scripts/bench/results-probes.ts) reads from a lab's run shelf through the test
 * hooks: the time the shelf takes to keep a finished run (storage alone, and through the same
 * `add` the labs call, which includes the shelf redrawing), and a finished run as the file a
 * student exports. Copies it saves are deleted again.
 */
import type { Run } from './run';
import { runFile } from './run-file';
import type { LabShelf } from './shelf.svelte';
import { deleteRun, saveRun } from './shelf';

export function shelfBenchHook(shelf: LabShelf) {
	const latest = (): Run | null => shelf.runs[shelf.runs.length - 1] ?? null;
	/** Times `save` on `count` copies of the newest run; what it returns undoes it, untimed. */
	async function timeCopies(
		count: number,
		tag: string,
		save: (copy: Run) => Promise<() => Promise<void>>
	): Promise<number[]> {
		const run = latest();
		if (!run) throw new Error('the shelf has no run to copy: finish a run first');
		const times: number[] = [];
		for (let i = 0; i < count; i++) {
			const copy = { ...run, id: `${run.id}-${tag}-${i}`, name: `${run.name} (${tag} ${i})` };
			const t0 = performance.now();
			const undo = await save(copy);
			times.push(performance.now() - t0);
			await undo();
		}
		return times;
	}
	return {
		/**
		 * Saves a copy of the newest run `count` times, as a lab does when a run finishes, and
		 * deletes each copy again before the next (untimed), so every save meets the same shelf.
		 * The time of each save, in ms.
		 */
		measureSave: (count: number) =>
			timeCopies(count, 'bench', async (copy) => {
				if (!(await shelf.add(copy))) throw new Error(shelf.error ?? 'the save failed');
				return () => shelf.remove(copy.id);
			}),
		/**
		 * The storage part alone: the same saveRun that `add` awaits, without the shelf's table
		 * and overlay chart redrawing.
		 */
		measureStore: (count: number) =>
			timeCopies(count, 'store', async (copy) => {
				await saveRun(copy);
				return () => deleteRun(copy.id);
			}),
		/** The newest run as an exported run file (JSON text), or null on an empty shelf. */
		runFile(): string | null {
			const run = latest();
			return run ? runFile(run) : null;
		}
	};
}
