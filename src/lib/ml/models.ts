/**
 * The shipped digit classifiers: their architectures (used by `npm run train`), their ids and
 * where their weights come from. Every model takes [n, 28, 28, 1] pixels in [0, 1] and returns
 * [n, 10] class probabilities.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {
	MODEL_IDS,
	SMOOTHED_MODEL_IDS,
	SMOOTHING_SIGMAS,
	type ModelId,
	type SmoothedModelId
} from './model-ids';

export { MODEL_IDS, type ModelId };

export interface ModelInfo {
	id: ModelId | SmoothedModelId;
	title: string;
	summary: string;
	/** The paper the model follows, cited where it is shown. */
	reference: string;
}

export const MODEL_INFO: Record<ModelId, ModelInfo> = {
	'mnist-softmax': {
		id: 'mnist-softmax',
		title: 'Softmax regression',
		summary: 'A shallow linear model: 784 pixels straight into 10 class scores.',
		reference:
			'Goodfellow, Shlens, Szegedy 2015, "Explaining and Harnessing Adversarial Examples", section 4 (shallow softmax model)'
	},
	'mnist-cnn': {
		id: 'mnist-cnn',
		title: 'Small CNN',
		summary:
			'A strided 5x5 and a strided 3x3 convolution and a linear layer, trained on clean digits.',
		reference: 'LeCun et al. 1998, "Gradient-Based Learning Applied to Document Recognition"'
	},
	'mnist-cnn-adv': {
		id: 'mnist-cnn-adv',
		title: 'Adversarially trained CNN',
		summary: 'The same CNN trained on a 50/50 mix of clean and FGSM-perturbed digits.',
		reference: 'Goodfellow, Shlens, Szegedy 2015, section 6 (adversarial training with FGSM)'
	}
};

/** The randomized-smoothing base classifiers (model-ids.ts SMOOTHED_MODEL_IDS). */
export const SMOOTHED_MODEL_INFO: Record<SmoothedModelId, ModelInfo> = Object.fromEntries(
	SMOOTHED_MODEL_IDS.map((id, i) => [
		id,
		{
			id,
			title: `CNN trained under noise, sigma ${SMOOTHING_SIGMAS[i]}`,
			summary: `The same CNN trained on digits with Gaussian noise of sigma ${SMOOTHING_SIGMAS[i]} added to every pixel: the base classifier of randomized smoothing at that sigma.`,
			reference:
				'Cohen, Rosenfeld, Kolter 2019, "Certified Adversarial Robustness via Randomized Smoothing", section 4'
		}
	])
) as Record<SmoothedModelId, ModelInfo>;

/**
 * Every shipped model ends in a linear layer of this name followed by a softmax, so attacks and
 * training can work on logits (numerically stable cross-entropy) while the model still outputs
 * probabilities.
 */
export const LOGITS_LAYER = 'logits';

export function isModelId(value: string): value is ModelId {
	return (MODEL_IDS as readonly string[]).includes(value);
}

/** Goodfellow et al. 2015, section 4: softmax regression on raw pixels. */
export function buildSoftmax(seed: number): tfl.LayersModel {
	return tfl.sequential({
		name: 'mnist_softmax',
		layers: [
			tfl.layers.flatten({ inputShape: [28, 28, 1] }),
			tfl.layers.dense({
				units: 10,
				name: LOGITS_LAYER,
				kernelInitializer: tfl.initializers.glorotUniform({ seed })
			}),
			tfl.layers.activation({ activation: 'softmax', name: 'probs' })
		]
	});
}

/**
 * A small CNN chosen to be fast on every backend: strided convolutions instead of pooling, and a
 * 3x3 second layer, keep the work per digit near 0.32 M multiply-adds, so one-digit FGSM fits
 * well inside a frame and a 1,000-digit x 21-eps robustness curve takes about a second on WASM.
 */
export function buildCnn(seed: number): tfl.LayersModel {
	const init = (offset: number) => tfl.initializers.heNormal({ seed: seed + offset });
	return tfl.sequential({
		name: 'mnist_cnn',
		layers: [
			tfl.layers.conv2d({
				inputShape: [28, 28, 1],
				filters: 16,
				kernelSize: 5,
				strides: 2,
				padding: 'same',
				activation: 'relu',
				kernelInitializer: init(1)
			}),
			tfl.layers.conv2d({
				filters: 32,
				kernelSize: 3,
				strides: 2,
				padding: 'same',
				activation: 'relu',
				kernelInitializer: init(2)
			}),
			tfl.layers.flatten(),
			tfl.layers.dense({
				units: 10,
				name: LOGITS_LAYER,
				kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 3 })
			}),
			tfl.layers.activation({ activation: 'softmax', name: 'probs' })
		]
	});
}

export function parameterCount(model: tfl.LayersModel): number {
	return model.countParams();
}

/** Loads a model from its stored artifacts; each call makes fresh weights on the active backend. */
export async function modelFromArtifacts(
	artifacts: tf.io.ModelArtifacts
): Promise<tfl.LayersModel> {
	return tfl.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** Where a model's files live, relative to the site root (and to the repository root). */
export function modelPath(id: ModelId | SmoothedModelId): string {
	return `models/${id}/model.json`;
}
