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

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `ai-security-lab-${version}`;
const base = new URL(sw.registration.scope).pathname;
const MODELS = MODEL_IDS.flatMap((id) => MODEL_FILES.map((f) => `${base}models/${id}/${f}`));
const ASSETS = [...build, ...files, ...prerendered, ...MODELS];

sw.addEventListener('install', (event) => {
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
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
