/**
 * State of the label-flipping part of the poisoning lab: the inputs (the settings table,
 * round-tripped through the URL), the data set (generated or uploaded), and the clean and poisoned
 * models retrained whenever an input changes (a 'restart' job: the latest input wins). Models never
 * outlive a training call: the core returns scores, so no tensor is held here.
 */
import type { LabelledCsv } from '$lib/data/labelled-csv';
import {
	fraudPoisonData,
	knnMaxRows,
	neighboursOf,
	poisonDataFromRows,
	poisonPair,
	type PairResult,
	type PoisonData
} from '$lib/ml/poisoning/experiment';
import { buildPlane, type Plane } from '$lib/ml/poisoning/plane';
import { Job } from '$lib/labs/job.svelte';
import { yieldToEventLoop } from '$lib/ml/yield';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { parseCsvOffThread } from './csv-client';
import { DEFAULTS, URL_PARAMS, type PoisoningParams } from './settings';

export class PoisoningLab {
	params = $state<PoisoningParams>({ ...DEFAULTS });
	data = $state.raw<PoisonData | null>(null);
	plane = $state.raw<Plane | null>(null);
	result = $state.raw<PairResult | null>(null);
	/** the inputs `result` was computed for */
	resultKey = $state('');
	/** the retrain after an input change; the latest input wins */
	readonly train = new Job<'train'>({ policy: 'restart', stopOnBackendChange: false });
	/** CSV upload */
	uploading = $state(false);
	uploadError = $state<string | null>(null);
	/** time of the last retrain, ms */
	trainMs = $state<number | null>(null);
	/** settings out of range: shown beside their fields; nothing retrains meanwhile */
	problems = $derived(URL_PARAMS.invalid(this.params));

	#destroyed = false;

	/** Builds the default data set (20,000 + 5,000 generated transactions). */
	loadDefault() {
		this.setData(fraudPoisonData());
	}

	/** Builds everything first, so a data set that fails (e.g. too few columns) changes nothing. */
	setData(data: PoisonData) {
		const plane = buildPlane(data);
		this.data = data;
		this.plane = plane;
		this.result = null;
	}

	/** Parses a CSV off the main thread; on any error the current data stays. */
	async upload(file: File) {
		this.uploading = true;
		this.uploadError = null;
		try {
			const csv: LabelledCsv = await parseCsvOffThread(file);
			if (this.#destroyed) return;
			// poisonDataFromRows and buildPlane both throw before anything is replaced.
			this.setData(
				poisonDataFromRows(
					`${file.name} (${csv.rows.toLocaleString('en')} rows, label "${csv.labelName}")`,
					csv.featureNames,
					csv.features,
					csv.labels
				)
			);
		} catch (e) {
			this.uploadError = e instanceof Error ? e.message : String(e);
		} finally {
			this.uploading = false;
		}
	}

	/** Retrains the clean and poisoned models for the current inputs; a newer request cancels it. */
	request() {
		const data = this.data;
		const plane = this.plane;
		if (!data || !plane || this.#destroyed || this.problems.length) return;
		const params = $state.snapshot(this.params) as PoisoningParams;
		const key = JSON.stringify([params, data.name, runtime.generation]);
		return this.train.run('train', async (ctx) => {
			const { signal, progress } = ctx;
			const started = performance.now();
			const result = await runtime.timed(`${params.model}: train clean + poisoned`, () =>
				poisonPair(data, { ...params, extra: plane.grid, signal, onProgress: progress })
			);
			if (!ctx.current) return;
			this.result = result;
			this.resultKey = key;
			this.trainMs = Math.round(performance.now() - started);
			// after the new result is on screen (the search's first chunks would hold up the update)
			void yieldToEventLoop().then(() => this.#startKnn());
		});
	}

	/**
	 * Starts the kNN defence's neighbour search for the current data ahead of time (a scene that
	 * will use it is next), once the retrain now on screen has finished, so the two do not share
	 * the CPU. A failure here is left for the training run that needs it to report.
	 */
	prepareKnn() {
		this.#knnWanted = true;
		// after the settings just applied have started their retrain (an effect, run before this)
		setTimeout(() => {
			if (this.train.running === null) this.#startKnn();
		}, 0);
	}

	#knnWanted = false;
	#startKnn() {
		const data = this.data;
		if (!this.#knnWanted || this.#destroyed || !data) return;
		this.#knnWanted = false;
		if (data.train.count <= knnMaxRows(data.dims)) void neighboursOf(data).catch(() => {});
	}

	destroy() {
		this.#destroyed = true;
		this.train.destroy();
	}
}
