/**
 * A NoiseSource (src/lib/ml/privacy/noise.ts) whose draws are made in a worker of their own
 * (noise.worker.ts), so that with a spare core DP-SGD's noise costs the training almost nothing.
 * The trainer announces the next steps' draws; each goes to a slot, a SharedArrayBuffer the noise
 * worker fills while the current step runs with fresh draws for that step's seed. A step reads its
 * draws in the slot (a view, valid until the source's next call: the step has copied them into
 * tensors by then), waiting on the slot's status word with Atomics.wait if they are not there
 * yet: a task hop per step through the event loop would cost more than the draws. The bits are
 * gaussianNoise's for the seed, as inline.
 *
 * It needs SharedArrayBuffer and a thread that may block (a worker on a cross-origin-isolated
 * page); elsewhere, or when the noise worker does not start or stops answering, draws are made
 * inline.
 */
import { gaussianNoise } from '$lib/base/gaussian';
import type { NoiseRequest, NoiseSource } from '$lib/ml/privacy/noise';
import type { SlotRequest } from './noise.worker';

/** slots: the step being drawn and the steps announced ahead of it (dp-sgd.ts announces 2) */
const SLOTS = 4;
/** the longest a step waits for a live noise worker before it draws inline from then on */
const WAIT_MS = 2000;

interface Slot {
	data: SharedArrayBuffer;
	/** the request it holds, or null when free */
	key: string | null;
	id: number;
}

const keyOf = ({ count, std, seed }: NoiseRequest) => `${seed}|${count}|${std}`;

/** Whether this thread can share memory and block on it (a worker on an isolated page). */
function canBlock(): boolean {
	return (
		typeof SharedArrayBuffer !== 'undefined' &&
		typeof Worker !== 'undefined' &&
		typeof crossOriginIsolated !== 'undefined' &&
		crossOriginIsolated &&
		typeof (globalThis as { document?: unknown }).document === 'undefined'
	);
}

/** The source; its worker starts at once, so that it is up when the first training asks. */
export function parallelNoise(): NoiseSource {
	let worker: Worker | null = null;
	let broken = !canBlock();
	let status: Int32Array | null = null;
	let nextId = 1;
	const slots: Slot[] = [];
	const counts = { parallel: 0, inline: 0 };

	const inline = ({ count, std, seed }: NoiseRequest) => {
		counts.inline++;
		return gaussianNoise(count, std, seed);
	};

	function stop() {
		broken = true;
		worker?.terminate();
		worker = null;
	}

	function theWorker(): Worker | null {
		if (broken) return null;
		if (worker) return worker;
		try {
			worker = new Worker(new URL('./noise.worker.ts', import.meta.url), { type: 'module' });
		} catch {
			broken = true;
			return null;
		}
		worker.onerror = (event) => {
			event.preventDefault();
			stop();
		};
		const shared = new SharedArrayBuffer((SLOTS + 1) * 4);
		status = new Int32Array(shared);
		worker.postMessage({ type: 'hello', status: shared });
		return worker;
	}

	const alive = () => status !== null && Atomics.load(status, SLOTS) === 1;

	/** Hands the request to the worker in a free slot; the slot's index, or -1 if none. */
	function ask(request: NoiseRequest): number {
		const w = theWorker();
		if (!w || !status) return -1;
		const bytes = request.count * 4;
		let index = slots.findIndex((s) => s.key === null && s.data.byteLength >= bytes);
		if (index < 0 && slots.length < SLOTS) {
			slots.push({ data: new SharedArrayBuffer(bytes), key: null, id: 0 });
			index = slots.length - 1;
		}
		if (index < 0) {
			// no free slot of that size: grow a free one
			index = slots.findIndex((s) => s.key === null);
			if (index < 0) return -1;
			slots[index].data = new SharedArrayBuffer(bytes);
		}
		const slot = slots[index];
		slot.key = keyOf(request);
		slot.id = nextId++;
		const message: SlotRequest = {
			...request,
			id: slot.id,
			slot: index,
			data: slot.data,
			status: status.buffer as SharedArrayBuffer
		};
		w.postMessage(message);
		return index;
	}

	/** The slot's draws once the worker has written them, or null if it does not in time. */
	function take(slot: Slot, index: number, count: number): Float32Array | null {
		const s = status!;
		if (Atomics.load(s, index) !== slot.id) {
			// a worker still starting may not answer for a while: draw inline rather than block
			if (!alive()) return null;
			const deadline = performance.now() + WAIT_MS;
			let seen: number;
			while ((seen = Atomics.load(s, index)) !== slot.id) {
				const left = deadline - performance.now();
				if (left <= 0) {
					stop();
					return null;
				}
				Atomics.wait(s, index, seen, left);
			}
		}
		return new Float32Array(slot.data, 0, count);
	}

	theWorker();
	return {
		ahead(requests) {
			for (const r of requests) {
				const key = keyOf(r);
				if (!slots.some((s) => s.key === key)) ask(r);
			}
		},
		draw(request) {
			const key = keyOf(request);
			let index = slots.findIndex((s) => s.key === key);
			if (index < 0) index = ask(request);
			if (index < 0) return inline(request);
			const slot = slots[index];
			const values = take(slot, index, request.count);
			slot.key = null;
			if (!values) return inline(request);
			counts.parallel++;
			return values;
		},
		reset() {
			for (const s of slots) s.key = null;
		},
		stats: () => ({ ...counts })
	};
}
