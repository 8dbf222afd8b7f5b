// The four deliverables as one Markdown file, the document a teacher opens in a viewer. Every
// value that comes from the worksheet is escaped on the way in, so a name or an answer shows as
// the text it is: it can start no heading, list, table, HTML tag or link.

import { chosenControls } from './controls';
import { COMPONENT_INFO, IR_INFO, SCENARIO } from './scenario';
import { rankThreats, riskMatrix } from './scoring';
import { cleanName, COMPONENT_IDS, IR_PHASES, type Worksheet } from './worksheet';

// Written as entities: what could open an HTML tag, an autolink, a link or a footnote, and `&`
// itself so an entity the learner typed shows as typed. CommonMark never reads an entity as syntax.
const ENTITIES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'[': '&#91;',
	']': '&#93;'
};

/** Learner text inside a line or a table cell: one line, no inline Markdown or HTML. */
export function mdInline(text: string): string {
	return cleanName(text)
		.replace(/[&<>[\]]/g, (c) => ENTITIES[c])
		.replace(/[\\`*_~|$]/g, '\\$&');
}

/** Learner text at the start of a line: also escapes what would make the line a block. */
export function mdLine(text: string): string {
	return mdInline(text)
		.replace(/^[#+=-]/, '\\$&')
		.replace(/^(\d+)([.)])/, '$1\\$2');
}

/**
 * A multi-line answer as paragraphs: blank lines separate paragraphs, other line breaks stay
 * line breaks (a trailing backslash), and every line is escaped as learner text.
 */
export function mdParagraphs(text: string): string {
	const paragraphs = text
		.split(/\r\n|\r|\n|\u2028|\u2029/)
		.map(mdLine)
		.join('\n')
		.split(/\n{2,}/)
		.map((p) => p.replace(/^\n+|\n+$/g, ''))
		.filter((p) => p !== '');
	return paragraphs.map((p) => p.split('\n').join('\\\n')).join('\n\n');
}

export function toMarkdown(ws: Worksheet, title = 'Threat assessment'): string {
	const ranked = rankThreats(ws);
	const out: string[] = [`# ${title}: AI fraud detection for online banking`, '', SCENARIO, ''];

	out.push('## 1. Threat landscape', '');
	for (const c of COMPONENT_IDS) {
		const list = ranked.filter((t) => t.component === c);
		out.push(`### ${COMPONENT_INFO[c].label}`, '');
		if (list.length === 0) out.push('- No threats listed yet.');
		for (const t of list) {
			out.push(`- ${mdLine(t.name)}${t.atlas ? ` (${t.atlas})` : ''}: risk ${t.risk} (${t.level})`);
		}
		out.push('');
	}

	out.push('## 2. Risk assessment matrix', '');
	out.push(
		'| Rank | Threat | Component | ATLAS | Likelihood | Impact | Difficulty to detect | Risk |'
	);
	out.push('| ---: | --- | --- | --- | ---: | ---: | ---: | --- |');
	ranked.forEach((t, i) => {
		out.push(
			`| ${i + 1} | ${mdInline(t.name)} | ${COMPONENT_INFO[t.component].label} | ${t.atlas ?? '-'} | ${t.likelihood} | ${t.impact} | ${t.detectability} | ${t.risk} (${t.level}) |`
		);
	});
	if (ranked.length === 0) out.push('| - | No threats listed yet | | | | | | |');
	out.push('', 'Threats per cell (rows: impact, columns: likelihood):', '');
	out.push(
		'| Impact \\ Likelihood | 1 | 2 | 3 | 4 | 5 |',
		'| --- | ---: | ---: | ---: | ---: | ---: |'
	);
	const m = riskMatrix(ws);
	for (let i = 5; i >= 1; i--) out.push(`| ${i} | ${m[i - 1].join(' | ')} |`);
	out.push('');

	out.push('## 3. Recommended controls', '');
	const chosen = chosenControls(ws);
	out.push('| Control | Type | Addresses |', '| --- | --- | --- |');
	for (const { control, addresses } of chosen) {
		const type = control.kind === 'atlas' ? `ATLAS mitigation ${control.id}` : 'Classic control';
		const names = addresses.map((t) => mdInline(t.name)).join('; ') || '-';
		out.push(`| ${mdInline(control.name)} | ${type} | ${names} |`);
	}
	if (chosen.length === 0) out.push('| No controls chosen yet | | |');
	out.push('');

	out.push('## 4. Incident response outline', '');
	for (const p of IR_PHASES) {
		const body = mdParagraphs(ws.incidentResponse[p]);
		out.push(`### ${IR_INFO[p].label}`, '', body === '' ? '_Not written yet._' : body, '');
	}
	return out.join('\n');
}
