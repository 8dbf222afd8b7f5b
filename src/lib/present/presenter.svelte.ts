/**
 * Instructor mode, one instance for the site: presenter view on or off (`?present` in the URL,
 * the `p` key, the header button), the shortcut list, full screen, and stepping through scenes
 * with a clicker. A lab page registers its stage (its scenes and what its keys do); an
 * instructor's own script (`?script=`) can lead across labs, one step at a time. The speaker
 * notes window (/present/notes/) follows along through a BroadcastChannel.
 */
import { goto, replaceState } from '$app/navigation';
import { page } from '$app/state';
import { resolve } from '$app/paths';
import { SCENES as ADVERSARIAL } from '$lib/labs/adversarial/scenes';
import { SCENES as EXTRACTION } from '$lib/labs/extraction/scenes';
import { SCENES as POISONING } from '$lib/labs/poisoning/scenes';
import { SCENES as PRIVACY } from '$lib/labs/privacy/scenes';
import { SCENES as INVERSION } from '$lib/labs/inversion/scenes';
import { findScene, sceneQuery, type LabScenes, type Scene, type SceneLab } from './scene';
import { readScriptParam, scriptParam, ScriptError, type Script } from './script';
import type { Shortcut } from './shortcuts';

/** Every lab's scenes, for scripts and the composer. */
export const ALL_SCENES: readonly LabScenes[] = [
	ADVERSARIAL,
	POISONING,
	EXTRACTION,
	PRIVACY,
	INVERSION
];

/** The scene `id` of `lab`, or undefined when either is unknown. */
export function labScene(lab: string, id: string | null): Scene | undefined {
	const list = ALL_SCENES.find((l) => l.lab === lab);
	return list && findScene(list, id);
}

export const LAB_PATHS: Record<SceneLab, string> = {
	adversarial: resolve('/labs/adversarial/'),
	poisoning: resolve('/labs/poisoning/'),
	extraction: resolve('/labs/extraction/'),
	privacy: resolve('/labs/privacy/'),
	inversion: resolve('/labs/inversion/'),
	'supply-chain': resolve('/labs/supply-chain/')
};

/** What a lab page lends the presenter while it is on screen. */
export interface Stage {
	scenes: LabScenes;
	/**
	 * shows a scene: its settings, and its run if it has one. `fromLink`: the page was opened at
	 * this scene, so its settings are in the address already (and may have been changed since).
	 */
	apply(scene: Scene, fromLink?: boolean): void;
	/** starts a scene's run ahead of time with that scene's settings (the next one, say) */
	prepare(scene: Scene): void;
	/** the lab's main action (r) */
	runMain(): void;
	/** stops the running job (Esc) */
	cancel(): void;
	/** moves the lab's main slider one step (arrows) */
	slide(direction: 1 | -1): void;
}

/** What the notes window is told. */
export interface NotesMessage {
	title: string;
	notes: string[];
	next: string | null;
	position: string;
}

export const NOTES_CHANNEL = 'ai-security-lab-presenter';

class Presenter {
	on = $state(false);
	helpOpen = $state(false);
	/** in presenter view the explanations are hidden until `e` shows them */
	explainOpen = $state(false);
	stage = $state.raw<Stage | null>(null);
	/** the scene on screen (its id) */
	sceneId = $state<string | null>(null);
	script = $state.raw<Script | null>(null);
	/** the script step on screen, 0-based */
	step = $state(0);
	scriptError = $state<string | null>(null);
	#channel: BroadcastChannel | null = null;

	/** Reads ?present, ?script and ?step from the address (on every page start). */
	init(search: string) {
		const query = new URLSearchParams(search);
		this.on = query.has('present') && query.get('present') !== '0';
		const param = query.get('script');
		this.script = null;
		this.scriptError = null;
		if (param !== null) {
			try {
				this.script = readScriptParam(param, ALL_SCENES);
				const step = Number(query.get('step') ?? '1');
				this.step =
					Number.isInteger(step) && step >= 1 && step <= this.script.steps.length ? step - 1 : 0;
			} catch (err) {
				this.scriptError = `The lecture script in this link was not loaded: ${(err as ScriptError).message}`;
			}
		}
		if (typeof BroadcastChannel !== 'undefined' && !this.#channel) {
			this.#channel = new BroadcastChannel(NOTES_CHANNEL);
			// a notes window that opens late asks what is on screen
			this.#channel.onmessage = (e) => {
				if (e.data === 'hello') this.#tellNotes();
			};
		}
	}

	/** The query the site's links carry for instructor mode (with the backend's). */
	get carried(): string {
		const parts: string[] = [];
		if (this.on) parts.push('present');
		if (this.script) parts.push(`script=${scriptParam(this.script)}`, `step=${this.step + 1}`);
		return parts.join('&');
	}

	/** A lab page calls this when it mounts, and with null when it goes. */
	setStage(stage: Stage | null, sceneId: string | null = null) {
		this.stage = stage;
		this.sceneId = sceneId;
		if (stage && sceneId) {
			const scene = findScene(stage.scenes, sceneId);
			if (scene) this.#prepareAfter(scene);
		}
		this.#tellNotes();
	}

	toggle() {
		this.on = !this.on;
		this.#writeFlag();
	}

	async fullscreen() {
		if (typeof document === 'undefined') return;
		if (document.fullscreenElement) await document.exitFullscreen();
		else await document.documentElement.requestFullscreen?.().catch(() => {});
	}

	/** Shows a scene of the lab on screen. */
	show(scene: Scene) {
		const stage = this.stage;
		if (!stage) return;
		this.sceneId = scene.id;
		stage.apply(scene);
		this.#prepareAfter(scene);
		this.#tellNotes();
		this.#writeFlag();
	}

	/** Starts the next scene's long run, so it is ready when the instructor gets there. */
	#prepareAfter(scene: Scene) {
		const stage = this.stage;
		if (!stage) return;
		const list = stage.scenes.scenes;
		const next = list[list.indexOf(scene) + 1];
		if (next?.run && !scene.run) stage.prepare(next);
	}

	/** PageDown: the next scene of this lab, or the script's next step. */
	async next() {
		await this.#move(1);
	}

	async previous() {
		await this.#move(-1);
	}

	async #move(by: 1 | -1) {
		if (this.script) {
			const to = this.step + by;
			if (to < 0 || to >= this.script.steps.length) return;
			await this.goToStep(to);
			return;
		}
		const stage = this.stage;
		if (!stage) return;
		const list = stage.scenes.scenes;
		const at = list.findIndex((s) => s.id === this.sceneId);
		const to = at < 0 ? (by > 0 ? 0 : -1) : at + by;
		if (to >= 0 && to < list.length) this.show(list[to]);
	}

	/** Shows a step of the script: a scene (navigating to its lab if needed) or a question. */
	async goToStep(index: number) {
		const script = this.script;
		if (!script) return;
		this.step = index;
		const step = script.steps[index];
		if (step.kind === 'question') {
			this.#tellNotes();
			return;
		}
		const target = LAB_PATHS[step.lab];
		const here = typeof location !== 'undefined' ? location.pathname : '';
		const scene = labScene(step.lab, step.scene)!;
		if (this.stage?.scenes.lab === step.lab && here.endsWith(target.replace(/^\.+/, ''))) {
			this.show(scene);
			this.#writeFlag();
			return;
		}
		// eslint-disable-next-line svelte/no-navigation-without-resolve -- LAB_PATHS come from resolve()
		await goto(`${target}${sceneQuery(scene)}&${this.carried}`);
	}

	/** The title of the scene the script step on screen shows ('' for a question). */
	get sceneTitle(): string {
		const step = this.script?.steps[this.step];
		if (!step || step.kind !== 'scene') return '';
		return labScene(step.lab, step.scene)?.title ?? '';
	}

	/** The script step on screen when it is a question to the room, else null. */
	get question(): string | null {
		const step = this.script?.steps[this.step];
		return step?.kind === 'question' ? step.title : null;
	}

	handle(shortcut: Shortcut) {
		switch (shortcut) {
			case 'present':
				this.toggle();
				break;
			case 'fullscreen':
				void this.fullscreen();
				break;
			case 'help':
				this.helpOpen = !this.helpOpen;
				break;
			case 'cancel':
				if (this.helpOpen) this.helpOpen = false;
				else this.stage?.cancel();
				break;
			case 'next':
				void this.next();
				break;
			case 'previous':
				void this.previous();
				break;
			case 'run':
				this.stage?.runMain();
				break;
			case 'slider-up':
				this.stage?.slide(1);
				break;
			case 'slider-down':
				this.stage?.slide(-1);
				break;
			case 'explain':
				this.explainOpen = !this.explainOpen;
				break;
		}
	}

	/** Opens the speaker notes in a second window (kept in step through the channel). */
	openNotes() {
		window.open(`${resolve('/present/notes/')}`, 'ai-lab-notes', 'popup,width=520,height=640');
		setTimeout(() => this.#tellNotes(), 500);
	}

	#tellNotes() {
		if (!this.#channel) return;
		const message = this.#notes();
		if (message) this.#channel.postMessage(message);
	}

	#notes(): NotesMessage | null {
		const script = this.script;
		if (script) {
			const step = script.steps[this.step];
			const nextStep = script.steps[this.step + 1];
			const sceneOf = (s: typeof step) =>
				s.kind === 'scene' ? labScene(s.lab, s.scene) : undefined;
			const scene = sceneOf(step);
			const nextScene = nextStep ? sceneOf(nextStep) : undefined;
			return {
				title: step.title ?? scene?.title ?? '',
				notes: scene?.notes ?? ['A question to the room: give them a minute.'],
				next: nextStep ? (nextStep.title ?? nextScene?.title ?? null) : null,
				position: `step ${this.step + 1} of ${script.steps.length}`
			};
		}
		const stage = this.stage;
		if (!stage) return null;
		const list = stage.scenes.scenes;
		const at = list.findIndex((s) => s.id === this.sceneId);
		if (at < 0) return null;
		return {
			title: list[at].title,
			notes: list[at].notes,
			next: list[at + 1]?.title ?? null,
			position: `scene ${at + 1} of ${list.length}`
		};
	}

	/** Keeps ?present (and the script step) in the address without a navigation. */
	#writeFlag() {
		if (typeof location === 'undefined') return;
		const url = new URL(location.href);
		if (this.on) url.searchParams.set('present', '');
		else url.searchParams.delete('present');
		if (this.script) url.searchParams.set('step', String(this.step + 1));
		if (this.sceneId && this.stage) url.searchParams.set('scene', this.sceneId);
		const search = url.search.replace('present=&', 'present&').replace(/present=$/, 'present');
		// eslint-disable-next-line svelte/no-navigation-without-resolve -- same page, new query only
		replaceState(url.pathname + search + url.hash, page.state);
	}
}

export const presenter = new Presenter();
