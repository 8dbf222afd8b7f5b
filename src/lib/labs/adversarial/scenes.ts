/**
 * The adversarial lab's story in six scenes, on test image 0 (a 2). The facts in the titles were
 * measured with the shipped models (FGSM flips the CNN at eps 0.13, softmax at 0.075; the
 * adversarially trained CNN holds against FGSM up to 0.5 and falls to 10-step PGD at 0.075).
 */
import type { LabScenes } from '$lib/present/scene';

export const SCENES: LabScenes = {
	lab: 'adversarial',
	scenes: [
		{
			id: 'cnn',
			title: 'A 98 %-accurate CNN reads the 2',
			settings: { model: 'mnist-cnn', attack: 'fgsm', eps: 0, digit: 0 },
			notes: [
				'The small CNN is right on 98.3 % of held-out digits; this one it reads as a 2 with near certainty.',
				'eps is the most any pixel may change (pixels run from 0 to 1).'
			]
		},
		{
			id: 'invisible',
			title: 'eps 0.05: invisible, still right',
			settings: { model: 'mnist-cnn', attack: 'fgsm', eps: 0.05, digit: 0 },
			notes: [
				'Every pixel moved by 0.05 in the direction that hurts the model most (FGSM, one gradient).',
				'Point at the middle image: the change is amplified twenty times to be visible at all.'
			]
		},
		{
			id: 'flip',
			title: 'eps 0.15: the 2 becomes a 7',
			settings: { model: 'mnist-cnn', attack: 'fgsm', eps: 0.15, digit: 0 },
			notes: [
				'A person still reads a 2. The model says 7.',
				'Misconception: "the model is confused". It is confident: look at the probabilities.'
			]
		},
		{
			id: 'shallow',
			title: 'The shallow model falls first',
			settings: { model: 'mnist-softmax', attack: 'fgsm', eps: 0.1, digit: 0 },
			notes: [
				'Softmax regression is linear: many tiny changes add up (Goodfellow et al. 2015).',
				'It flips at eps 0.075, the CNN at 0.13.'
			]
		},
		{
			id: 'adv-training',
			title: 'Adversarial training holds against FGSM',
			settings: { model: 'mnist-cnn-adv', attack: 'fgsm', eps: 0.15, digit: 0, samples: 1000 },
			run: 'curves',
			notes: [
				'The same CNN trained on FGSM examples: no eps up to 0.5 flips this digit with FGSM.',
				'The curves below: its accuracy stays high where the plain CNN collapses.'
			]
		},
		{
			id: 'pgd',
			title: '… and falls to PGD',
			settings: {
				model: 'mnist-cnn-adv',
				attack: 'pgd',
				eps: 0.15,
				digit: 0,
				randomStart: true,
				samples: 200
			},
			run: 'curves',
			notes: [
				'Ten small projected steps instead of one: it flips at eps 0.075.',
				'Its FGSM robustness was mostly masked gradients; judge a defence by its strongest attack.'
			]
		}
	]
};
