import { describe, expect, it } from 'vitest';
import { mdParagraphs, toMarkdown } from '../../src/lib/exercise/markdown';
import { emptyWorksheet } from '../../src/lib/exercise/worksheet';
import { custom, sample } from './fixtures/worksheets';

/** A worksheet whose one custom threat is called `name` and whose Detect answer is `detect`. */
function written(name: string, detect = '') {
	const ws = emptyWorksheet();
	ws.components['inference-pipeline'].push({ ...custom('custom-1', 2, 2), name });
	ws.controls = ['ctl-rate-limiting'];
	ws.incidentResponse.detect = detect;
	return toMarkdown(ws);
}

describe('markdown deliverables', () => {
	it('contains the four deliverables with the ranked threats, controls and IR text', () => {
		const md = toMarkdown(sample());
		const sections = [
			'## 1. Threat landscape',
			'## 2. Risk assessment matrix',
			'## 3. Recommended controls',
			'## 4. Incident response outline'
		];
		const at = sections.map((s) => md.indexOf(s));
		expect(at.every((i) => i >= 0)).toBe(true);
		expect([...at].sort((a, b) => a - b)).toEqual(at);
		expect(md).toContain('### Inference pipeline');
		expect(md).toContain('| 1 | poison | Training data | AML.T0020 | 4 | 5 | 5 | 20 (critical) |');
		expect(md).toContain('| Sanitize Training Data | ATLAS mitigation AML.M0007 |');
		expect(md).toContain('| Rate limiting and request quotas | Classic control | - |');
		expect(md).toContain('Score drift alerts');
		expect(md).toContain('| 5 | 0 | 2 | 0 | 1 | 0 |');
	});

	it('escapes table pipes in names written by the learner', () => {
		expect(written('A | B')).toContain('| A \\| B |');
	});

	it('writes HTML in a name as text, not as a tag', () => {
		const md = written('<img src=x onerror=alert(1)> & <b>bold</b>');
		expect(md).not.toMatch(/<[a-z/!?]/i);
		expect(md).toContain('- &lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
	});

	it('turns no name or answer into a link, inline, reference-style or autolinked', () => {
		const md = written(
			'[click](javascript:alert(1))',
			'<javascript:alert(1)>\n[x]: javascript:alert(1)\n![img](javascript:alert(2))'
		);
		expect(md).not.toMatch(/[[\]<]/);
		expect(md).toContain('- &#91;click&#93;(javascript:alert(1))');
	});

	it('keeps a name with line breaks on its own list line: it starts no heading or block', () => {
		const md = written('Replay\n# Owned\n\n---');
		const lines = md.split('\n');
		expect(lines).toContain('- Replay # Owned ---: risk 4 (low)');
		expect(lines.filter((l) => /^#/.test(l)).every((l) => !l.includes('Owned'))).toBe(true);
	});

	it.each([
		['# Heading', '\\# Heading'],
		['## Owned', '\\## Owned'],
		['---', '\\---'],
		['===', '\\==='],
		['***', '\\*\\*\\*'],
		['- item', '\\- item'],
		['+ item', '\\+ item'],
		['1. item', '1\\. item'],
		['2) item', '2\\) item'],
		['> quote', '&gt; quote'],
		['```js', '\\`\\`\\`js'],
		['    indented code', 'indented code'],
		['| a | b |', '\\| a \\| b \\|'],
		['*bold* _it_ ~~del~~ $x$', '\\*bold\\* \\_it\\_ \\~\\~del\\~\\~ \\$x\\$'],
		['a \\ b', 'a \\\\ b']
	])('writes the answer line %j as plain text: %j', (line, escaped) => {
		expect(mdParagraphs(line)).toBe(escaped);
	});

	it('keeps the line breaks and paragraphs of an answer', () => {
		expect(mdParagraphs('Alert on drift\nPage the on-call\n\n\nRoll back')).toBe(
			'Alert on drift\\\nPage the on-call\n\nRoll back'
		);
		const md = written('x', 'First\n---');
		expect(md).toContain('### Detect\n\nFirst\\\n\\---\n');
	});
});
