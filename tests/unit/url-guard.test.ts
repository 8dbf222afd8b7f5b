import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardSearch } from '../../src/lib/runtime/url-guard';

/** tfjs-core's own reading of the query (environment.ts getQueryParams), which must never throw. */
function tfjsReads(search: string): Record<string, string> {
	const params: Record<string, string> = {};
	search.replace(/[?&]([^=?&]+)(?:=([^&]*))?/g, (s, ...t) => {
		params[decodeURIComponent(t[0])] = decodeURIComponent(t[1] || '');
		return t.join('=');
	});
	return params;
}

describe('the URL guard, before tfjs reads the address', () => {
	it.each(['?q=100%', '?x=%E0%A4%A', '?%ZZ', '?a=%ED%A0%80', '?b=%FF'])(
		'%s is dropped with a message, and tfjs can then read the query',
		(search) => {
			expect(() => tfjsReads(search)).toThrow(URIError);
			const guarded = guardSearch(search);
			expect(guarded.problems).toHaveLength(1);
			expect(guarded.problems[0]).toMatch(/not a valid %-escape.*ignored$/);
			expect(() => tfjsReads(guarded.search)).not.toThrow();
		}
	);

	it('drops tfjsflags and keeps every other parameter as it was', () => {
		const guarded = guardSearch('?backend=webgl&tfjsflags=WEBGL_FORCE_F16_TEXTURES:true&eps=0.2');
		expect(guarded.search).toBe('?backend=webgl&eps=0.2');
		expect(guarded.problems).toEqual([
			"?tfjsflags=WEBGL_FORCE_F16_TEXTURES:true: tfjs engine flags cannot be set from a link (they change the lab's numbers); ignored"
		]);
		expect(guardSearch('?tfjs%66lags=DEBUG:true').search).toBe('');
		expect(guardSearch('?eps=0.2&digit=3')).toEqual({ search: '?eps=0.2&digit=3', problems: [] });
		expect(guardSearch('')).toEqual({ search: '', problems: [] });
	});

	it('whatever the query, tfjs can read what is left and finds no engine flags (fuzzed)', () => {
		const piece = fc.oneof(
			fc.string(),
			fc.constantFrom('%', '%E0%A4', '%FF', '%ZZ', 'tfjsflags', '=', '&', '?', 'DEBUG:true', '%25')
		);
		fc.assert(
			fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
				const search = `?${parts.join('')}`;
				const guarded = guardSearch(search);
				const read = tfjsReads(guarded.search);
				expect('tfjsflags' in read).toBe(false);
				for (const p of guarded.problems) expect(p.length).toBeLessThan(160);
			}),
			{ seed: 20261201, numRuns: 2000 }
		);
	});
});
