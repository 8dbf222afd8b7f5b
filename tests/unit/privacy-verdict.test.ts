import { describe, expect, it } from 'vitest';
import { leakVerdict } from '../../src/lib/labs/privacy/verdict';

const run = (epsilon: number, miaAdvantage: number, miaAuc = 0.5) => ({
	epsilon,
	miaAdvantage,
	miaAuc,
	miaChance: 0.077
});

describe('the leakage verdict under the chart', () => {
	it('says "within chance", not a reduction, when both advantages are below the chance level', () => {
		const v = leakVerdict(run(Infinity, 0.07, 0.53), run(0.88, 0.04, 0.51));
		expect(v).toMatch(/^Both runs are within chance/);
		expect(v).toContain('advantage 0.070, AUC 0.530');
		expect(v).toContain('advantage 0.040, AUC 0.510 at epsilon 0.88');
		expect(v).toContain('0.077 one time in twenty');
		expect(v).not.toMatch(/reduced|less but/);
	});

	it('reports a leak brought down to chance, a leak reduced but still there, and no reduction', () => {
		expect(leakVerdict(run(Infinity, 0.233), run(0.6, 0.048))).toMatch(
			/at epsilon 0.60 it reached advantage 0.048, AUC 0.500, within chance/
		);
		expect(leakVerdict(run(Infinity, 0.233), run(3.05, 0.096))).toMatch(
			/it reached advantage 0.096, AUC 0.500, less but still above chance/
		);
		expect(leakVerdict(run(Infinity, 0.136), run(4.56, 0.14))).toMatch(
			/no less than against the non-private model .* shows no reduction in the leak/
		);
	});
});
