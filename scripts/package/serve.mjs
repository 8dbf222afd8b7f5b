#!/usr/bin/env node
// Serves the AI Security Lab (the site/ folder beside this file) on a school network without
// internet:   node serve.mjs [port]   (default 8080; any machine with Node.js 18 or newer)
// It sends the headers the lab needs for multi-threaded WASM (cross-origin isolation) and its
// hardening headers. Files only; nothing is logged or sent anywhere.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), 'site');
const PORT = Number(process.argv[2] ?? process.env.PORT ?? 8080);
const HEADERS = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	'Content-Security-Policy': "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer'
};
const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.gz': 'application/gzip',
	'.bin': 'application/octet-stream',
	'.md': 'text/markdown; charset=utf-8'
};

/** The file a request names inside ROOT (a folder's index.html), or null. */
function fileFor(urlPath) {
	let path;
	try {
		path = normalize(join(ROOT, decodeURIComponent(urlPath.split('?')[0])));
	} catch {
		return null;
	}
	if (!path.startsWith(ROOT)) return null;
	if (existsSync(path) && statSync(path).isFile()) return path;
	const index = join(path, 'index.html');
	return existsSync(index) ? index : null;
}

createServer((req, res) => {
	for (const [k, v] of Object.entries(HEADERS)) res.setHeader(k, v);
	const found = fileFor(req.url ?? '/');
	const file = found ?? join(ROOT, '404.html');
	res.writeHead(found ? 200 : 404, {
		'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream'
	});
	createReadStream(file).pipe(res);
}).listen(PORT, () =>
	console.log(`AI Security Lab on http://localhost:${PORT}/ (Ctrl+C stops it)`)
);
