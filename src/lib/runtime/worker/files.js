/**
 * Where the client build lists the files of the page's workers (their chunks and WASM binaries),
 * relative to the site's base: vite.config.ts writes it, the service worker caches what it names.
 */
export const WORKER_FILES = '_app/worker-files.json';
