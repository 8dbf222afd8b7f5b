/**
 * The sweep: every metric against the flip rate for one attack and model, mean and spread over
 * seeds, run once without a defence and once with each defence. Logistic regression trains each
 * sweep's 55 models in one batched fit; the MLP trains one model at a time, so it sweeps fewer
 * rates and seeds. A new sweep replaces a running one (a 'restart' job). The fits run in the lab's
 * worker, which keeps its own copy of the data set and its caches.
 */
import {
	POISON_DEFENCES,
	type PoisonData,
	type PoisonDefence,
	type PoisonModel,
	type SweepResult
} from '$lib/ml/poisoning/experiment';
import type { FlipAttack } from '$lib/ml/poisoning/label-flips';
import { Job } from '$lib/labs/job.svelte';
import { dataKey, offMainThread, whereText } from '$lib/runtime/worker/client';
import { portablePoisonData } from '$lib/runtime/worker/tasks';
import { cliCommand, sweepRun } from '$lib/labs/run-record';
import type { LabShelf } from '$lib/runs/shelf.svelte';

/** the name of the shipped data set (the one the CLI sweeps) */
const SHIPPED = `${(20000).toLocaleString('en')} generated transactions`;

export const SWEEP_PLAN: Record<PoisonModel, { rates: number[]; seeds: number }> = {
	logreg: { rates: Array.from({ length: 11 }, (_, i) => i / 20), seeds: 5 },
	mlp: { rates: [0, 0.1, 0.2, 0.3, 0.4, 0.5], seeds: 2 }
};

export class SweepRun {
	readonly job = new Job<'sweep'>({ policy: 'restart', cancelled: 'cancelled' });
	results = $state.raw<SweepResult[]>([]);
	/** which defence is training */
	stage = $state<PoisonDefence | null>(null);
	/** the setting the results belong to */
	label = $state('');
	/** where the last sweep ran ("in a background worker on WASM") */
	ranIn = $state<string | null>(null);

	/** where finished sweeps are kept (the page's run shelf) */
	readonly shelf: LabShelf | null;
	constructor(shelf: LabShelf | null = null) {
		this.shelf = shelf;
	}

	run(data: PoisonData, attack: FlipAttack, model: PoisonModel, seed: number) {
		const plan = SWEEP_PLAN[model];
		this.job.status = '';
		return this.job.run('sweep', async (ctx) => {
			const { signal, progress } = ctx;
			this.results = [];
			this.label = `${attack} flips, ${model}, ${data.name}`;
			try {
				for (const defence of POISON_DEFENCES) {
					this.stage = defence;
					progress(0);
					const { result, where } = await offMainThread(
						'poisonSweep',
						{
							key: dataKey(data),
							data: portablePoisonData(data),
							options: { attack, rates: plan.rates, seeds: plan.seeds, seed, model, defence }
						},
						{ signal, onProgress: progress }
					);
					if (!ctx.current) return;
					this.results = [...this.results, result];
					this.ranIn = whereText(where);
				}
				if (this.shelf)
					await this.shelf.add(
						await sweepRun({
							settings: { attack, model, seed },
							seed,
							label: this.label,
							cli: `${cliCommand('poison', { attack, model, rates: plan.rates.join(','), seeds: plan.seeds, seed })} --defence none|knn|loss${data.name === SHIPPED ? '' : ` (the CLI sweeps the shipped data; this sweep ran on ${data.name})`}`,
							results: this.results
						})
					);
			} finally {
				if (ctx.current) this.stage = null;
			}
		});
	}

	cancel() {
		this.job.cancel();
		this.stage = null;
	}

	destroy() {
		this.job.destroy();
	}
}
