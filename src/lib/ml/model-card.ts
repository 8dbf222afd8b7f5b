/**
 * A model's card: the facts `npm run train` measured, stored as models/<id>/card.json (read by
 * the site, the CLI and the tests) and rendered to MODEL_CARD.md for people.
 */
import { MODEL_INFO, SMOOTHED_MODEL_INFO, type ModelId } from './models';
import type { SmoothedModelId } from './model-ids';

export interface ModelCard {
	id: ModelId | SmoothedModelId;
	architecture: string[];
	parameters: number;
	seed: number;
	data: { source: string; trainCount: number; testCount: number; splitSeed: number };
	training: {
		epochs: number;
		batchSize: number;
		learningRate: number;
		/** cosine-annealed down to learningRate times this in the last epoch (null: constant) */
		finalLearningRateFraction: number | null;
		optimizer: string;
		adversarial: { eps: number; weight: number } | null;
		/** Gaussian noise of this sigma on every training pixel (randomized smoothing), or absent */
		noise?: number;
		/** random shifts of up to this many pixels (0 = none) */
		maxShift: number;
		backend: string;
		ms: number;
	};
	/** clean accuracy on the held-out digits */
	testAccuracy: number;
	testCorrect: number;
	/** FGSM at eps = 0.25 on the held-out digits, for Goodfellow et al. 2015's comparison */
	fgsm025: { errorRate: number; meanConfidenceOnErrors: number };
	weightsSha256: string;
	trainedAt: string;
}

export function modelCardPath(id: ModelId | SmoothedModelId): string {
	return `models/${id}/card.json`;
}

export function parseModelCard(text: string, source: string): ModelCard {
	let card: ModelCard;
	try {
		card = JSON.parse(text);
	} catch (err) {
		throw new Error(`${source} is not valid JSON: ${(err as Error).message}`, { cause: err });
	}
	if (typeof card.testAccuracy !== 'number' || typeof card.id !== 'string') {
		throw new Error(`${source} lacks testAccuracy or id; run \`npm run train\``);
	}
	return card;
}

const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)} %`;

export function renderModelCard(card: ModelCard): string {
	const info = { ...MODEL_INFO, ...SMOOTHED_MODEL_INFO }[card.id];
	const t = card.training;
	return `# Model card: ${card.id}

${info.title}. ${info.summary}

Follows: ${info.reference}.

| | |
|---|---|
| Task | Classify 28x28 grey-scale handwritten digits (pixels in [0, 1]) into 0-9 |
| Data | ${card.data.source}; ${card.data.trainCount} training digits, ${card.data.testCount} held-out digits (stratified split, seed ${card.data.splitSeed}) |
| Parameters | ${card.parameters.toLocaleString('en-US')} |
| Seed | ${card.seed} (weight initialisation and batch order) |
| Training | ${t.epochs} epochs, batch ${t.batchSize}, ${t.optimizer} (learning rate ${t.learningRate}${t.finalLearningRateFraction !== null ? `, cosine-annealed to ${+(t.learningRate * t.finalLearningRateFraction).toPrecision(3)}` : ''})${t.maxShift ? `, random shifts of up to ${t.maxShift} px` : ''}${t.adversarial ? `, adversarial: J~ = ${t.adversarial.weight} J(x) + ${1 - t.adversarial.weight} J(x + ${t.adversarial.eps} sign(grad_x J))` : ''}${t.noise ? `, Gaussian noise of sigma ${t.noise} on every pixel` : ''} |
| Training backend, time | tfjs ${t.backend} in Node, ${(t.ms / 1000).toFixed(1)} s |
| Clean test accuracy | **${pct(card.testAccuracy)}** (${card.testCorrect} of ${card.data.testCount}) |
| FGSM, eps = 0.25 | ${pct(card.fgsm025.errorRate, 1)} error, mean confidence on errors ${pct(card.fgsm025.meanConfidenceOnErrors, 1)} |
| Weights sha256 | \`${card.weightsSha256}\` |

## Architecture

${card.architecture.map((l) => `- ${l}`).join('\n')}

## Intended use and limits

Teaching: the AI Security Lab attacks and defends this model live in the browser. It has seen only
${card.data.trainCount} MNIST digits, so it is less accurate than models trained on all 60,000, and it
is not robust to perturbations beyond those the FGSM row above shows. Do not use it for anything
that matters.

Written by \`npm run train\` on ${card.trainedAt.slice(0, 10)}; \`npm run train\` rewrites this file and
card.json.
`;
}
