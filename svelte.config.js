import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// BASE_PATH lets the same build deploy under a sub-path, e.g. BASE_PATH=/ai-security-lab for
// GitHub Pages project sites. It must start with a slash and not end with one.
const base = process.env.BASE_PATH ?? '';
if (base !== '' && (!base.startsWith('/') || base.endsWith('/'))) {
	throw new Error(`BASE_PATH must look like "/sub/path" (got "${base}")`);
}

/**
 * The Content-Security-Policy of every page, written by SvelteKit into each prerendered page as a
 * <meta> tag with the hashes of that page's own inline bootstrap script (mode 'hash'). Why each
 * source is allowed (the README lists the same):
 * - script-src 'wasm-unsafe-eval': compiling the tfjs WASM backend's binary;
 * - script-src/worker-src blob:: the threaded WASM backend starts its workers from blob: URLs;
 * - style-src 'unsafe-inline': style attributes Svelte renders into the prerendered HTML (style:
 *   directives) and that Chart.js sets; no inline script is allowed;
 * - img-src data: blob:: exported chart images and uploaded digits shown before they are read.
 * A <meta> policy cannot carry frame-ancestors; the servers send that as a header (vite.config.ts,
 * and the README's nginx and _headers snippets).
 */
export const CSP_DIRECTIVES = {
	'default-src': ['self'],
	'script-src': ['self', 'wasm-unsafe-eval', 'blob:'],
	'worker-src': ['self', 'blob:'],
	'style-src': ['self', 'unsafe-inline'],
	'img-src': ['self', 'data:', 'blob:'],
	'connect-src': ['self'],
	'font-src': ['self'],
	'manifest-src': ['self'],
	'object-src': ['none'],
	'base-uri': ['self'],
	'form-action': ['self']
};

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true }),
		paths: { base, relative: true },
		csp: { mode: 'hash', directives: CSP_DIRECTIVES },
		// registered by src/lib/runtime/offline.svelte.ts, which also tells of waiting updates
		serviceWorker: { register: false },
		prerender: { entries: ['*'], handleHttpError: 'fail', handleMissingId: 'fail' }
	}
};

export default config;
