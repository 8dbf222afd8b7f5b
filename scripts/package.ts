/**
 * npm run package: builds the site and writes dist/ai-security-lab-<version>.zip, for hosting on a
 * school network without internet: the static build under site/, a README and serve.mjs (a tiny
 * Node.js server that sends the headers the lab needs). Zipped with fflate.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { BUILD_DIR, ROOT } from './lib/paths';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	version: string;
};

function* walk(dir: string): Generator<string> {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) yield* walk(path);
		else yield path;
	}
}

console.log('building the site…');
execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
	cwd: ROOT,
	stdio: 'inherit'
});
const folder = `ai-security-lab-${version}`;
const entries: Record<string, Uint8Array> = {};
for (const file of walk(BUILD_DIR))
	entries[`${folder}/site/${relative(BUILD_DIR, file).split('\\').join('/')}`] = readFileSync(file);
entries[`${folder}/README.md`] = readFileSync(join(ROOT, 'scripts/package/README.md'));
entries[`${folder}/serve.mjs`] = readFileSync(join(ROOT, 'scripts/package/serve.mjs'));
const zip = zipSync(entries, { level: 9 });
mkdirSync(join(ROOT, 'dist'), { recursive: true });
const out = join(ROOT, 'dist', `${folder}.zip`);
writeFileSync(out, zip);
console.log(
	`wrote ${relative(ROOT, out)} (${(zip.length / 2 ** 20).toFixed(1)} MB, ${Object.keys(entries).length} files)`
);
