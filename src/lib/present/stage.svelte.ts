/**
 * A lab page's part in instructor mode: it lends the presenter its stage (scenes and what the keys
 * do) while it is on screen, and opens the scene a link names (`?scene=<id>`: the settings are in
 * the link already, so only the scene's run is started and the strip marks it). Call while the
 * page initialises, after linkParams (whose onMount reads the settings first).
 */
import { onMount } from 'svelte';
import { presenter, type Stage } from './presenter.svelte';
import { findScene, sceneQuery, type Scene } from './scene';

export function useStage(stage: Stage) {
	onMount(() => {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, not state
		const id = new URLSearchParams(window.location.search).get('scene');
		const scene = findScene(stage.scenes, id);
		presenter.setStage(stage, scene?.id ?? null);
		if (scene) stage.apply(scene, true);
		return () => {
			if (presenter.stage === stage) presenter.setStage(null);
		};
	});
}

/** A scene's complete settings: its own values over the lab's defaults, through the lab's schema. */
export function sceneSettings<P>(scene: Scene, schema: { read(search: string): { params: P } }): P {
	return schema.read(sceneQuery(scene)).params;
}

/**
 * Remembers which scene's long run was started ahead of time, so showing that scene does not start
 * it again (the instructor arrives at a run in progress, or done).
 */
export class Prepared {
	#scene: string | null = null;

	/** Starts the run for `scene` unless it was already started for it. */
	start(scene: Scene, run: () => void) {
		if (this.#scene === scene.id) return;
		this.#scene = scene.id;
		run();
	}

	/** Whether `scene`'s run was started ahead of time. */
	has(scene: Scene) {
		return this.#scene === scene.id;
	}

	/** Another run replaced the prepared one. */
	forget() {
		this.#scene = null;
	}
}
