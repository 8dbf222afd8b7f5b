/**
 * The inversion lab's story in five scenes, each a gallery of all ten classes (seed 1, WASM:
 * k = 1 recovers 7 of 10 training photos; k = 100 none, every class recognised; mnist-cnn 99.8 %
 * confident and 10 % recognisable; label-only answers 20 %; the privacy MLP at sigma 8, 10 %).
 */
import type { LabScenes } from '$lib/present/scene';

export const SCENES: LabScenes = {
	lab: 'inversion',
	scenes: [
		{
			id: 'one-photo',
			title: 'One photo per person: the inversion is that photo',
			settings: { model: 'few-shot', k: 1 },
			run: 'gallery',
			notes: [
				'Ten “people”, one training photo each; the attacker knows only the name and the confidence.',
				'Point at a cell: the inversion sits nearer its training photo than any unseen digit.'
			]
		},
		{
			id: 'many-photos',
			title: 'A hundred photos each: it drifts to the class average',
			settings: { model: 'few-shot', k: 100 },
			run: 'gallery',
			notes: [
				'Same attack, more photos per class: every class is still recognised.',
				'But no inversion is anyone’s photo now: the model learned the class, not the people.'
			]
		},
		{
			id: 'cnn',
			title: 'The CNN is sure and shows nothing',
			settings: { model: 'mnist-cnn' },
			run: 'gallery',
			notes: [
				'99.8 % confident, yet the evaluator recognises one class in ten.',
				'Fredrikson et al. found softmax models invert best; a deep model’s optimum is an adversarial pattern.'
			]
		},
		{
			id: 'label-only',
			title: 'Answer with the label only, and the attacker is blind',
			settings: { model: 'few-shot', k: 5, blackbox: true, output: 'label' },
			run: 'gallery',
			notes: [
				'Black box through the pay-per-query API: gradients estimated from the answers.',
				'A label barely changes between nearby inputs: 20 % against 90 % with probabilities.'
			]
		},
		{
			id: 'dp',
			title: 'DP-SGD at sigma 8: even the template fades',
			settings: { model: 'privacy-mlp', sigma: 8 },
			run: 'gallery',
			notes: [
				'The privacy lab’s digit model, epsilon 0.60: one class in ten recognised.',
				'Careful: DP promises to hide individuals, not classes; here the template fades with the accuracy.'
			]
		}
	]
};
