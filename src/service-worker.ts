/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Offline use: on install, every page, script, style, data file, WASM binary and model of this
 * version goes into one cache; from then on the site answers from it, network or not. A new version
 * installs beside the old one and waits: the page shows a note and the switch happens only when the
 * learner asks for it (a reload from the note), never in the middle of a lab.
 */
import { build, files, prerendered, version } from '$service-worker';
import { MODEL_FILES, MODEL_IDS } from '$lib/ml/model-ids';
import { WORKER_FILES } from '$lib/runtime/worker/files';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `ai-security-lab-${version}`;
const base = new URL(sw.registration.scope).pathname;
const MODELS = MODEL_IDS.flatMap((id) => MODEL_FILES.map((f) => `${base}models/${id}/${f}`));
const ASSETS = [...build, ...files, ...prerendered, ...MODELS];

/**
 * The page's workers' chunks and WASM binaries, which SvelteKit's `build` list leaves out (the
 * client build names them in WORKER_FILES). The dev server has no such list and needs none.
 */
async function workerFiles(): Promise<string[]> {
	if (!build.length) return [];
	const response = await fetch(`${base}${WORKER_FILES}`);
	if (!response.ok) throw new Error(`${WORKER_FILES}: HTTP ${response.status}`);
	return ((await response.json()) as string[]).map((file) => `${base}${file}`);
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			// a worker's entry file is in both lists, and addAll refuses a request twice
			await cache.addAll([...new Set([...ASSETS, ...(await workerFiles())])]);
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
	);
});

sw.addEventListener('message', (event) => {
	if (event.data === 'skip-waiting') void sw.skipWaiting();
});

/** A page's cached copy: the same path with or without its query (links carry settings). */
async function fromCache(request: Request): Promise<Response | undefined> {
	const cache = await caches.open(CACHE);
	return (
		(await cache.match(request, { ignoreSearch: true })) ??
		(request.mode === 'navigate' ? await cache.match(`${base}404.html`) : undefined)
	);
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET' || new URL(request.url).origin !== sw.location.origin) return;
	event.respondWith(
		(async () => {
			const cached = await fromCache(request);
			if (cached) return cached;
			return fetch(request);
		})()
	);
});
