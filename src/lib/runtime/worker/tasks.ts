/**
 * The lab runs that may leave the main thread: each entry calls the one ML core (src/lib/ml)
 * with plain arguments and returns plain results (numbers, typed arrays), so the same entry runs
 * in ml.worker.ts or, where no worker can start, on the page itself (client.ts). Tensors never
 * cross: every task builds and disposes its own.
 */
import type { DigitSet } from '$lib/data/mnist';
import { runBackdoor, type BackdoorOptions } from '$lib/ml/poisoning/backdoor';
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

	/** DP-SGD against plain SGD per epoch, where the lab trains (the bench's dpEpoch probe). */
	epochTimes: (
		a: { data: PrivacyData; config: Parameters<typeof measureEpochTimes>[1]; epochs: number },
		ctx: TaskContext
	) => measureEpochTimes(a.data, a.config, a.epochs, ctx.signal)
};

export type TaskName = keyof typeof TASKS;
export type TaskArgs<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskResult<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
