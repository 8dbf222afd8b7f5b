/**
 * The run shelf: finished runs kept in the browser's IndexedDB (through idb), so they survive a
 * reload and a browser restart. One object store, keyed by run id, indexed by lab. Errors a person
 * can act on: a full disk (quota) and a database another tab holds open at an older version are
 * said in words, and nothing already saved is touched by a failed write.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { LabId, Run } from './run';

const DB_NAME = 'ai-security-lab';
const DB_VERSION = 1;
const STORE = 'runs';

export class ShelfError extends Error {
	override name = 'ShelfError';
}

function explain(err: unknown, doing: string): ShelfError {
	const name = err instanceof DOMException || err instanceof Error ? err.name : '';
	if (name === 'QuotaExceededError')
		return new ShelfError(
			`${doing}: the browser's storage for this site is full. Delete some runs (or export the shelf first); nothing saved before was lost.`
		);
	if (name === 'VersionError' || name === 'BlockedError')
		return new ShelfError(
			`${doing}: another tab of the lab holds the run shelf open with an older layout. Close or reload the other tabs.`
		);
	if (name === 'InvalidStateError' || name === 'UnknownError')
		return new ShelfError(
			`${doing}: this browser does not let the page keep data (private window?). Runs stay until the tab closes; export them to keep them.`
		);
	return new ShelfError(`${doing}: ${err instanceof Error ? err.message : String(err)}`);
}

let opening: Promise<IDBPDatabase> | null = null;

function db(): Promise<IDBPDatabase> {
	opening ??= openDB(DB_NAME, DB_VERSION, {
		upgrade(database) {
			const store = database.createObjectStore(STORE, { keyPath: 'id' });
			store.createIndex('lab', 'lab');
		},
		blocked() {
			// an older tab is in the way; the open waits for it, and `blocking` below asks it to go
		},
		blocking() {
			// a newer tab wants to upgrade: let go so it can
			void opening?.then((d) => d.close());
			opening = null;
		}
	}).catch((err) => {
		opening = null;
		throw explain(err, 'Opening the run shelf');
	});
	return opening;
}

export async function saveRun(run: Run): Promise<void> {
	try {
		await (await db()).put(STORE, run);
	} catch (err) {
		throw err instanceof ShelfError ? err : explain(err, `Saving "${run.name}"`);
	}
}

/** A lab's runs, oldest first. */
export async function listRuns(lab: LabId): Promise<Run[]> {
	try {
		const runs = (await (await db()).getAllFromIndex(STORE, 'lab', lab)) as Run[];
		return runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
	} catch (err) {
		throw err instanceof ShelfError ? err : explain(err, 'Reading the run shelf');
	}
}

export async function deleteRun(id: string): Promise<void> {
	try {
		await (await db()).delete(STORE, id);
	} catch (err) {
		throw err instanceof ShelfError ? err : explain(err, 'Deleting a run');
	}
}

export async function deleteAllRuns(lab: LabId): Promise<void> {
	try {
		const database = await db();
		const tx = database.transaction(STORE, 'readwrite');
		const index = tx.store.index('lab');
		for await (const cursor of index.iterate(lab)) await cursor.delete();
		await tx.done;
	} catch (err) {
		throw err instanceof ShelfError ? err : explain(err, 'Deleting the shelf');
	}
}

/** Saves many at once, all or none (an import). */
export async function saveRuns(runs: Run[]): Promise<void> {
	try {
		const tx = (await db()).transaction(STORE, 'readwrite');
		await Promise.all([...runs.map((r) => tx.store.put(r)), tx.done]);
	} catch (err) {
		throw err instanceof ShelfError ? err : explain(err, `Importing ${runs.length} runs`);
	}
}
