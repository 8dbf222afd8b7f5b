/**
 * DP-SGD's noise, made on another core (see noise-source.ts): each request names a slot, a
 * shared buffer the trainer reads; the draws are written into it, then the slot's status word
 * is set to the request's id and the trainer, if it waits, is woken.
 */
/// <reference lib="webworker" />
import { gaussianNoiseInto } from '$lib/base/gaussian';
import type { NoiseRequest } from '$lib/ml/privacy/noise';

export interface SlotRequest extends NoiseRequest {
	id: number;
	slot: number;
	data: SharedArrayBuffer;
	status: SharedArrayBuffer;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (
	event: MessageEvent<SlotRequest | { type: 'hello'; status: SharedArrayBuffer }>
) => {
	const m = event.data;
	if ('type' in m) {
		// the status buffer's last word says the worker is alive (the trainer only waits on a live one)
		const status = new Int32Array(m.status);
		Atomics.store(status, status.length - 1, 1);
		return;
	}
	gaussianNoiseInto(new Float32Array(m.data, 0, m.count), m.std, m.seed);
	const status = new Int32Array(m.status);
	Atomics.store(status, m.slot, m.id);
	Atomics.notify(status, m.slot);
};
