/**
 * The backdoor panel's settings as URL parameters (prefixed `bd-` so they live beside the rest
 * of the poisoning lab's), so a link reproduces a run: poisoning rate, target class, seed and
 * training size. Read only in the browser; bad values fall back to defaults and are reported.
 */
import { choice, num, paramSchema, seed } from '$lib/labs/url-params';

export const RATE_CHOICES = [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2] as const;
export const SWEEP_RATES = [0, 0.005, 0.01, 0.02, 0.05, 0.1] as const;
export const TRAIN_CHOICES = [1000, 2000, 4000, 8000] as const;

export interface BackdoorParams {
	/** share of the training digits poisoned, 0..0.5 */
	rate: number;
	target: number;
	seed: number;
	trainCount: number;
}

export const DEFAULTS: BackdoorParams = { rate: 0.05, target: 7, seed: 1, trainCount: 2000 };

export const URL_PARAMS = paramSchema<BackdoorParams>(DEFAULTS, {
	rate: { key: 'bd-rate', ...num(0, 0.5, { what: 'a rate' }) },
	target: { key: 'bd-target', ...num(0, 9, { integer: true, what: 'a digit' }) },
	seed: { key: 'bd-seed', ...seed() },
	trainCount: { key: 'bd-train', ...choice(TRAIN_CHOICES) }
});

export const {
	read: readBackdoorParams,
	normalize: normalizeBackdoorParams,
	write: writeBackdoorParams
} = URL_PARAMS;
