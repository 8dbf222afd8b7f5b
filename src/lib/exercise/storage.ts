// Keeps the exercise worksheet in the browser's localStorage. Nothing the user wrote is thrown
// away here: a saved copy that no longer reads back is moved aside under its own key before the
// exercise starts fresh, a worksheet that is replaced can be kept under another, and a worksheet
// the loader would refuse is never written.

import { emptyWorksheet, toJson, type Worksheet } from './worksheet';
import { parseWorksheet } from './validation';

/** The storage key stays as it was for version-1 saves; the loader converts what it finds. */
export const STORAGE_KEY = 'ai-lab:exercise:v1';
/** Corrupted copies are kept under this prefix plus a timestamp, so a second one never overwrites the first. */
export const CORRUPTED_PREFIX = `${STORAGE_KEY}:corrupted:`;
/** Worksheets replaced by New worksheet, an import or a restore, kept the same way. */
export const PREVIOUS_PREFIX = `${STORAGE_KEY}:previous:`;

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface LoadResult {
	worksheet: Worksheet;
	/** Set when the saved copy could not be used: what went wrong and where the copy is kept. */
	problem?: string;
	/** The key the unreadable copy was moved to, if any. */
	asideKey?: string;
	/** False when saving would overwrite a copy that could not be kept aside. */
	canSave: boolean;
}

export type KeepResult = { ok: true; key: string } | { ok: false; error: string };

/** Stores `text` under `prefix` + the time, with a counter if that key is taken. */
export function keepCopy(
	storage: StorageLike,
	prefix: string,
	text: string,
	now = new Date()
): KeepResult {
	try {
		const stamp = prefix + now.toISOString();
		for (let n = 1; n <= 100; n++) {
			const key = n === 1 ? stamp : `${stamp}-${n}`;
			if (storage.getItem(key) !== null) continue;
			storage.setItem(key, text);
			return { ok: true, key };
		}
		return { ok: false, error: `every key from "${stamp}" to "${stamp}-100" is taken` };
	} catch (e) {
		return { ok: false, error: (e as Error).message };
	}
}

export function loadWorksheet(storage: StorageLike, now = new Date()): LoadResult {
	let saved: string | null;
	try {
		saved = storage.getItem(STORAGE_KEY);
	} catch (e) {
		return {
			worksheet: emptyWorksheet(),
			canSave: false,
			problem: `This browser would not let the page read its storage (${(e as Error).message}), so your work cannot be saved here.`
		};
	}
	if (saved === null) return { worksheet: emptyWorksheet(), canSave: true };
	const parsed = parseWorksheet(saved);
	if (parsed.ok) return { worksheet: parsed.worksheet, canSave: true };

	const aside = keepCopy(storage, CORRUPTED_PREFIX, saved, now);
	if (!aside.ok) {
		// Could not copy it aside: leave it where it is and do not overwrite it (no autosave).
		return {
			worksheet: emptyWorksheet(),
			canSave: false,
			problem: `Your saved worksheet could not be read (${parsed.error}) and could not be copied aside (${aside.error}). It is still stored under "${STORAGE_KEY}"; changes here will not be saved until you clear it.`
		};
	}
	return {
		worksheet: emptyWorksheet(),
		asideKey: aside.key,
		canSave: true,
		problem: `Your saved worksheet could not be read: ${parsed.error}. Nothing was deleted: the saved text is kept in this browser's storage under "${aside.key}", and you can download it below. The exercise started again with an empty worksheet.`
	};
}

/**
 * Saves the worksheet (or its toJson text) if it would load back; returns an error a person can
 * act on, or null. A worksheet the loader would refuse is not written, so the copy already saved
 * stays usable.
 */
export function saveWorksheet(storage: StorageLike, ws: Worksheet | string): string | null {
	const json = typeof ws === 'string' ? ws : toJson(ws);
	const check = parseWorksheet(json);
	if (!check.ok) {
		return `Your latest change was not saved, because the worksheet would not load back: ${check.error}. Your work is still on this page; undo that change to save again.`;
	}
	try {
		storage.setItem(STORAGE_KEY, json);
		return null;
	} catch (e) {
		return `Your latest change could not be saved in this browser (${(e as Error).message}). Your work is still on this page; export the JSON to keep a copy.`;
	}
}
