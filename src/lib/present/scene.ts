/**
 * Scenes: named, complete states of a lab that tell its story in a lecture. A scene sets the lab's
 * settings (the settings table's values; what it leaves out takes the default), may start the
 * lab's long run, and carries two or three lines of speaker notes. Each lab lists its scenes in
 * src/lib/labs/<lab>/scenes.ts; `?scene=<id>` opens one. Framework-free.
 */
import type { LabEntry } from '$lib/labs/catalogue';

/** A lab of the catalogue (scenes belong to labs, whether or not they keep runs on a shelf). */
export type SceneLab = LabEntry['id'];

/** A long run a scene shows, by the name the lab's page gives it. */
export type SceneRun =
	| 'curves'
	| 'transfer'
	| 'sweep'
	| 'backdoor'
	| 'train'
	| 'sweep-sigma'
	| 'equation'
	| 'steal'
	| 'compare'
	| 'knn'
	| 'gallery';

export interface Scene {
	/** short, stable, in the URL: ?scene=<id> */
	id: string;
	/** what the audience sees in the scene strip */
	title: string;
	/** the settings this scene sets (URL keys of the lab's settings table) */
	settings: Record<string, string | number | boolean>;
	/** the long run the scene needs, started when the previous scene is shown */
	run?: SceneRun;
	/** what to say, what to point at, the misconception to expect */
	notes: string[];
}

export interface LabScenes {
	lab: SceneLab;
	scenes: readonly Scene[];
}

/** The scene with this id, or undefined. */
export function findScene(list: LabScenes, id: string | null): Scene | undefined {
	return id === null ? undefined : list.scenes.find((s) => s.id === id);
}

/** The scene's settings as a query string (over the lab's defaults). */
export function sceneQuery(scene: Scene): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(scene.settings))
		q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
	q.set('scene', scene.id);
	return `?${q.toString()}`;
}
