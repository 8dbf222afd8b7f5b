/** The shipped models' ids, importable without tfjs (the service worker precaches their files). */
export const MODEL_IDS = ['mnist-softmax', 'mnist-cnn', 'mnist-cnn-adv'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

/** The files of a shipped model folder that the pages read. */
export const MODEL_FILES = ['model.json', 'weights.bin', 'card.json'] as const;

/**
 * Randomized smoothing's base classifiers (Cohen, Rosenfeld, Kolter 2019): mnist-cnn trained under
 * Gaussian noise of each sigma, shipped beside the three; the adversarial lab certifies with them.
 */
export const SMOOTHING_SIGMAS = [0.25, 0.5, 1] as const;
export type SmoothingSigma = (typeof SMOOTHING_SIGMAS)[number];
export const SMOOTHED_MODEL_IDS = [
	'mnist-cnn-noise-025',
	'mnist-cnn-noise-050',
	'mnist-cnn-noise-100'
] as const;
export type SmoothedModelId = (typeof SMOOTHED_MODEL_IDS)[number];

/** The base classifier trained for `sigma`. */
export function smoothedModelId(sigma: SmoothingSigma): SmoothedModelId {
	return SMOOTHED_MODEL_IDS[SMOOTHING_SIGMAS.indexOf(sigma)];
}
