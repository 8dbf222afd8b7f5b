// State of the /exercise page: the worksheet (deep $state, edited in place by the step
// components), what is derived from it, and the messages about loading, saving, importing and
// replacing. Edits are refused while the worksheet is submitted; a worksheet that is replaced
// (New worksheet, an import, a restore) is kept in storage first, so no replacement loses work.

import { LIBRARY, LIBRARY_BY_ID, threatFromLibrary } from './scenario';
import { rankThreats, riskMatrix } from './scoring';
import {
	keepCopy,
	loadWorksheet,
	PREVIOUS_PREFIX,
	saveWorksheet,
	type StorageLike
} from './storage';
import { parseWorksheet } from './validation';
import {
	allThreats,
	cleanName,
	emptyWorksheet,
	isBlank,
	LIMITS,
	nextCustomId,
	noRoomFor,
	toJson,
	type ComponentId,
	type Worksheet
} from './worksheet';

/** A worksheet that was replaced on this page, and the storage key it is kept under. */
export interface KeptWorksheet {
	worksheet: Worksheet;
	key: string;
}

export class ExerciseState {
	worksheet = $state<Worksheet>(emptyWorksheet());
	/** False until the saved copy has been read, so the empty start never overwrites it. */
	loaded = $state(false);
	canSave = $state(true);
	loadProblem = $state<string | null>(null);
	asideKey = $state<string | null>(null);
	saveProblem = $state<string | null>(null);
	importError = $state<string | null>(null);
	importNotice = $state<string | null>(null);
	/** The worksheet the last New worksheet, import or restore replaced, while the page is open. */
	kept = $state.raw<KeptWorksheet | null>(null);
	revealed = $state(false);
	#storage: StorageLike | null = null;

	ranked = $derived(rankThreats(this.worksheet));
	matrix = $derived(riskMatrix(this.worksheet));
	json = $derived(toJson(this.worksheet));
	threatCount = $derived(this.ranked.length);
	/** Submitted: every field is read-only until reopen(). */
	locked = $derived(this.worksheet.submitted);

	load(storage: StorageLike) {
		this.#storage = storage;
		const result = loadWorksheet(storage);
		this.worksheet = result.worksheet;
		this.loadProblem = result.problem ?? null;
		this.asideKey = result.asideKey ?? null;
		this.canSave = result.canSave;
		this.loaded = true;
	}

	/** Run from an $effect: reading this.json makes every field of the worksheet a dependency. */
	save() {
		const json = this.json;
		if (!this.loaded || !this.canSave || !this.#storage) return;
		this.saveProblem = saveWorksheet(this.#storage, json);
	}

	/** Library threats for a component that are not on the worksheet yet (in any component). */
	available(component: ComponentId) {
		const used = allThreats(this.worksheet).map((t) => t.id);
		return LIBRARY.filter((t) => t.component === component && !used.includes(t.id));
	}

	/** Why nothing can be added to `component` now (submitted, or full), or null. */
	cannotAdd(component: ComponentId): string | null {
		if (this.locked) return 'The worksheet is submitted; reopen it to edit.';
		return noRoomFor(this.worksheet, component);
	}

	addFromLibrary(component: ComponentId, id: string) {
		const entry = LIBRARY_BY_ID.get(id);
		if (!entry || entry.component !== component || this.cannotAdd(component)) return;
		if (allThreats(this.worksheet).some((t) => t.id === id)) return;
		this.worksheet.components[component].push(threatFromLibrary(entry));
	}

	addCustom(component: ComponentId, name: string) {
		const clean = cleanName(name).slice(0, LIMITS.name).trim();
		if (clean === '' || this.cannotAdd(component)) return;
		this.worksheet.components[component].push({
			id: nextCustomId(this.worksheet),
			name: clean,
			source: 'custom',
			likelihood: 3,
			impact: 3,
			detectability: 3
		});
	}

	remove(component: ComponentId, id: string) {
		if (this.locked) return;
		this.worksheet.components[component] = this.worksheet.components[component].filter(
			(t) => t.id !== id
		);
	}

	toggleControl(id: string, on: boolean) {
		if (this.locked) return;
		const without = this.worksheet.controls.filter((c) => c !== id);
		this.worksheet.controls = on ? [...without, id] : without;
	}

	/**
	 * Puts `next` on the page. The current worksheet, unless blank, is first kept in storage;
	 * when that fails nothing changes and the reason is returned, unless `withoutCopy` says to go
	 * ahead anyway.
	 */
	#replace(next: Worksheet, withoutCopy = false): string | null {
		const current = $state.snapshot(this.worksheet);
		let kept: KeptWorksheet | null = null;
		if (!isBlank(current)) {
			const result = this.#storage
				? keepCopy(this.#storage, PREVIOUS_PREFIX, toJson(current))
				: { ok: false as const, error: 'this page has no storage to keep it in' };
			if (result.ok) kept = { worksheet: current, key: result.key };
			else if (!withoutCopy) return result.error;
		}
		this.worksheet = next;
		this.kept = kept;
		this.revealed = false;
		return null;
	}

	/** Replaces the worksheet with an imported one; a bad file leaves the current one untouched. */
	importText(text: string, filename: string) {
		if (this.locked) return;
		const result = parseWorksheet(text);
		const problem = result.ok ? this.#replace(result.worksheet) : null;
		if (!result.ok || problem) {
			this.importError = result.ok
				? `Could not import ${filename}: your current worksheet could not be kept in this browser first (${problem}). Export it as JSON, start a new worksheet, then import again. Your current worksheet was not changed.`
				: `Could not import ${filename}: ${result.error}. Your current worksheet was not changed.`;
			this.importNotice = null;
			return;
		}
		this.importError = null;
		this.importNotice = `Imported ${filename}: ${rankThreats(result.worksheet).length} threats.`;
	}

	/**
	 * Starts an empty worksheet, keeping the current one in storage. Returns why it could not be
	 * kept (and nothing changed), unless `withoutCopy` says to go ahead anyway.
	 */
	startNew(withoutCopy = false): string | null {
		const problem = this.#replace(emptyWorksheet(), withoutCopy);
		if (!problem) {
			this.importError = null;
			this.importNotice = null;
		}
		return problem;
	}

	/** Brings back the worksheet the last replacement kept (keeping the current one in turn). */
	restoreKept(): string | null {
		return this.kept ? this.#replace(structuredClone(this.kept.worksheet)) : null;
	}

	submit() {
		this.worksheet.submitted = true;
	}

	reopen() {
		this.worksheet.submitted = false;
		this.revealed = false;
	}
}
