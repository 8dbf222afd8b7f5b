/**
 * Ties a lab's parameters to the page URL: on mount the query fills `lab.params` (bad values come
 * back as problems for the page to show), and from then on every change is written back,
 * debounced, so the address bar is always a link that reproduces what is on screen. A problem
 * stays on screen until the learner changes that field. Call it while a component initialises
 * (it registers onMount and an $effect).
 */
import { onMount } from 'svelte';
import { replaceState } from '$app/navigation';
import { page } from '$app/state';
import type { ParamSchema } from './settings';

/** Browsers throttle history.replaceState; a slider drag would hit the limit without a pause. */
const WRITE_DELAY_MS = 250;

export interface LinkedParams<P extends object = object> {
	/** the URL's bad values, one message each ("?eps=0.9: must be a number from 0 to 0.5; using 0.1") */
	readonly problems: string[];
	/** true once the URL has been read (in the browser, after mount) */
	readonly ready: boolean;
	/** the same problems by field, for a page that shows each beside its field */
	readonly byName: Partial<Record<keyof P, string>>;
	/** forgets the link's problem with a field: the learner keeps the default shown */
	dismiss(name: keyof P): void;
}

export function linkParams<P extends object>(
	lab: { params: P },
	schema: Pick<ParamSchema<P>, 'read' | 'write'>
): LinkedParams<P> {
	let found = $state<{ name: keyof P; text: string; fallback: unknown }[]>([]);
	let ready = $state(false);

	onMount(() => {
		const read = schema.read(window.location.search);
		lab.params = read.params;
		found = read.problems.map((p) => ({
			name: p.name,
			text: p.text,
			fallback: read.params[p.name]
		}));
		ready = true;
	});

	// A message about ?key=... goes once the learner sets that field to something else.
	const standing = $derived(found.filter((p) => Object.is(lab.params[p.name], p.fallback)));
	const problems = $derived(standing.map((p) => p.text));
	const byName = $derived(
		Object.fromEntries(standing.map((p) => [p.name, p.text])) as Partial<Record<keyof P, string>>
	);

	$effect(() => {
		const params = { ...lab.params }; // reads every field, so any change re-runs this
		if (!ready) return;
		const timer = setTimeout(() => {
			// Written from the URL as it is now: another panel may have added its own keys meanwhile.
			const search = schema.write(params, window.location.search);
			if (search === window.location.search) return;
			const url = window.location.pathname + search + window.location.hash;
			// eslint-disable-next-line svelte/no-navigation-without-resolve -- same page, new query only
			replaceState(url, page.state);
		}, WRITE_DELAY_MS);
		return () => clearTimeout(timer);
	});

	return {
		get problems() {
			return problems;
		},
		get ready() {
			return ready;
		},
		get byName() {
			return byName;
		},
		dismiss(name) {
			found = found.filter((p) => p.name !== name);
		}
	};
}
