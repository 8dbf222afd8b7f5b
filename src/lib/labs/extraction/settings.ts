/**
 * The extraction lab's settings, declared once (see $lib/labs/settings): the victim, what its API
 * reveals and whether it explains its answers, its budget, rate limit and price, the attack and
 * its seed, PRADA's threshold. The page's controls and URL and the `lab extract` CLI take their
 * ranges and words from here.
 */
import { VICTIM_IDS, VICTIM_LABELS } from '$lib/ml/extraction/victims';
import { STRATEGIES, STRATEGY_LABELS } from '$lib/ml/extraction/learning';
import type { OutputMode } from '$lib/ml/extraction/victim-api';
import { ATTACKS, PRADA_DELTA } from '$lib/ml/extraction/run';
import {
	choice,
	defineSettings,
	flag,
	integer,
	number,
	seed,
	type Values
} from '$lib/labs/settings';

export const OUTPUTS = ['probs', 'round', 'label'] as const;
export type OutputKind = (typeof OUTPUTS)[number];

export const OUTPUT_LABELS: Record<OutputKind, string> = {
	probs: 'full probabilities',
	round: 'probabilities rounded',
	label: 'top-1 label only'
};

export const SETTINGS = defineSettings({
	victim: choice(VICTIM_IDS, {
		label: 'Victim model',
		help: 'the model behind the API',
		default: 'fraud-logreg',
		labels: VICTIM_LABELS
	}),
	output: choice(OUTPUTS, {
		label: 'API answers with',
		help: 'what the API reveals: the class probabilities, rounded probabilities or the label only',
		default: 'probs',
		labels: OUTPUT_LABELS
	}),
	decimals: integer({
		label: 'Decimals kept',
		help: 'rounded answers: decimals of each probability',
		min: 0,
		max: 15,
		default: 1
	}),
	explanations: flag({
		label: 'Explanations',
		help: 'the API also answers with the gradient of P(fraud) with respect to the input, as explanation services return saliency maps (in every output mode)',
		default: false
	}),
	budget: integer({
		label: 'Query budget',
		help: 'queries the API answers in all',
		min: 1,
		max: 20000,
		default: 2000
	}),
	rate: integer({
		label: 'Rate limit',
		unit: 'queries per second, 0 = none',
		help: 'the most queries answered in any one second; 0 for no limit',
		min: 0,
		max: 100000,
		default: 0
	}),
	cost: number({
		label: 'Price per query',
		unit: 'credits',
		help: 'what one query costs',
		min: 0,
		max: 1000,
		step: 0.001,
		default: 0.001
	}),
	strategy: choice(ATTACKS, {
		label: 'Attack',
		help: 'equation solving (fraud-logreg), or a surrogate trained on random, natural or Jacobian-augmented queries',
		default: 'jacobian',
		labels: { equation: 'Equation solving', ...STRATEGY_LABELS }
	}),
	seed: seed({ help: 'seeds the victim, the queries and the surrogate' }),
	delta: number({
		label: 'PRADA threshold delta',
		help: 'PRADA raises the alarm when the Shapiro-Wilk W of the query distances falls below this',
		min: 0.01,
		max: 0.99,
		step: 0.01,
		default: PRADA_DELTA
	}),
	points: integer({
		label: 'Curve points',
		help: 'learning attacks: points on the fidelity curve',
		min: 1,
		max: 50,
		default: 10
	})
});

/** The learning strategies the page runs as curves (equation solving has its own button). */
export const PAGE_STRATEGIES = STRATEGIES;

export type ExtractionParams = Pick<
	Values<typeof SETTINGS.fields>,
	| 'victim'
	| 'output'
	| 'decimals'
	| 'explanations'
	| 'budget'
	| 'rate'
	| 'cost'
	| 'strategy'
	| 'seed'
	| 'delta'
>;
export const URL_PARAMS = SETTINGS.url([
	'victim',
	'output',
	'decimals',
	'explanations',
	'budget',
	'rate',
	'cost',
	'strategy',
	'seed',
	'delta'
]);
export const DEFAULTS: ExtractionParams = URL_PARAMS.defaults;

export function outputModeOf(p: Pick<ExtractionParams, 'output' | 'decimals'>): OutputMode {
	return p.output === 'round' ? { kind: 'round', decimals: p.decimals } : { kind: p.output };
}

export function outputText(mode: OutputMode): string {
	return mode.kind === 'round' ? `rounded to ${mode.decimals} decimals` : OUTPUT_LABELS[mode.kind];
}
