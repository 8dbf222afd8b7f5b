/**
 * One lab's run shelf on screen: the runs kept in IndexedDB (shelf.ts), which are ticked for the
 * overlay, renaming, deleting, and files in and out. Every failure becomes a message and leaves
 * what was saved as it was: an import is read and checked whole before anything is written.
 */
import { SvelteSet } from 'svelte/reactivity';
import { downloadText } from '$lib/components/download';
import type { LabId, Run } from './run';
import { readRunFile, RunFileError, runFile, shelfFile } from './run-file';
import { deleteAllRuns, deleteRun, listRuns, saveRun, saveRuns } from './shelf';

/** A run's file name: its lab, kind and name, in characters every file system takes. */
export function runFileStem(run: Run): string {
	const name =
		run.name
			.replace(/[^\w.-]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60) || 'run';
	return `${run.lab}-${run.kind}-${name}`;
}

export class LabShelf {
	readonly lab: LabId;
	runs = $state.raw<Run[]>([]);
	/** ids of the runs drawn on the overlay */
	ticked = new SvelteSet<string>();
	loaded = $state(false);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);

	constructor(lab: LabId) {
		this.lab = lab;
	}

	/** The ticked runs, oldest first. */
	overlay = $derived(this.runs.filter((r) => this.ticked.has(r.id)));

	async load() {
		try {
			this.runs = await listRuns(this.lab);
			this.loaded = true;
		} catch (err) {
			this.error = (err as Error).message;
		}
	}

	/** Keeps a finished run; it is ticked, so it shows on the overlay with the ones before it. */
	async add(run: Run): Promise<boolean> {
		this.error = null;
		try {
			await saveRun(run);
			this.runs = [...this.runs, run];
			this.ticked.add(run.id);
			this.notice = `Saved "${run.name}" to the shelf.`;
			return true;
		} catch (err) {
			this.error = (err as Error).message;
			return false;
		}
	}

	/** Renames a run; an empty name is refused (the old one stays). */
	async rename(id: string, name: string): Promise<string | null> {
		const run = this.runs.find((r) => r.id === id);
		const clean = name.replace(/[\r\n\t]+/g, ' ').trim();
		if (!run) return null;
		if (!clean) return 'A run needs a name.';
		if (clean.length > 120) return 'A name is at most 120 characters.';
		const renamed = { ...run, name: clean };
		try {
			await saveRun(renamed);
			this.runs = this.runs.map((r) => (r.id === id ? renamed : r));
			return null;
		} catch (err) {
			return (err as Error).message;
		}
	}

	async remove(id: string) {
		this.error = null;
		try {
			await deleteRun(id);
			this.runs = this.runs.filter((r) => r.id !== id);
			this.ticked.delete(id);
		} catch (err) {
			this.error = (err as Error).message;
		}
	}

	async removeAll() {
		this.error = null;
		try {
			await deleteAllRuns(this.lab);
			this.runs = [];
			this.ticked.clear();
			this.notice = 'The shelf is empty.';
		} catch (err) {
			this.error = (err as Error).message;
		}
	}

	exportRun(run: Run) {
		downloadText(runFile(run), `${runFileStem(run)}.json`, 'application/json');
	}

	exportAll() {
		downloadText(shelfFile(this.lab, this.runs), `${this.lab}-shelf.json`, 'application/json');
	}

	/**
	 * Imports run or shelf files of this lab. Every file is read and checked first; if any is
	 * wrong, nothing is imported and the message names the file and what is wrong.
	 */
	async importFiles(files: readonly File[]) {
		this.error = null;
		this.notice = null;
		const incoming: Run[] = [];
		try {
			for (const file of files) {
				const runs = readRunFile(await file.text(), file.name);
				const other = runs.find((r) => r.lab !== this.lab);
				if (other)
					throw new RunFileError(
						`${file.name}: holds a run of the ${other.lab} lab; import it there (or on the class overlay page)`
					);
				incoming.push(...runs);
			}
		} catch (err) {
			this.error = `Nothing was imported. ${(err as Error).message}`;
			return;
		}
		try {
			await saveRuns(incoming);
		} catch (err) {
			this.error = `Nothing was imported. ${(err as Error).message}`;
			return;
		}
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
		const known = new Set(this.runs.map((r) => r.id));
		this.runs = [...this.runs.filter((r) => !incoming.some((n) => n.id === r.id)), ...incoming];
		for (const r of incoming) this.ticked.add(r.id);
		const fresh = incoming.filter((r) => !known.has(r.id)).length;
		this.notice = `Imported ${incoming.length} run${incoming.length === 1 ? '' : 's'} (${fresh} new).`;
	}
}
