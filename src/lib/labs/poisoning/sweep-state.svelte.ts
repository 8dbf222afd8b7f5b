/**
 * The sweep: every metric against the flip rate for one attack and model, mean and spread over
 * seeds, run once without a defence and once with each defence. Logistic regression trains each
 * sweep's 55 models in one batched fit; the MLP trains one model at a time, so it sweeps fewer
 * rates and seeds.
 */
import {
	POISON_DEFENCES,
	poisonSweep,
	type PoisonData,
	type PoisonDefence,
	type PoisonModel,
	type SweepResult
} from '$lib/ml/poisoning/experiment';
import type { FlipAttack } from '$lib/ml/poisoning/label-flips';

export const SWEEP_PLAN: Record<PoisonModel, { rates: number[]; seeds: number }> = {
	logreg: { rates: Array.from({ length: 11 }, (_, i) => i / 20), seeds: 5 },
	mlp: { rates: [0, 0.1, 0.2, 0.3, 0.4, 0.5], seeds: 2 }
};

export class SweepRun {
	results = $state.raw<SweepResult[]>([]);
	running = $state(false);
	/** which defence is training, and how far */
	stage = $state<PoisonDefence | null>(null);
	progress = $state(0);
	error = $state<string | null>(null);
	/** the setting the results belong to */
	label = $state('');
	#controller: AbortController | null = null;

	async run(data: PoisonData, attack: FlipAttack, model: PoisonModel, seed: number) {
		this.cancel();
		const controller = new AbortController();
		this.#controller = controller;
		this.running = true;
		this.error = null;
		this.results = [];
		this.label = `${attack} flips, ${model}, ${data.name}`;
		const plan = SWEEP_PLAN[model];
		try {
			for (const defence of POISON_DEFENCES) {
				this.stage = defence;
				this.progress = 0;
				const result = await poisonSweep(data, {
					attack,
					rates: plan.rates,
					seeds: plan.seeds,
					seed,
					model,
					defence,
					signal: controller.signal,
					onProgress: (f) => (this.progress = f)
				});
				if (controller.signal.aborted) return;
				this.results = [...this.results, result];
			}
		} catch (e) {
			if (!controller.signal.aborted) this.error = e instanceof Error ? e.message : String(e);
		} finally {
			if (this.#controller === controller) {
				this.running = false;
				this.stage = null;
				this.#controller = null;
			}
		}
	}

	cancel() {
		this.#controller?.abort();
		this.#controller = null;
		this.running = false;
		this.stage = null;
	}
}
