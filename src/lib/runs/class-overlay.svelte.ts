/**
 * The class overlay (/compare/): a class's exported runs and shelves, read in the browser (nothing
 * leaves it), grouped by lab and kind, with a toggle per student and the class median and spread.
 * A file that is not a run, is damaged or comes from another version is listed with the reason
 * and skipped; the others load.
 */
import { SvelteSet } from 'svelte/reactivity';
import { classSummary, groupRuns } from './compare';
import type { Run } from './run';
import { readRunFile } from './run-file';

export interface FileResult {
	name: string;
	/** runs read from it, or null when it was skipped */
	runs: number | null;
	problem: string | null;
}

export interface ClassRun extends Run {
	/** the file it came from */
	file: string;
}

export const CLASS_LIMITS = { files: 500 };

export class ClassOverlay {
	runs = $state.raw<ClassRun[]>([]);
	files = $state.raw<FileResult[]>([]);
	/** run ids a toggle has taken off the chart and out of the median */
	hidden = new SvelteSet<string>();
	busy = $state(false);

	groups = $derived.by(() =>
		[...groupRuns(this.runs).entries()].map(([key, runs]) => {
			const shown = (runs as ClassRun[]).filter((r) => !this.hidden.has(r.id));
			return { key, runs: runs as ClassRun[], shown, summary: classSummary(shown) };
		})
	);

	skipped = $derived(this.files.filter((f) => f.problem !== null));

	async add(files: readonly File[]) {
		this.busy = true;
		const results: FileResult[] = [];
		const incoming: ClassRun[] = [];
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
		const known = new Set(this.runs.map((r) => r.id));
		const list = files.slice(0, CLASS_LIMITS.files);
		for (const file of list) {
			try {
				const runs = readRunFile(await file.text(), file.name);
				let fresh = 0;
				for (const run of runs)
					if (!known.has(run.id)) {
						known.add(run.id);
						incoming.push({ ...run, file: file.name });
						fresh++;
					}
				results.push({ name: file.name, runs: fresh, problem: null });
			} catch (err) {
				results.push({ name: file.name, runs: null, problem: (err as Error).message });
			}
		}
		for (const file of files.slice(CLASS_LIMITS.files))
			results.push({
				name: file.name,
				runs: null,
				problem: `skipped: at most ${CLASS_LIMITS.files} files at once`
			});
		this.files = [...this.files, ...results];
		this.runs = [...this.runs, ...incoming];
		this.busy = false;
	}

	clear() {
		this.runs = [];
		this.files = [];
		this.hidden.clear();
	}
}
