/**
 * A drawn or uploaded digit travels in the page's link (`?pixels=`, its 784 pixels as base64url,
 * src/lib/runs/pixels.ts), so a shared link shows that digit and the prediction it gets. Picking
 * a gallery digit takes it out again. A damaged `pixels` value is named on the page and the
 * gallery digit is shown instead. Call while the page initialises.
 */
import { onMount } from 'svelte';
import { replaceState } from '$app/navigation';
import { page } from '$app/state';
import { paramToPixels, pixelsToParam } from '$lib/runs/pixels';
import { shorten } from '$lib/labs/settings';
import type { AdversarialLab } from './adversarial-state.svelte';

export const PIXELS_KEY = 'pixels';
/** how the digit from a link is named on the page */
export const LINKED_SOURCE = 'the digit in this link';

export function linkDigit(lab: AdversarialLab): { readonly problem: string | null } {
	let problem = $state<string | null>(null);
	let ready = false;

	onMount(() => {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, not state
		const text = new URLSearchParams(window.location.search).get(PIXELS_KEY);
		if (text !== null) {
			const pixels = paramToPixels(text);
			if (pixels) lab.pickCustom(pixels, LINKED_SOURCE);
			else
				problem = `?${PIXELS_KEY}=${shorten(text)}: is not a digit (784 pixels as base64url, 1,045 characters); showing the gallery's digit instead`;
		}
		ready = true;
	});

	$effect(() => {
		const custom = lab.custom;
		if (!ready) return;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, not state
		const url = new URL(window.location.href);
		const before = url.searchParams.get(PIXELS_KEY);
		const after = custom ? pixelsToParam(custom.pixels) : null;
		if (before === after || (after === null && before !== null && problem)) return;
		if (after === null) url.searchParams.delete(PIXELS_KEY);
		else url.searchParams.set(PIXELS_KEY, after);
		if (custom) problem = null;
		// eslint-disable-next-line svelte/no-navigation-without-resolve -- same page, new query only
		replaceState(url.pathname + url.search + url.hash, page.state);
	});

	return {
		get problem() {
			return problem;
		}
	};
}
