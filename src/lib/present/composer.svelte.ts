/**
 * The lecture composer's state (/present/): the steps of an instructor's own script, edited in
 * place, and its link and file. A file that fails to load changes nothing.
 */
import { ALL_SCENES, LAB_PATHS, labScene } from './presenter.svelte';
import { sceneQuery } from './scene';
import {
	checkScript,
	readScriptFile,
	readScriptParam,
	ScriptError,
	scriptFile,
	scriptParam,
	SCRIPT_LIMITS,
	type Script,
	type ScriptStep
} from './script';

export class Composer {
	title = $state('Lecture');
	steps = $state<ScriptStep[]>([]);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);

	/** What is wrong with the script as it stands (shown, and the link waits), or null. */
	problem = $derived.by(() => {
		if (!this.steps.length) return 'Add at least one step.';
		try {
			checkScript($state.snapshot({ title: this.title, steps: this.steps }), ALL_SCENES);
			return null;
		} catch (err) {
			return (err as ScriptError).message;
		}
	});

	get script(): Script {
		return $state.snapshot({ title: this.title, steps: this.steps }) as Script;
	}

	addScene(lab: ScriptStep & { kind: 'scene' }) {
		if (this.steps.length >= SCRIPT_LIMITS.steps) return;
		this.steps.push(lab);
	}

	addQuestion() {
		if (this.steps.length >= SCRIPT_LIMITS.steps) return;
		this.steps.push({ kind: 'question', title: 'A question to the room' });
	}

	move(index: number, by: -1 | 1) {
		const to = index + by;
		if (to < 0 || to >= this.steps.length) return;
		const [step] = this.steps.splice(index, 1);
		this.steps.splice(to, 0, step);
	}

	remove(index: number) {
		this.steps.splice(index, 1);
	}

	/** The link that opens the script's first step in presenter view. */
	link(origin: string): string | null {
		if (this.problem) return null;
		const script = this.script;
		const first = script.steps.find((s) => s.kind === 'scene');
		const param = `present&script=${scriptParam(script)}&step=1`;
		if (!first || first.kind !== 'scene') return null;
		const scene = labScene(first.lab, first.scene)!;
		const path = LAB_PATHS[first.lab];
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, not state
		return new URL(`${path}${sceneQuery(scene)}&${param}`, origin).href;
	}

	file(): string {
		return scriptFile(this.script);
	}

	/** Opens the lecture in the address (?script=, from a shared link) for editing. */
	restore(search: string) {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, not state
		const param = new URLSearchParams(search).get('script');
		if (param === null) return;
		try {
			const script = readScriptParam(param, ALL_SCENES);
			this.title = script.title;
			this.steps = script.steps;
		} catch (err) {
			this.error = `The lecture in this link was not loaded: ${(err as Error).message}`;
		}
	}

	/** Loads a script file; on any error the steps on screen stay as they were. */
	async load(file: File) {
		this.error = null;
		try {
			const script = readScriptFile(await file.text(), file.name, ALL_SCENES);
			this.title = script.title;
			this.steps = script.steps;
			this.notice = `Loaded "${script.title}" from ${file.name}: ${script.steps.length} steps.`;
		} catch (err) {
			this.error = err instanceof ScriptError ? err.message : `${file.name}: ${String(err)}`;
		}
	}
}
