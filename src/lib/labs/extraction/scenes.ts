/**
 * The extraction lab's story in four scenes (equation solving is exact from 11 queries on full
 * probabilities, error about 2.5 at one decimal; PRADA flags the Jacobian attacker near query 167).
 */
import type { LabScenes } from '$lib/present/scene';

export const SCENES: LabScenes = {
	lab: 'extraction',
	scenes: [
		{
			id: 'equation',
			title: '11 queries steal the logistic regression exactly',
			settings: { victim: 'fraud-logreg', output: 'probs', budget: 2000 },
			run: 'equation',
			notes: [
				'Ten features and a bias: eleven unknowns, so eleven answers give eleven equations.',
				'Point at the table: recovered and true weights agree to the last digit.'
			]
		},
		{
			id: 'rounding',
			title: 'Rounding stops equation solving…',
			settings: { victim: 'fraud-logreg', output: 'round', decimals: 1, budget: 2000 },
			run: 'equation',
			notes: [
				'The API now rounds its answers to one decimal: the equations no longer pin the weights.',
				'The largest error grows from 1e-15 to about 2.5.'
			]
		},
		{
			id: 'learning',
			title: '… not learning',
			settings: {
				victim: 'fraud-logreg',
				output: 'round',
				decimals: 1,
				budget: 2000,
				strategy: 'jacobian'
			},
			run: 'steal',
			notes: [
				'A copy trained on the rounded answers still agrees with the victim almost everywhere.',
				'Misconception: "rounding protects the model". It protects the weights, not the behaviour.'
			]
		},
		{
			id: 'prada',
			title: 'PRADA spots the synthetic queries',
			settings: { victim: 'fraud-mlp', output: 'probs', budget: 2000, strategy: 'jacobian' },
			run: 'steal',
			notes: [
				"The service watches each client's query distances (Juuti et al. 2019).",
				'The red triangle: the alarm. Ordinary clients did not raise it; the margin is narrow.'
			]
		}
	]
};
