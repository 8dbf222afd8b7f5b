import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// BASE_PATH lets the same build deploy under a sub-path, e.g. BASE_PATH=/ai-security-lab for
// GitHub Pages project sites. It must start with a slash and not end with one.
const base = process.env.BASE_PATH ?? '';
if (base !== '' && (!base.startsWith('/') || base.endsWith('/'))) {
	throw new Error(`BASE_PATH must look like "/sub/path" (got "${base}")`);
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true }),
		paths: { base, relative: true },
		prerender: { entries: ['*'], handleHttpError: 'fail', handleMissingId: 'fail' }
	}
};

export default config;
