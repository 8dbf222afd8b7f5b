/**
 * Where DP-SGD's noise comes from. Every step needs one fresh draw of N(0, sigma^2 C^2) per
 * weight (about a million per epoch for the digit MLP), always gaussianNoise's bits for the
 * step's seed; a source decides only where they are made. `inlineNoise` makes them on the
 * spot; the lab's worker has them made on another core while the step runs
 * (src/lib/runtime/worker/noise-source.ts), announced a few steps ahead.
 */
import { gaussianNoise } from '../../base/gaussian';

export interface NoiseRequest {
	count: number;
	std: number;
	seed: number;
}

export interface NoiseSource {
	/** draws that will be asked for next, in order: a source may start on them now */
	ahead(requests: NoiseRequest[]): void;
	/**
	 * gaussianNoise(count, std, seed), wherever it was made: fresh draws for that seed, which the
	 * caller may read until its next call to the source (a source may reuse the storage after)
	 */
	draw(request: NoiseRequest): Float32Array | Promise<Float32Array>;
	/** forgets draws announced but not taken (the run ended or was cancelled) */
	reset(): void;
	/** how many draws were made elsewhere and how many on the spot, so far */
	stats?(): { parallel: number; inline: number };
}

export const inlineNoise: NoiseSource = {
	ahead() {},
	draw: ({ count, std, seed }) => gaussianNoise(count, std, seed),
	reset() {}
};
