import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every prerendered page of the built site, as a path relative to the site root ('' is home). */
export function builtPages(buildDir = 'build'): string[] {
	const pages: string[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const full = join(dir, name);
			if (statSync(full).isDirectory()) {
				if (name !== '_app' && name !== 'data') walk(full);
			} else if (name === 'index.html') {
				const rel = relative(buildDir, dir).split('\\').join('/');
				pages.push(rel === '' ? '' : `${rel}/`);
			}
		}
	};
	walk(buildDir);
	return pages.sort();
}
