// Serves the built site on loopback for the bench, with the same headers as `npm run preview`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, ROOT } from '../lib/paths';

export async function ensureBuild(log: (line: string) => void) {
	if (existsSync(join(BUILD_DIR, 'index.html'))) return;
	log('no build/ yet: running vite build');
	const run = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
	if (run.status !== 0) throw new Error('vite build failed; run `npm run build` to see why');
}

async function answers(url: string): Promise<boolean> {
	try {
		return (await fetch(url)).ok;
	} catch {
		return false;
	}
}

export async function startPreview(port: number): Promise<{ url: string; stop: () => void }> {
	const probe = `http://127.0.0.1:${port}/`;
	if (await answers(probe)) {
		throw new Error(`port ${port} is already in use; stop that server or pass --port <free port>`);
	}
	const child: ChildProcess = spawn(
		'npx',
		['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
		{ cwd: ROOT, stdio: 'ignore', detached: true }
	);
	const url = `http://127.0.0.1:${port}${process.env.BASE_PATH ?? ''}/`;
	const stop = () => {
		try {
			if (child.pid) process.kill(-child.pid, 'SIGTERM');
		} catch {
			// already gone
		}
	};
	let exited = false;
	child.on('exit', () => (exited = true));
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline && !exited) {
		if (await answers(url)) return { url, stop };
		await new Promise((r) => setTimeout(r, 250));
	}
	stop();
	throw new Error(`the preview server did not answer on ${url} within 60 s`);
}
