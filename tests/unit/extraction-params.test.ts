import { describe, expect, it } from 'vitest';
import {
	DEFAULTS,
	outputModeOf,
	readParams,
	writeParams
} from '../../src/lib/labs/extraction/params';

describe('extraction lab URL parameters', () => {
	it('round-trip: a link reproduces victim, output, budget, rate limit, strategy and seed', () => {
		const chosen = {
			...DEFAULTS,
			victim: 'fraud-logreg' as const,
			output: 'round' as const,
			decimals: 3,
			budget: 500,
			rate: 50,
			strategy: 'natural' as const,
			seed: 9
		};
		const { params, problems } = readParams(writeParams(chosen, ''));
		expect(problems).toEqual([]);
		expect(params).toEqual(chosen);
		expect(outputModeOf(params)).toEqual({ kind: 'round', decimals: 3 });
		expect(writeParams(DEFAULTS, '?backend=wasm')).toBe('?backend=wasm');
	});

	it('bad values fall back to the defaults and say what was expected', () => {
		const { params, problems } = readParams('?victim=svm&budget=5&output=json&delta=2');
		expect(params.victim).toBe(DEFAULTS.victim);
		expect(params.budget).toBe(DEFAULTS.budget);
		expect(problems).toEqual([
			'?victim=svm is not one of fraud-logreg, fraud-mlp, mnist-cnn; using fraud-mlp',
			'?output=json is not one of probs, round, label; using probs',
			'?budget=5 is not a whole number from 20 to 20000; using 2000',
			'?delta=2 is not a number from 0.01 to 0.99; using 0.75'
		]);
	});
});
