/**
 * What the bench times in the privacy page (through the test-hook registry, $lib/runtime/
 * test-hooks): DP-SGD against plain SGD per epoch on the page's own data and settings, with the
 * core's measureEpochTimes (in the lab's worker, where the lab's trainings run), and the
 * target-epsilon solver. Not part of the lab's UI.
 */
import { DATASET_INFO, type EpochTimes } from '$lib/ml/privacy/experiment';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { offMainThread } from '$lib/runtime/worker/client';
import type { PrivacyLab } from './privacy-state.svelte';

export function privacyBenchHook(lab: PrivacyLab) {
	return {
		/** Wall time (ms) of solving sigma for each target epsilon on the page's settings. */
		measureSigmaSolve(targets: number[]): number[] {
			return targets.map((t) => {
				const r = lab.sigmaForTarget(t);
				if ('problem' in r) throw new Error(`target epsilon ${t}: ${r.problem}`);
				return r.ms;
			});
		},
		/** 3 interleaved rounds of `epochs` epochs of each, after a warm-up (see measureEpochTimes). */
		async measureEpochs(epochs = 5): Promise<EpochTimes> {
			await runtime.start(window.location.search);
			const p = $state.snapshot(lab.params);
			const data = await lab.dataFor(p.dataset, p.seed);
			// where the lab trains: in its worker when one runs
			const { result } = await offMainThread(
				'epochTimes',
				{
					data,
					config: {
						sigma: p.sigma,
						clip: p.clip,
						batchSize: p.batch,
						learningRate: DATASET_INFO[p.dataset].learningRate,
						seed: p.seed
					},
					epochs
				},
				{ signal: new AbortController().signal }
			);
			return result;
		}
	};
}
