/**
 * The lab runs that may leave the main thread: each entry calls the one ML core (src/lib/ml)
 * with plain arguments and returns plain results (numbers, typed arrays), so the same entry runs
 * in ml.worker.ts or, where no worker can start, on the page itself (client.ts). Tensors never
 * cross: every task builds and disposes its own.
 */
import type { DigitSet } from '$lib/data/mnist';
import { runBackdoor, type BackdoorOptions } from '$lib/ml/poisoning/backdoor';
import { poisonSweep, type PoisonData, type SweepOptions } from '$lib/ml/poisoning/experiment';
import {
	measureEpochTimes,
	runPrivacyExperiment,
	type EpochPoint,
	type PrivacyData,
	type RunConfig
} from '$lib/ml/privacy/experiment';

export interface TaskContext {
	signal: AbortSignal;
	/** 0..1 of the task done */
	progress(fraction: number): void;
	/** a partial result the page shows while the task runs (a training curve's next point) */
	event(payload: unknown): void;
}

/**
 * Data a task keeps between calls, by the key the page gave it (client.ts dataKey): a task's
 * caches (the kNN neighbours, the clean fits of a poisoning data set) live in the copy here, so
 * the second sweep on the same data skips them as it does on the page. One entry per kind.
 */
const kept = new Map<string, { key: string; value: unknown }>();
function keep<T>(kind: string, key: string, value: T): T {
	const entry = kept.get(kind);
	if (entry?.key === key) return entry.value as T;
	kept.set(kind, { key, value });
	return value;
}

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
			onProgress: (done, total) => ctx.progress(done / total)
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
		poisonSweep(keep<PoisonData>('poison', a.key, { ...a.data }), {
			...a.options,
			signal: ctx.signal,
			onProgress: ctx.progress
		}),

	/** DP-SGD against plain SGD per epoch, where the lab trains (the bench's dpEpoch probe). */
	epochTimes: (
		a: { data: PrivacyData; config: Parameters<typeof measureEpochTimes>[1]; epochs: number },
		ctx: TaskContext
	) => measureEpochTimes(a.data, a.config, a.epochs, ctx.signal)
};

export type TaskName = keyof typeof TASKS;
export type TaskArgs<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskResult<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
