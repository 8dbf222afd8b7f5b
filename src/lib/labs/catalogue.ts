/**
 * The labs in course order. A lab that lands adds its route at src/routes/labs/<id>/ and sets
 * `href` here to resolve('/labs/<id>/') (typed: it only compiles once the route exists); the home
 * page links only to labs that have one.
 */
import { resolve } from '$app/paths';

export interface LabEntry {
	id: 'adversarial' | 'poisoning' | 'extraction' | 'privacy' | 'inversion' | 'supply-chain';
	title: string;
	summary: string;
	href: string | null;
}

export const LABS: readonly LabEntry[] = [
	{
		id: 'adversarial',
		title: 'Adversarial examples',
		summary:
			'FGSM and PGD against a digit classifier: drag eps and watch the prediction flip; compare robustness curves of a plain and an adversarially trained model.',
		href: resolve('/labs/adversarial/')
	},
	{
		id: 'poisoning',
		title: 'Data poisoning',
		summary:
			'Label flips against a toy fraud classifier, and a backdoor trigger hidden in training digits.',
		href: resolve('/labs/poisoning/')
	},
	{
		id: 'extraction',
		title: 'Model extraction',
		summary:
			'Steal a model through its prediction API, query by query, and watch an API-side detector.',
		href: resolve('/labs/extraction/')
	},
	{
		id: 'privacy',
		title: 'Differential privacy',
		summary:
			'A noise slider on DP-SGD charting the privacy/accuracy trade-off, with an accountant that agrees with TensorFlow Privacy and Opacus.',
		href: resolve('/labs/privacy/')
	},
	{
		id: 'inversion',
		title: 'Model inversion',
		summary:
			'Recover what a class looks like from a model’s confidence alone (MI-Face), white box or through the API, and see how near it comes to the few training photos behind it.',
		href: resolve('/labs/inversion/')
	},
	{
		id: 'supply-chain',
		title: 'Supply chain',
		summary:
			'Seven downloads of the same model: which do hashes and a signature catch, which only a behaviour scan (Neural Cleanse, STRIP) finds, and why a pickled model can run code as it loads.',
		href: resolve('/labs/supply-chain/')
	}
];
