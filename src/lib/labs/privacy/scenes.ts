/**
 * The privacy lab's story in three scenes (digits: non-private 89 % held out, membership
 * advantage 0.23; sigma 8: epsilon 0.6, 31 %, 0.05, about chance).
 */
import type { LabScenes } from '$lib/present/scene';

export const SCENES: LabScenes = {
	lab: 'privacy',
	scenes: [
		{
			id: 'no-noise',
			title: 'No noise: no privacy guarantee',
			settings: { dataset: 'fraud', sigma: 0 },
			notes: [
				'Clipping alone bounds each example’s push, but without noise epsilon is infinite.',
				'Drag sigma: epsilon falls as soon as there is noise.'
			]
		},
		{
			id: 'trade-off',
			title: 'More noise, smaller epsilon, lower accuracy',
			settings: { dataset: 'fraud', sigma: 2 },
			run: 'sweep-sigma',
			notes: [
				'Eight models, one per sigma, each beside the non-private baseline.',
				'Point at the trade-off chart: privacy is paid for in accuracy.'
			]
		},
		{
			id: 'membership',
			title: 'The membership attack loses its edge',
			settings: { dataset: 'mnist', sigma: 2 },
			run: 'sweep-sigma',
			notes: [
				'An attacker guesses "member" when an example’s loss is low (Yeom et al. 2018).',
				'Its advantage falls with epsilon towards chance, under the ceiling DP guarantees.'
			]
		}
	]
};
