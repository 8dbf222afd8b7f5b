import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/paths';
import { URL_PARAMS as adversarial, SETTINGS as A } from '../../src/lib/labs/adversarial/settings';
import {
	BACKDOOR_SETTINGS as B,
	BACKDOOR_URL_PARAMS as backdoor,
	SETTINGS as P,
	URL_PARAMS as poisoning
} from '../../src/lib/labs/poisoning/settings';
import { URL_PARAMS as extraction, SETTINGS as E } from '../../src/lib/labs/extraction/settings';
import { URL_PARAMS as privacy, SETTINGS as R } from '../../src/lib/labs/privacy/settings';
import { URL_PARAMS as inversion, SETTINGS as I } from '../../src/lib/labs/inversion/settings';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const links = readme.slice(readme.indexOf('## Links'), readme.indexOf('## Backends'));

describe('the README for a newcomer', () => {
	it.each([
		['adversarial', adversarial, A],
		['poisoning', poisoning, P],
		['backdoor', backdoor, B],
		['extraction', extraction, E],
		['privacy', privacy, R],
		['inversion', inversion, I]
	] as const)(
		'lists every URL key of the %s lab with its range and default',
		(_, url, settings) => {
			const rows = links.split('\n').map((line) => line.split('|').map((cell) => cell.trim()));
			for (const name of Object.keys(url.defaults)) {
				const field = (
					settings.fields as Record<
						string,
						{ key?: string; default: unknown; show(v: never): string }
					>
				)[name];
				const key = field.key ?? name;
				const shown = field.show(field.default as never);
				// a table row: | `key` | setting | accepts | default |
				expect(
					rows.some((cells) => cells[1] === `\`${key}\`` && cells[4] === shown),
					key
				).toBe(true);
			}
		}
	);

	it('says how to start, test and restart, and what the install warning means', () => {
		expect(readme).toContain('npm install && npm start');
		expect(readme).toContain('npm run preview');
		expect(readme).toMatch(/esbuild[^\n]*install script|install-scripts/);
		expect(readme).toContain('### The first five minutes');
	});
});
