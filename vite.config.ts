import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { WORKER_FILES } from './src/lib/runtime/worker/files.js';

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer); the rest harden
// the pages. Each page carries its own Content-Security-Policy in a <meta> tag (svelte.config.js);
// the header adds what a <meta> policy cannot say. Any static host serving the build should send
// the same headers; see the README for nginx and _headers snippets.
export const HEADERS = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	'Content-Security-Policy': "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer'
};

function securityHeaders(_req: IncomingMessage, res: ServerResponse, next: () => void) {
	for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
	// SvelteKit's plugin turns Vite's CORS middleware on; nothing here is meant for other origins.
	res.removeHeader('Access-Control-Allow-Origin');
	next();
}

const MODELS_DIR = resolve('models');
const MIME: Record<string, string> = {
	'.json': 'application/json',
	'.bin': 'application/octet-stream',
	'.md': 'text/markdown; charset=utf-8'
};

/**
 * models/ is the single source of the shipped models: the dev server serves it under
 * <base>/models/ and the client build copies it next to the pages, so nothing is duplicated in
 * static/.
 */
function shippedModels(): Plugin {
	let outDir = '';
	let isSsr = false;
	return {
		name: 'ai-lab:models',
		configResolved(config) {
			outDir = resolve(config.root, config.build.outDir);
			isSsr = Boolean(config.build.ssr);
		},
		configurePreviewServer(server) {
			// Before SvelteKit's own handlers, which answer for prerendered pages and skip
			// preview.headers.
			server.middlewares.use(securityHeaders);
		},
		configureServer(server) {
			server.middlewares.use(securityHeaders);
			const prefix = `${process.env.BASE_PATH ?? ''}/models/`;
			server.middlewares.use((req, res, next) => {
				const url = req.url?.split('?')[0] ?? '';
				if (!url.startsWith(prefix)) return next();
				const file = normalize(join(MODELS_DIR, decodeURIComponent(url.slice(prefix.length))));
				if (!file.startsWith(MODELS_DIR) || !existsSync(file) || !statSync(file).isFile()) {
					return next();
				}
				res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
				createReadStream(file).pipe(res);
			});
		},
		writeBundle() {
			if (!isSsr) cpSync(MODELS_DIR, join(outDir, 'models'), { recursive: true });
		}
	};
}

/**
 * A worker's own chunks and WASM binaries are not in SvelteKit's list of build files (it lists
 * only what the page's chunks reference), so the service worker could not cache them and a
 * worker would fail to start offline. This writes their names, as the client build emits them,
 * to WORKER_FILES.
 */
function workerFileList(): Plugin {
	return {
		name: 'ai-lab:worker-files',
		generateBundle: {
			order: 'post',
			handler(_options, bundle) {
				if (this.environment.config.build.ssr) return;
				const names = Object.keys(bundle)
					.filter((name) => name.includes('/workers/'))
					.sort();
				if (names.length === 0) return;
				this.emitFile({
					type: 'asset',
					fileName: WORKER_FILES,
					source: JSON.stringify(names, null, '\t')
				});
			}
		}
	};
}

export default defineConfig({
	plugins: [shippedModels(), workerFileList(), sveltekit()],
	server: { headers: HEADERS, fs: { allow: ['models'] } },
	preview: { headers: HEADERS },
	optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
	// the lab's worker (src/lib/runtime/worker) loads its backend code on demand: split chunks
	worker: { format: 'es' },
	test: {
		// tests/unit: the fast suite (npm run test:unit); tests/slow: training runs and CLI processes
		include: ['tests/unit/**/*.test.ts', 'tests/slow/**/*.test.ts'],
		environment: 'node',
		testTimeout: 120_000,
		hookTimeout: 120_000,
		pool: 'forks'
	}
});
