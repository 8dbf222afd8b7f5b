/**
 * Cleans the page's query string before tfjs sees it. tfjs-core reads `location.search` when it is
 * imported (Environment -> populateURLFlags -> decodeURIComponent on every key and value), so one
 * malformed %-escape in any link (`?q=100%`) threw before the app could start, and an undocumented
 * `?tfjsflags=` let a link change the engine's numerics (WEBGL_FORCE_F16_TEXTURES moved the
 * adversarial lab's flip point) with nothing on screen. src/hooks.client.ts calls guardUrl() first
 * thing, before any page module (and so tfjs) is evaluated: each offending parameter is dropped
 * from the address with history.replaceState and reported like any other bad value.
 */

/** tfjs-core's URL flag key (TENSORFLOWJS_FLAGS_PREFIX). */
const TFJS_FLAGS_KEY = 'tfjsflags';

export interface Guarded {
	/** the query string with the offending parameters removed ('' or '?...') */
	search: string;
	/** one message per parameter dropped */
	problems: string[];
}

/** The decoded text, or null where decodeURIComponent throws. (The result is used: a minifier
 * drops a call whose value nobody reads, and with it the throw this relies on.) */
function decoded(text: string): string | null {
	try {
		return decodeURIComponent(text);
	} catch {
		return null;
	}
}

const short = (text: string) => (text.length <= 40 ? text : `${text.slice(0, 39)}…`);

/**
 * What guardUrl() keeps and drops from a query string; pure, for tests. Parameters are found the
 * way tfjs-core finds them (its getQueryParams regular expression), so that what tfjs would choke
 * on or obey is exactly what is dropped; the rest of the text is left as it was.
 */
export function guardSearch(search: string): Guarded {
	const problems: string[] = [];
	let out = '';
	let last = 0;
	const params = /[?&]([^=?&]+)(?:=([^&]*))?/g;
	for (let m = params.exec(search); m; m = params.exec(search)) {
		const [whole, key, value = ''] = m;
		const body = whole.slice(1);
		let problem: string | null = null;
		const name = decoded(key);
		if (name === null || decoded(value) === null)
			problem = `?${short(body)}: not a valid %-escape (a % must be followed by two hex digits of UTF-8); ignored`;
		else if (name === TFJS_FLAGS_KEY)
			problem = `?${short(body)}: tfjs engine flags cannot be set from a link (they change the lab's numbers); ignored`;
		if (!problem) continue;
		problems.push(problem);
		out += search.slice(last, m.index);
		last = m.index + whole.length;
	}
	if (!problems.length) return { search, problems };
	out += search.slice(last);
	// the first kept parameter starts the query again
	out = out.replace(/^[?&]+/, '');
	return { search: out ? `?${out}` : '', problems };
}

let found: string[] = [];

/** Cleans location.search in place (see the file comment). Runs once, in the browser. */
export function guardUrl(): void {
	if (typeof location === 'undefined' || typeof history === 'undefined') return;
	const guarded = guardSearch(location.search);
	found = guarded.problems;
	if (guarded.search !== location.search)
		history.replaceState(history.state, '', location.pathname + guarded.search + location.hash);
}

/** The parameters guardUrl() dropped, for the page to show. */
export function droppedParams(): readonly string[] {
	return found;
}
