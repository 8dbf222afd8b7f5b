/**
 * The provenance stamp every export carries: lab, kind, name, settings, model and the sha256 of its
 * weights, seed, backend, app version, date, and the CLI command that reproduces the run. Lines of
 * text: a PNG draws them as its footer, a CSV writes them as leading "# " comment lines.
 */
import type { Run } from './run';
import { settingsQuery } from './run';

export function stampLines(run: Run): string[] {
	const settings = settingsQuery(run.settings).slice(1).replace(/&/g, ' ') || 'defaults';
	return [
		`AI Security Lab ${run.appVersion}, ${run.lab} lab, ${run.kind}: ${run.name}`,
		`settings: ${settings}; seed ${run.seed}`,
		run.model
			? `model ${run.model.id}, weights sha256 ${run.model.sha256}`
			: 'model: trained in the page',
		`backend ${run.backend}; ${run.createdAt}`,
		`reproduce: ${run.cli}`
	];
}

/** A CSV with the stamp as comment lines before the header. */
export function stampedCsv(run: Run, csv: string): string {
	return (
		stampLines(run)
			.map((l) => `# ${l}\r\n`)
			.join('') + csv
	);
}
