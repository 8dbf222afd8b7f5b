/**
 * The privacy lab's inputs as one typed table that round-trips through the URL, so a link
 * reproduces the run (dataset, noise, clip norm, batch, epochs, delta, sampling, seed). Unknown
 * or out-of-range values fall back to defaults and are reported, never thrown.
 */
import { PRIVACY_DATASETS, RUN_DEFAULTS, type PrivacyDataset } from '$lib/ml/privacy/experiment';
import type { Sampling } from '$lib/ml/privacy/dp-sgd';
import { choice, num, paramSchema, seed } from '$lib/labs/url-params';

export const SIGMA_MAX = 10;
export const SIGMA_STEP = 0.05;
export const SAMPLINGS = ['poisson', 'shuffle'] as const;

export interface PrivacyParams {
	dataset: PrivacyDataset;
	sigma: number;
	clip: number;
	batch: number;
	epochs: number;
	delta: number;
	sampling: Sampling;
	seed: number;
}

export const DEFAULTS: PrivacyParams = {
	dataset: 'fraud',
	sigma: RUN_DEFAULTS.sigma,
	clip: RUN_DEFAULTS.clip,
	batch: RUN_DEFAULTS.batchSize,
	epochs: RUN_DEFAULTS.epochs,
	delta: RUN_DEFAULTS.delta,
	sampling: RUN_DEFAULTS.sampling,
	seed: RUN_DEFAULTS.seed
};

export const URL_PARAMS = paramSchema<PrivacyParams>(DEFAULTS, {
	dataset: choice(PRIVACY_DATASETS),
	sigma: num(0, SIGMA_MAX),
	clip: num(0, 100, { above: true }),
	batch: num(1, 500, { integer: true }),
	epochs: num(1, 200, { integer: true }),
	delta: num(0, 0.001, { above: true }),
	sampling: choice(SAMPLINGS),
	seed: seed()
});

export const {
	read: readParams,
	normalize: normalizeParams,
	write: writeParams,
	/** Which fields are out of range right now, with what they expect (for inline messages). */
	invalid: invalidFields
} = URL_PARAMS;
