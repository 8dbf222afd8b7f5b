// State of the /exercise page: the worksheet (deep $state, edited in place by the step
// components), what is derived from it, and the messages about loading, saving and importing.

import { loadWorksheet, saveWorksheet, type StorageLike } from './storage';
import {
	emptyWorksheet,
	nextCustomId,
	parseWorksheet,
	rankThreats,
	riskMatrix,
	THREAT_LIBRARY,
	threatFromLibrary,
	toJson,
	type ComponentId,
	type Worksheet
} from './worksheet';

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
	revealed = $state(false);

	ranked = $derived(rankThreats(this.worksheet));
	matrix = $derived(riskMatrix(this.worksheet));
	json = $derived(toJson(this.worksheet));
	threatCount = $derived(this.ranked.length);

	load(storage: StorageLike) {
		const result = loadWorksheet(storage);
		this.worksheet = result.worksheet;
		this.loadProblem = result.problem ?? null;
		this.asideKey = result.asideKey ?? null;
		this.canSave = result.canSave;
		this.loaded = true;
	}

	/** Run from an $effect: reading this.json makes every field of the worksheet a dependency. */
	save(storage: StorageLike) {
		const json = this.json;
		if (!this.loaded || !this.canSave) return;
		this.saveProblem = saveWorksheet(storage, json);
	}

	/** Library threats for a component that are not on the worksheet yet. */
	available(component: ComponentId) {
		const used = this.worksheet.components[component].map((t) => t.id);
		return THREAT_LIBRARY.filter((t) => t.component === component && !used.includes(t.id));
	}

	addFromLibrary(component: ComponentId, id: string) {
		const entry = THREAT_LIBRARY.find((t) => t.id === id && t.component === component);
		if (!entry || this.worksheet.components[component].some((t) => t.id === id)) return;
		this.worksheet.components[component].push(threatFromLibrary(entry));
	}

	addCustom(component: ComponentId, name: string) {
		const trimmed = name.trim().slice(0, 200);
		if (trimmed === '') return;
		this.worksheet.components[component].push({
			id: nextCustomId(this.worksheet),
			name: trimmed,
			source: 'custom',
			likelihood: 3,
			impact: 3,
			detectability: 3
		});
	}

	remove(component: ComponentId, id: string) {
		this.worksheet.components[component] = this.worksheet.components[component].filter(
			(t) => t.id !== id
		);
	}

	toggleControl(id: string, on: boolean) {
		const without = this.worksheet.controls.filter((c) => c !== id);
		this.worksheet.controls = on ? [...without, id] : without;
	}

	/** Replaces the worksheet with an imported one; a bad file leaves the current one untouched. */
	importText(text: string, filename: string) {
		const result = parseWorksheet(text);
		if (!result.ok) {
			this.importError = `Could not import ${filename}: ${result.error}. Your current worksheet was not changed.`;
			this.importNotice = null;
			return;
		}
		this.worksheet = result.worksheet;
		this.importError = null;
		this.importNotice = `Imported ${filename}: ${rankThreats(result.worksheet).length} threats.`;
	}

	submit() {
		this.worksheet.submitted = true;
	}

	reopen() {
		this.worksheet.submitted = false;
		this.revealed = false;
	}
}
