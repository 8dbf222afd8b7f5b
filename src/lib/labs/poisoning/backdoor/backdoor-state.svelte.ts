/**
 * The backdoor panel's state: its settings, the training runs (one rate, or a sweep over several)
 * with progress and cancel, the chart's points and the clean/triggered twin of the last run.
 * Models live only inside a run (runBackdoor disposes them); this class holds plain numbers and
 * pixel arrays, never tensors.
 */
import { digitPixels, firstDigits } from '$lib/data/mnist';
import {
	BACKDOOR_DEFAULTS,
	pickTwin,
	stampTrigger,
	type BackdoorResult
} from '$lib/ml/poisoning/backdoor';
import { offMainThread, whereText } from '$lib/runtime/worker/client';
import { Job } from '$lib/labs/job.svelte';
import { yieldToEventLoop } from '$lib/ml/yield';
import { backdoorRun, cliCommand } from '$lib/labs/run-record';
import type { LabShelf } from '$lib/runs/shelf.svelte';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import {
	BACKDOOR_DEFAULTS_PAGE,
	BACKDOOR_URL_PARAMS,
	SWEEP_RATES,
	type BackdoorParams
} from '../settings';

export interface BackdoorPoint {
	rate: number;
	poisonedCount: number;
	cleanAccuracy: number;
	attackSuccessRate: number;
	trainMs: number;
}

export interface Twin {
	/** index in the test split */
	index: number;
	trueLabel: number;
	cleanPixels: Float32Array;
	triggeredPixels: Float32Array;
	cleanPrediction: number;
	triggeredPrediction: number;
	rate: number;
	target: number;
}

/** What the points of one chart share; a run with other settings starts a new chart. */
const settingsKey = (p: BackdoorParams) => `${p.target}|${p.seed}|${p.trainCount}`;

export class BackdoorLab {
	/** where finished runs are kept (the page's run shelf) */
	readonly shelf: LabShelf | null;
	constructor(shelf: LabShelf | null = null) {
		this.shelf = shelf;
	}

	params = $state<BackdoorParams>({ ...BACKDOOR_DEFAULTS_PAGE });
	readonly job = new Job<'one' | 'sweep'>({ cancelled: 'cancelled; the finished points stay' });
	/** sorted by rate; one point per rate */
	points = $state.raw<BackdoorPoint[]>([]);
	/** the settings the points were trained with */
	pointsFor = $state.raw<BackdoorParams | null>(null);
	twin = $state.raw<Twin | null>(null);
	/** where the last training ran ("in a background worker on WASM") */
	ranIn = $state<string | null>(null);
	/** settings out of range: shown beside their fields; training waits for them */
	problems = $derived(BACKDOOR_URL_PARAMS.invalid(this.params));

	/** Trains one model at the chosen rate and adds (or replaces) its point. */
	/** `settings`: a scene's, when the presenter prepares the next scene's run ahead of it. */
	train(settings?: BackdoorParams) {
		const p = settings ?? this.#snapshot();
		return this.#run('one', [p.rate], p);
	}

	/** Trains one model per rate of SWEEP_RATES (same target, seed and training size). */
	sweep() {
		return this.#run('sweep', [...SWEEP_RATES], this.#snapshot());
	}

	cancel() {
		this.job.cancel();
	}

	clear() {
		this.points = [];
		this.pointsFor = null;
		this.twin = null;
		this.job.status = '';
	}

	destroy() {
		this.job.destroy();
	}

	/** The settings a run keeps, whatever the controls do while it trains. */
	#snapshot(): BackdoorParams {
		const { rate, target, seed, trainCount } = this.params;
		return { rate, target, seed, trainCount };
	}

	#run(kind: 'one' | 'sweep', rates: number[], p: BackdoorParams) {
		if (this.problems.length || this.job.running) return Promise.resolve(false);
		if (this.pointsFor && settingsKey(this.pointsFor) !== settingsKey(p)) this.clear();
		return this.job.run(
			kind,
			async (ctx) => {
				const [train, test] = await Promise.all([runtime.digits('train'), runtime.digits('test')]);
				for (const [k, rate] of rates.entries()) {
					ctx.status(`training at p = ${percent(rate)} (${k + 1} of ${rates.length})`);
					const { result, where } = await runtime.timed(
						`backdoor training, p = ${percent(rate)}`,
						() =>
							offMainThread(
								'backdoor',
								{
									train: firstDigits(train, p.trainCount),
									test,
									options: { rate, target: p.target, seed: p.seed, trainCount: p.trainCount }
								},
								{ signal: ctx.signal, onProgress: (f) => ctx.progress((k + f) / rates.length) }
							)
					);
					if (!ctx.current) return;
					this.ranIn = whereText(where);
					this.#add(result, p);
					// the chart draws its new point in this frame, the twin's images in the next
					await yieldToEventLoop();
					if (!ctx.current) return;
					const index = pickTwin(result, test.labels);
					if (index >= 0)
						this.twin = twinOf(result, index, test.labels[index], digitPixels(test, index));
				}
				if (!ctx.current || !this.shelf) return;
				// a sweep keeps its whole chart; a single training its own point
				const points =
					kind === 'sweep' ? this.points : this.points.filter((q) => rates.includes(q.rate));
				await this.shelf.add(
					await backdoorRun({
						settings: {
							'bd-rate': p.rate,
							'bd-target': p.target,
							'bd-seed': p.seed,
							'bd-train': p.trainCount
						},
						seed: p.seed,
						cli: cliCommand('backdoor', {
							rates: rates.join(','),
							target: p.target,
							seed: p.seed,
							train: p.trainCount
						}),
						name: `backdoor to ${p.target}, ${p.trainCount} digits, p = ${rates.map(percent).join(', ')}`,
						points
					})
				);
			},
			{ done: 'done' }
		);
	}

	#add(r: BackdoorResult, p: BackdoorParams) {
		const point: BackdoorPoint = {
			rate: r.rate,
			poisonedCount: r.poisonedCount,
			cleanAccuracy: r.cleanAccuracy,
			attackSuccessRate: r.attackSuccessRate,
			trainMs: r.trainMs
		};
		this.points = [...this.points.filter((q) => q.rate !== r.rate), point].sort(
			(a, b) => a.rate - b.rate
		);
		this.pointsFor = p;
	}
}

export const percent = (x: number) => `${+(100 * x).toFixed(1)} %`;

export const TRAINING_SUMMARY = `small CNN, ${BACKDOOR_DEFAULTS.epochs} epochs, batch ${BACKDOOR_DEFAULTS.batchSize}, Adam ${BACKDOOR_DEFAULTS.learningRate}`;

function twinOf(r: BackdoorResult, index: number, trueLabel: number, clean: Float32Array): Twin {
	const triggered = clean.slice();
	stampTrigger(triggered, 0, 1);
	return {
		index,
		trueLabel,
		cleanPixels: clean,
		triggeredPixels: triggered,
		cleanPrediction: r.cleanPredictions[index],
		triggeredPrediction: r.triggeredPredictions[index],
		rate: r.rate,
		target: r.target
	};
}
