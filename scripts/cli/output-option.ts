/**
 * --output for the commands that put a model behind the extraction lab's PredictionApi
 * (`extract`, `invert`): probs, label, or round:K with K checked by the lab's own "Decimals kept"
 * field, so the CLI and the page cannot disagree on K.
 */
import type { NumberSpec } from '../../src/lib/labs/settings';
import type { OutputMode } from '../../src/lib/ml/extraction/victim-api';
import { UsageError } from './args';

/** The option's help line. */
export function outputHelp(decimals: NumberSpec): string {
	return `what the API answers: probs, round:K (K decimals, ${decimals.min} to ${decimals.max}) or label`;
}

/** Reads `text` as an OutputMode; `command` (e.g. "lab extract") starts the message. */
export function parseOutputOption(text: string, command: string, decimals: NumberSpec): OutputMode {
	const [kind, places, ...rest] = text.split(':');
	if (rest.length === 0) {
		if (kind === 'probs' && places === undefined) return { kind: 'probs' };
		if (kind === 'label' && places === undefined) return { kind: 'label' };
		if (kind === 'round' && places !== undefined) {
			const k = decimals.parse(places);
			if (k === undefined)
				throw new UsageError(
					`${command}: --output round:K: K must be ${decimals.expect}, got "${places}"`
				);
			return { kind: 'round', decimals: k };
		}
	}
	throw new UsageError(
		`${command}: --output must be probs, round:K (K decimals) or label, got "${text}"`
	);
}
