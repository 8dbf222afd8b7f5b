/**
 * State of the label-flipping part of the poisoning lab: the inputs (a typed table that
 * round-trips through the URL), the data set (generated or uploaded), and the clean and poisoned
 * models retrained whenever an input changes. Models never outlive a training call: the core
 * returns scores, so no tensor is held here.
 */
import type { LabelledCsv } from '$lib/data/labelled-csv';
import {
	fraudPoisonData,
	poisonDataFromRows,
	poisonPair,
	type PairResult,
	type PoisonData
} from '$lib/ml/poisoning/experiment';
import { pca2, type Pca2 } from '$lib/ml/poisoning/pca';
import { createRng, permutation } from '$lib/ml/rng';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { parseCsvOffThread } from './csv-client';
import { DEFAULTS, normalizeParams, type PoisoningParams } from './params';

/** Heat-map cells per side. */
export const GRID = 40;
/** Training points drawn on the projection: every fraud row and a sample of the rest. */
const LEGIT_SHOWN = 1200;

export interface Plane {
	pca: Pca2;
	/** [GRID * GRID * dims] rows on the PCA plane, scaled like training, row by row from the top */
	grid: Float32Array;
	xMin: number;
	xMax: number;
	yMin: number;
	yMax: number;
	/** training rows drawn, and their 2-D positions [shown * 2] */
	shown: Int32Array;
	points: Float32Array;
}

function percentile(values: Float32Array, stride: number, offset: number, q: number): number {
	const xs = Float32Array.from(
		{ length: values.length / stride },
		(_, i) => values[i * stride + offset]
	);
	xs.sort();
	return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
}

export function buildPlane(data: PoisonData): Plane {
	const pca = pca2(data.train.features, data.dims);
	const all = pca.project(data.train.features);
	const pad = (lo: number, hi: number) => [lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)];
	const [xMin, xMax] = pad(percentile(all, 2, 0, 0.01), percentile(all, 2, 0, 0.99));
	const [yMin, yMax] = pad(percentile(all, 2, 1, 0.01), percentile(all, 2, 1, 0.99));
	const cells = new Float32Array(GRID * GRID * 2);
	for (let r = 0; r < GRID; r++)
		for (let c = 0; c < GRID; c++) {
			cells[(r * GRID + c) * 2] = xMin + ((c + 0.5) / GRID) * (xMax - xMin);
			cells[(r * GRID + c) * 2 + 1] = yMax - ((r + 0.5) / GRID) * (yMax - yMin);
		}
	const legit: number[] = [];
	const fraud: number[] = [];
	data.train.labels.forEach((l, i) => (l ? fraud : legit).push(i));
	const order = permutation(legit.length, createRng(1));
	const shown = Int32Array.from([
		...Array.from(order.subarray(0, LEGIT_SHOWN), (k) => legit[k]),
		...fraud.slice(0, 800)
	]);
	const points = new Float32Array(shown.length * 2);
	shown.forEach((row, j) => points.set(all.subarray(row * 2, row * 2 + 2), j * 2));
	return { pca, grid: pca.lift(cells), xMin, xMax, yMin, yMax, shown, points };
}

export class PoisoningLab {
	params = $state<PoisoningParams>({ ...DEFAULTS });
	data = $state.raw<PoisonData | null>(null);
	plane = $state.raw<Plane | null>(null);
	result = $state.raw<PairResult | null>(null);
	/** the inputs `result` was computed for */
	resultKey = $state('');
	busy = $state(false);
	progress = $state(0);
	error = $state<string | null>(null);
	/** CSV upload */
	uploading = $state(false);
	uploadError = $state<string | null>(null);
	/** time of the last retrain, ms */
	trainMs = $state<number | null>(null);

	#controller: AbortController | null = null;
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
	async request() {
		const data = this.data;
		const plane = this.plane;
		if (!data || !plane || this.#destroyed) return;
		const params = normalizeParams(this.params);
		const key = JSON.stringify([params, data.name, runtime.generation]);
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		this.busy = true;
		this.progress = 0;
		this.error = null;
		const started = performance.now();
		try {
			const result = await runtime.timed(`${params.model}: train clean + poisoned`, () =>
				poisonPair(data, {
					...params,
					extra: plane.grid,
					signal: controller.signal,
					onProgress: (f) => {
						if (this.#controller === controller) this.progress = f;
					}
				})
			);
			if (controller.signal.aborted || this.#destroyed) return;
			this.result = result;
			this.resultKey = key;
			this.trainMs = Math.round(performance.now() - started);
		} catch (e) {
			if (controller.signal.aborted || (e instanceof DOMException && e.name === 'AbortError'))
				return;
			this.error = e instanceof Error ? e.message : String(e);
		} finally {
			if (this.#controller === controller) {
				this.busy = false;
				this.#controller = null;
			}
		}
	}

	destroy() {
		this.#destroyed = true;
		this.#controller?.abort();
	}
}
