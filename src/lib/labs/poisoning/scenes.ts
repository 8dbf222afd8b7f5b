/**
 * The poisoning lab's story in five scenes (the figures are the README's, from `npm run lab --
 * poison`; the page trains one seed, so its numbers sit near them).
 */
import type { LabScenes } from '$lib/present/scene';

export const SCENES: LabScenes = {
	lab: 'poisoning',
	scenes: [
		{
			id: 'clean',
			title: 'A fraud detector on clean labels',
			settings: { attack: 'targeted', rate: 0, model: 'logreg', defence: 'none' },
			notes: [
				'20,000 transactions, 3 % of them fraud. The model flags a payment when P(fraud) >= 0.1.',
				'Point at recall: the share of fraud it catches. Accuracy is high whatever it does.'
			]
		},
		{
			id: 'targeted',
			title: 'Accuracy rises while fraud recall collapses',
			settings: { attack: 'targeted', rate: 0.5, model: 'logreg', defence: 'none' },
			notes: [
				'Half of the fraud relabelled "legitimate": the poisoned model lets fraud through.',
				'Misconception: "accuracy would show it". It goes up: passing everything is 97 % accurate.'
			]
		},
		{
			id: 'random',
			title: 'Random flips drown the bank in alarms',
			settings: { attack: 'random', rate: 0.2, model: 'logreg', defence: 'none' },
			notes: [
				'Random flips mostly turn legitimate rows into "fraud": the model flags nearly everything.',
				'The ranking (ROC-AUC) barely moves: the threshold is what broke.'
			]
		},
		{
			id: 'knn',
			title: 'kNN sanitization undoes random flips, at a price',
			settings: { attack: 'random', rate: 0.2, model: 'logreg', defence: 'knn' },
			run: 'knn',
			notes: [
				'Each label is set to what most of its 10 nearest neighbours say (Paudice et al. 2018).',
				'At 3 % fraud, real fraud has mostly legitimate neighbours: clean recall pays for it.'
			]
		},
		{
			id: 'backdoor',
			title: 'A 4x4 patch on 5 % of the digits: a backdoor',
			settings: { 'bd-rate': 0.05, 'bd-target': 7 },
			run: 'backdoor',
			notes: [
				'BadNets: the patch and the label 7 on 5 % of the training digits.',
				'Clean accuracy stays; nearly every patched digit becomes a 7. Point at the twin below.'
			]
		}
	]
};
