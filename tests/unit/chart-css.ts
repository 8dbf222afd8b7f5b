// The custom properties src/app.css sets on :root, for the light scheme and for the dark one
// (the light values overridden by the prefers-color-scheme: dark block), read from the file.
import { readFileSync } from 'node:fs';

const CSS = readFileSync(new URL('../../src/app.css', import.meta.url), 'utf8');

function declarations(block: string): Record<string, string> {
	return Object.fromEntries(
		[...block.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()])
	);
}

/** The body of the first `selector {` block at or after `from`. */
function blockAfter(from: number, selector: string): string {
	const start = CSS.indexOf(`${selector} {`, from);
	if (start < 0) throw new Error(`app.css has no "${selector} {" block`);
	const open = CSS.indexOf('{', start);
	return CSS.slice(open + 1, CSS.indexOf('}', open));
}

export function schemeVariables(scheme: 'light' | 'dark'): Record<string, string> {
	const light = declarations(blockAfter(0, ':root'));
	if (scheme === 'light') return light;
	const media = CSS.indexOf('@media (prefers-color-scheme: dark)');
	if (media < 0) throw new Error('app.css has no dark colour scheme');
	return { ...light, ...declarations(blockAfter(media, ':root')) };
}
