/**
 * Ties a lab's parameters to the page URL: on mount the query fills `lab.params` (bad values
 * come back as problems for the page to show), and from then on every change is written back,
 * debounced, so the address bar is always a link that reproduces what is on screen. Call it
 * while a component initialises (it registers onMount and an $effect).
 */
import { onMount } from 'svelte';
import { replaceState } from '$app/navigation';
import { page } from '$app/state';
import type { ParamSchema } from './url-params';

/** Browsers throttle history.replaceState; a slider drag would hit the limit without a pause. */
const WRITE_DELAY_MS = 250;

export interface LinkedParams {
	/** the URL's bad values, one message each ("?eps=0.9 is not ... ; using 0.1") */
	readonly problems: string[];
	/** true once the URL has been read (in the browser, after mount) */
	readonly ready: boolean;
}

export function linkParams<P extends object>(
	lab: { params: P },
	schema: Pick<ParamSchema<P>, 'read' | 'write'>
): LinkedParams {
	let problems = $state<string[]>([]);
	let ready = $state(false);

	onMount(() => {
		const found = schema.read(window.location.search);
		lab.params = found.params;
		problems = found.problems;
		ready = true;
	});

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
		}
	};
}
