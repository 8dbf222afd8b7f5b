/**
 * The lab runs that may leave the main thread: each entry calls the one ML core (src/lib/ml)
 * with plain arguments and returns plain results (numbers, typed arrays), so the same entry runs
 * in ml.worker.ts or, where no worker can start, on the page itself (client.ts). Tensors never
 * cross: every task builds and disposes its own.
 */
import type { DigitSet } from '$lib/data/mnist';
import { classifierFromModel, type Classifier } from '$lib/ml/classifier';
import { modelFromArtifacts } from '$lib/ml/models';
import { neuralCleanse, type NeuralCleanseOptions } from '$lib/ml/supply-chain/neural-cleanse';
import { stripEntropy, type StripOptions } from '$lib/ml/supply-chain/strip';
import { artifactsFromFiles } from '$lib/supply-chain/model-folder';
import { runBackdoor, type BackdoorOptions } from '$lib/ml/poisoning/backdoor';
import { poisonSweep, type PoisonData, type SweepOptions } from '$lib/ml/poisoning/experiment';
import {
	measureEpochTimes,
	runPrivacyExperiment,
	type EpochPoint,
	type PrivacyData,
	type RunConfig
} from '$lib/ml/privacy/experiment';
import { inlineNoise, type NoiseRequest, type NoiseSource } from '$lib/ml/privacy/noise';

export interface TaskContext {
	signal: AbortSignal;
	/** 0..1 of the task done */
	progress(fraction: number): void;
	/** a partial result the page shows while the task runs (a training curve's next point) */
	event(payload: unknown): void;
	/** where DP-SGD draws its noise: the worker has it made on another core; default inline */
	noise?: NoiseSource;
}

/**
 * Data a task keeps between calls, by the key the page gave it (client.ts dataKey): a task's
 * caches (the kNN neighbours, the clean fits of a poisoning data set) live in the copy here, so
 * the second sweep on the same data skips them as it does on the page; a model built from a
 * folder's bytes is built once. One entry per kind; a replaced entry is disposed.
 */
const kept = new Map<string, { key: string; value: unknown; dispose?: () => void }>();
async function keep<T>(
	kind: string,
	key: string,
	make: () => T | Promise<T>,
	dispose?: (value: T) => void
): Promise<T> {
	const entry = kept.get(kind);
	if (entry?.key === key) return entry.value as T;
	entry?.dispose?.();
	kept.delete(kind);
	const value = await make();
	kept.set(kind, { key, value, dispose: dispose && (() => dispose(value)) });
	return value;
}

/** Forgets (and disposes) what the tasks kept: their tensors belong to a backend being replaced. */
export function dropKept() {
	for (const entry of kept.values()) {
		try {
			entry.dispose?.();
		} catch {
			// its backend is gone already
		}
	}
	kept.clear();
}

/** The classifier of a model folder's files (supply-chain lab), built once per key. */
const folderClassifier = (key: string, files: Record<string, Uint8Array>) =>
	keep(
		'folder',
		key,
		async () => classifierFromModel(await modelFromArtifacts(artifactsFromFiles(files))),
		(c: Classifier) => c.dispose()
	);

/** What of a poisoning data set crosses to the worker: the rows, not the page's caches. */
export type PortablePoisonData = Pick<
	PoisonData,
	'name' | 'dims' | 'featureNames' | 'train' | 'test' | 'rawTrain'
>;

export function portablePoisonData(d: PoisonData): PortablePoisonData {
	const { name, dims, featureNames, train, test, rawTrain } = d;
	return { name, dims, featureNames, train, test, rawTrain };
}

type BackdoorSettings = Omit<BackdoorOptions, 'signal' | 'onProgress' | 'onTrained' | 'start'>;

export const TASKS = {
	/** One BadNets training and its scores (poisoning lab, backdoor panel). */
	backdoor: (a: { train: DigitSet; test: DigitSet; options: BackdoorSettings }, ctx: TaskContext) =>
		runBackdoor(a.train, a.test, { ...a.options, signal: ctx.signal, onProgress: ctx.progress }),

	/** One DP-SGD (or plain SGD) training and its membership attack (privacy lab); an event per epoch. */
	privacy: (a: { data: PrivacyData; config: RunConfig }, ctx: TaskContext) =>
		runPrivacyExperiment(a.data, a.config, {
			signal: ctx.signal,
			onEpoch: (point: EpochPoint) => ctx.event(point),
			onProgress: (done, total) => ctx.progress(done / total),
			noise: ctx.noise
		}),

	/** One label-flip sweep, every rate x seed, for one defence (poisoning lab, sweep panel). */
	poisonSweep: (
		a: {
			key: string;
			data: PortablePoisonData;
			options: Omit<SweepOptions, 'signal' | 'onProgress'>;
		},
		ctx: TaskContext
	) =>
		keep<PoisonData>('poison', a.key, () => ({ ...a.data })).then((data) =>
			poisonSweep(data, { ...a.options, signal: ctx.signal, onProgress: ctx.progress })
		),

	/** Neural Cleanse on a model folder (supply-chain lab, its scan). */
	neuralCleanse: async (
		a: {
			key: string;
			files: Record<string, Uint8Array>;
			options: Omit<NeuralCleanseOptions, 'signal' | 'onProgress'>;
		},
		ctx: TaskContext
	) =>
		neuralCleanse(await folderClassifier(a.key, a.files), {
			...a.options,
			signal: ctx.signal,
			onProgress: ctx.progress
		}),

	/** STRIP's entropies for clean and triggered inputs on a model folder (supply-chain lab). */
	stripEntropies: async (
		a: {
			key: string;
			files: Record<string, Uint8Array>;
			clean: Float32Array;
			triggered: Float32Array;
			options: Omit<StripOptions, 'signal'>;
		},
		ctx: TaskContext
	) => {
		const classifier = await folderClassifier(a.key, a.files);
		const common = { ...a.options, signal: ctx.signal };
		const clean = await stripEntropy(classifier, a.clean, common);
		ctx.progress(0.5);
		const triggered = await stripEntropy(classifier, a.triggered, common);
		ctx.progress(1);
		return { clean, triggered };
	},

	/** DP-SGD against plain SGD per epoch, where the lab trains (the bench's dpEpoch probe). */
	epochTimes: (
		a: { data: PrivacyData; config: Parameters<typeof measureEpochTimes>[1]; epochs: number },
		ctx: TaskContext
	) => measureEpochTimes(a.data, a.config, a.epochs, { signal: ctx.signal, noise: ctx.noise }),

	/**
	 * Draws through the noise source DP-SGD uses here, each announced ahead as DP-SGD announces its
	 * steps' (for the tests: the worker's parallel draws must be gaussianNoise's bits).
	 */
	noiseDraws: async (a: { requests: NoiseRequest[] }, ctx: TaskContext) => {
		const source = ctx.noise ?? inlineNoise;
		const out: Float32Array[] = [];
		try {
			for (let k = 0; k < a.requests.length; k++) {
				source.ahead(a.requests.slice(k + 1));
				out.push((await source.draw(a.requests[k])).slice());
			}
		} finally {
			source.reset();
		}
		return { values: out, stats: source.stats?.() ?? null };
	}
};

export type TaskName = keyof typeof TASKS;
export type TaskArgs<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskResult<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
