/**
 * The privacy lab's state: the inputs (URL-backed), the epsilon they promise (derived at once,
 * before anything is trained), the run in progress with its live loss and accuracy, and every
 * finished run as plain numbers for the trade-off and leakage charts. Models live only inside a
 * run (runPrivacyExperiment disposes them, in the lab's worker where one runs); nothing here
 * holds a tensor.
 */
import {
	DATASET_INFO,
	epsilonOf,
	fraudPrivacyData,
	mnistPrivacyData,
	sigmaOf,
	type EpochPoint,
	type PrivacyData,
	type PrivacyDataset,
	type RunResult
} from '$lib/ml/privacy/experiment';
import { Job } from '$lib/labs/job.svelte';
import { cliCommand, privacyRun } from '$lib/labs/run-record';
import type { LabShelf } from '$lib/runs/shelf.svelte';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { offMainThread, whereText } from '$lib/runtime/worker/client';
import { DEFAULTS, SETTINGS, SIGMA_MAX, URL_PARAMS, type PrivacyParams } from './settings';

/** Noise multipliers the sweep trains, from little privacy to a lot. */
export const SWEEP_SIGMAS = [0.5, 0.7, 1, 1.5, 2, 3, 5, 8] as const;

export type RunSummary = Omit<RunResult, 'history'> & { id: number };

export class PrivacyLab {
	/** where finished trainings are kept (the page's run shelf) */
	readonly shelf: LabShelf | null;
	constructor(shelf: LabShelf | null = null) {
		this.shelf = shelf;
	}

	params = $state<PrivacyParams>({ ...DEFAULTS });
	readonly job = new Job<'train' | 'sweep'>({ cancelled: 'cancelled; finished runs stay' });
	/** the run being trained: label and its epochs so far */
	liveLabel = $state('');
	live = $state.raw<EpochPoint[]>([]);
	/** where the last training ran ("in a background worker on WASM") */
	ranIn = $state<string | null>(null);
	runs = $state.raw<RunSummary[]>([]);
	/** non-private baselines by configuration key */
	baselines = $state.raw<Record<string, RunSummary>>({});

	// A plain cache, deliberately not reactive: nothing on screen reads it.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#data = new Map<string, PrivacyData>();
	#nextId = 1;

	/** Settings out of range, by field (shown beside each field); empty when a run can start. */
	fieldProblems = $derived(URL_PARAMS.invalid(this.params));
	/** Problems between fields (each field's own range is checked beside it). */
	crossProblems = $derived.by(() => {
		const members = DATASET_INFO[this.params.dataset].members;
		return this.params.batch > members
			? [`Batch size must be at most ${members}, the ${this.params.dataset} training set`]
			: [];
	});
	/** What is wrong with the inputs right now, in words; empty when a run can start. */
	problems = $derived([
		...this.fieldProblems.map(({ name, message }) => `${SETTINGS.fields[name].label} ${message}`),
		...this.crossProblems
	]);

	/**
	 * The guarantee the current settings buy, computed by the accountant as the slider moves; null
	 * while a setting is out of range (the page says which).
	 */
	privacy = $derived.by(() => {
		if (this.problems.length) return null;
		const p = this.params;
		const members = DATASET_INFO[p.dataset].members;
		return epsilonOf(members, {
			sigma: p.sigma,
			batchSize: p.batch,
			epochs: p.epochs,
			delta: p.delta
		});
	});

	/**
	 * The noise the current settings need for a target epsilon: the smallest sigma whose epsilon
	 * does not exceed it, rounded up to 4 decimals (so it still meets the target), or why not.
	 */
	sigmaForTarget(
		targetEpsilon: number
	): { sigma: number; epsilon: number; ms: number } | { problem: string } {
		if (!(Number.isFinite(targetEpsilon) && targetEpsilon > 0))
			return { problem: 'must be a number above 0' };
		if (this.problems.length) return { problem: 'fix the settings marked below first' };
		const p = this.params;
		const members = DATASET_INFO[p.dataset].members;
		const t0 = performance.now();
		let solved: { sigma: number };
		try {
			solved = sigmaOf(members, {
				targetEpsilon,
				batchSize: p.batch,
				epochs: p.epochs,
				delta: p.delta
			});
		} catch (err) {
			return { problem: (err as Error).message };
		}
		const sigma = Math.ceil(solved.sigma * 1e4) / 1e4;
		const ms = performance.now() - t0;
		if (sigma > SIGMA_MAX)
			return {
				problem: `needs sigma ${sigma.toFixed(2)}, above this lab's ${SIGMA_MAX}: allow a larger epsilon, fewer epochs or a smaller batch`
			};
		const { epsilon } = epsilonOf(members, {
			sigma,
			batchSize: p.batch,
			epochs: p.epochs,
			delta: p.delta
		});
		return { sigma, epsilon, ms };
	}

	/** runs and baseline of the dataset on screen */
	shownRuns = $derived(this.runs.filter((r) => r.dataset === this.params.dataset));
	baseline = $derived(this.baselines[baselineKey(this.params)] ?? null);

	cancel() {
		this.job.cancel();
	}

	destroy() {
		this.job.destroy();
		this.#data.clear();
	}

	clearRuns() {
		this.runs = [];
	}

	/** The training data of a dataset and seed, built once. */
	async dataFor(dataset: PrivacyDataset, seed: number): Promise<PrivacyData> {
		const key = `${dataset}|${seed}`;
		let data = this.#data.get(key);
		if (!data) {
			const members = DATASET_INFO[dataset].members;
			data =
				dataset === 'fraud'
					? fraudPrivacyData(members, seed)
					: mnistPrivacyData(
							await runtime.digits('train'),
							await runtime.digits('test'),
							members,
							seed
						);
			this.#data.set(key, data);
		}
		return data;
	}

	/** Trains at the current settings (and the non-private baseline first, if not yet trained). */
	/** `settings`: a scene's, when the presenter prepares the next scene's run ahead of it. */
	train(settings?: PrivacyParams) {
		return this.#guard('train', async (signal) => {
			const p = settings ?? this.#snapshot();
			await this.#ensureBaseline(p, signal);
			const before = this.runs.length;
			await this.#one(p, p.sigma, signal, 0, 1);
			await this.#keep(p, 'train', this.runs.slice(before));
		});
	}

	/** Trains one model per noise multiplier in SWEEP_SIGMAS: the whole trade-off curve. */
	sweep(settings?: PrivacyParams) {
		return this.#guard('sweep', async (signal) => {
			const p = settings ?? this.#snapshot();
			await this.#ensureBaseline(p, signal);
			const before = this.runs.length;
			for (const [k, sigma] of SWEEP_SIGMAS.entries())
				await this.#one(p, sigma, signal, k, SWEEP_SIGMAS.length);
			await this.#keep(p, 'sweep', this.runs.slice(before));
		});
	}

	/** Puts a finished training (or sweep) on the run shelf. */
	async #keep(p: PrivacyParams, kind: 'train' | 'sweep', results: RunSummary[]) {
		if (!this.shelf) return;
		const baseline = this.baselines[baselineKey(p)] ?? null;
		const sigmas = kind === 'sweep' ? SWEEP_SIGMAS.join(', ') : String(p.sigma);
		await this.shelf.add(
			await privacyRun({
				settings: kind === 'sweep' ? { ...p, sweep: true } : p,
				seed: p.seed,
				cli: `${cliCommand('dp-train', {
					dataset: p.dataset,
					sigma: kind === 'sweep' ? undefined : p.sigma,
					clip: p.clip,
					batch: p.batch,
					epochs: p.epochs,
					delta: p.delta,
					sampling: p.sampling,
					seed: p.seed
				})}${kind === 'sweep' ? ` --sigma S for S in ${sigmas}` : ''}`,
				name: `${p.dataset}, sigma ${sigmas}, ${p.epochs} epochs`,
				results,
				baseline: baseline && { accuracy: baseline.accuracy, miaAuc: baseline.miaAuc }
			})
		);
	}

	#snapshot(): PrivacyParams {
		if (this.problems.length) throw new Error(this.problems.join('; '));
		return $state.snapshot(this.params) as PrivacyParams;
	}

	async #ensureBaseline(p: PrivacyParams, signal: AbortSignal) {
		const key = baselineKey(p);
		if (this.baselines[key]) return;
		const result = await this.#run(p, null, signal, 'non-private baseline', () => {});
		this.baselines = { ...this.baselines, [key]: { ...result, id: this.#nextId++ } };
	}

	async #one(p: PrivacyParams, sigma: number, signal: AbortSignal, k: number, of: number) {
		const label = `sigma ${sigma}${of > 1 ? ` (${k + 1} of ${of})` : ''}`;
		const result = await this.#run(
			p,
			sigma,
			signal,
			label,
			(f) => (this.job.progress = (k + f) / of)
		);
		this.runs = [...this.runs, { ...result, id: this.#nextId++ }];
	}

	async #run(
		p: PrivacyParams,
		sigma: number | null,
		signal: AbortSignal,
		label: string,
		onFraction: (f: number) => void
	): Promise<Omit<RunResult, 'history'>> {
		const data = await this.dataFor(p.dataset, p.seed);
		// Stopped while the data loaded (a cancel, a lost GPU): the stop's status stays on screen.
		signal.throwIfAborted();
		this.liveLabel = label;
		this.live = [];
		this.job.status = `training: ${label}`;
		const { result: run, where } = await runtime.timed(`${label}, ${p.epochs} epochs`, () =>
			offMainThread(
				'privacy',
				{
					data,
					config: {
						sigma,
						clip: p.clip,
						batchSize: p.batch,
						epochs: p.epochs,
						delta: p.delta,
						learningRate: DATASET_INFO[p.dataset].learningRate,
						momentum: 0,
						sampling: p.sampling,
						seed: p.seed
					}
				},
				{
					signal,
					onEvent: (point) => (this.live = [...this.live, point as EpochPoint]),
					onProgress: onFraction
				}
			)
		);
		this.ranIn = whereText(where);
		const { history, ...result } = run;
		void history;
		return result;
	}

	#guard(kind: 'train' | 'sweep', work: (signal: AbortSignal) => Promise<void>) {
		return this.job.run(
			kind,
			async ({ signal }) => {
				// Train on the backend the page asked for, not on whatever tfjs had before it started.
				await runtime.start(window.location.search);
				await work(signal);
			},
			{ done: 'done' }
		);
	}
}

/** The baseline depends on everything but the noise and clipping. */
function baselineKey(p: PrivacyParams): string {
	return [p.dataset, p.batch, p.epochs, p.seed].join('|');
}
