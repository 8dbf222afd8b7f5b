// Keeps the exercise worksheet in the browser's localStorage. A saved copy that no longer reads
// back is never thrown away: it is moved aside under its own key before the exercise starts fresh.

import { emptyWorksheet, parseWorksheet, toJson, type Worksheet } from './worksheet';

export const STORAGE_KEY = 'ai-lab:exercise:v1';
/** Corrupted copies are kept under this prefix plus a timestamp, so a second one never overwrites the first. */
export const CORRUPTED_PREFIX = `${STORAGE_KEY}:corrupted:`;

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

	const asideKey = CORRUPTED_PREFIX + now.toISOString();
	try {
		storage.setItem(asideKey, saved);
	} catch (e) {
		// Could not copy it aside: leave it where it is and do not overwrite it (no autosave).
		return {
			worksheet: emptyWorksheet(),
			canSave: false,
			problem: `Your saved worksheet could not be read (${parsed.error}) and could not be copied aside (${(e as Error).message}). It is still stored under "${STORAGE_KEY}"; changes here will not be saved until you clear it.`
		};
	}
	return {
		worksheet: emptyWorksheet(),
		asideKey,
		canSave: true,
		problem: `Your saved worksheet could not be read: ${parsed.error}. Nothing was deleted: the saved text is kept in this browser's storage under "${asideKey}", and you can download it below. The exercise started again with an empty worksheet.`
	};
}

/** Saves the worksheet (or its toJson text); returns an error a person can act on, or null. */
export function saveWorksheet(storage: StorageLike, ws: Worksheet | string): string | null {
	try {
		storage.setItem(STORAGE_KEY, typeof ws === 'string' ? ws : toJson(ws));
		return null;
	} catch (e) {
		return `Your latest change could not be saved in this browser (${(e as Error).message}). Export the JSON to keep a copy.`;
	}
}
