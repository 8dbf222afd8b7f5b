/**
 * The extraction lab's inputs as one typed table that round-trips through the URL: victim, what
 * the API reveals, its budget, rate limit and price, the attack and its seed, PRADA's threshold.
 * Read only in the browser; bad values fall back to defaults and are reported.
 */
import { VICTIM_IDS, type VictimId } from '$lib/ml/extraction/victims';
import { STRATEGIES, type Strategy } from '$lib/ml/extraction/learning';
import type { OutputMode } from '$lib/ml/extraction/victim-api';
import { PRADA_DELTA } from '$lib/ml/extraction/run';
import { choice, num, paramSchema, seed } from '$lib/labs/url-params';

export const OUTPUTS = ['probs', 'round', 'label'] as const;
export type OutputKind = (typeof OUTPUTS)[number];

export const OUTPUT_LABELS: Record<OutputKind, string> = {
	probs: 'full probabilities',
	round: 'probabilities rounded',
	label: 'top-1 label only'
};

export interface ExtractionParams {
	victim: VictimId;
	output: OutputKind;
	/** decimals kept when output = round */
	decimals: number;
	/** queries the API will answer in all */
	budget: number;
	/** queries per second; 0 = no limit */
	rate: number;
	/** price of one query */
	cost: number;
	strategy: Strategy;
	seed: number;
	/** PRADA alarm threshold on Shapiro-Wilk W */
	delta: number;
}

export const DEFAULTS: ExtractionParams = {
	victim: 'fraud-mlp',
	output: 'probs',
	decimals: 1,
	budget: 2000,
	rate: 0,
	cost: 0.001,
	strategy: 'jacobian',
	seed: 1,
	delta: PRADA_DELTA
};

export function outputModeOf(p: ExtractionParams): OutputMode {
	return p.output === 'round' ? { kind: 'round', decimals: p.decimals } : { kind: p.output };
}

export function outputText(mode: OutputMode): string {
	return mode.kind === 'round' ? `rounded to ${mode.decimals} decimals` : OUTPUT_LABELS[mode.kind];
}

export const URL_PARAMS = paramSchema<ExtractionParams>(DEFAULTS, {
	victim: choice(VICTIM_IDS),
	output: choice(OUTPUTS),
	decimals: num(0, 15, { integer: true }),
	budget: num(20, 20000, { integer: true }),
	rate: num(0, 100000, { integer: true }),
	cost: num(0, 1000),
	strategy: choice(STRATEGIES),
	seed: seed(),
	delta: num(0.01, 0.99)
});

export const { read: readParams, normalize: normalizeParams, write: writeParams } = URL_PARAMS;
