/** In a worker: a message to ourselves, which lets waiting messages (a cancel) in without the
 * 4 ms that nested setTimeout(0) calls are clamped to. */
let channel: { port: MessagePort; waiting: (() => void)[] } | null = null;
function viaMessage(): Promise<void> {
	if (!channel) {
		const { port1, port2 } = new MessageChannel();
		const c = { port: port2, waiting: [] as (() => void)[] };
		port1.onmessage = () => c.waiting.shift()?.();
		channel = c;
	}
	const c = channel;
	return new Promise((resolve) => {
		c.waiting.push(resolve);
		c.port.postMessage(null);
	});
}

/** Lets the browser paint (or a worker take its messages, or Node's event loop turn) between
 * chunks of work. */
export function yieldToEventLoop(): Promise<void> {
	if (typeof document !== 'undefined') {
		if (typeof requestAnimationFrame === 'function' && !document.hidden)
			return new Promise((resolve) => requestAnimationFrame(() => resolve()));
	} else if (typeof WorkerGlobalScope !== 'undefined' && typeof MessageChannel === 'function') {
		return viaMessage();
	}
	return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Work between yields, in ms: long enough that chunks far shorter than a frame run back to back
 * (a yield through requestAnimationFrame costs up to a frame, ~16 ms), short enough to keep the
 * page responsive.
 */
export const YIELD_EVERY_MS = 30;

/**
 * A yield that only happens once YIELD_EVERY_MS of work has passed since the last one. `due()`
 * resolves at once otherwise; it returns how long it paused (0 when it did not yield).
 */
export function pacedYield(everyMs = YIELD_EVERY_MS) {
	let last = performance.now();
	return {
		async due(): Promise<number> {
			if (performance.now() - last <= everyMs) return 0;
			const p0 = performance.now();
			await yieldToEventLoop();
			last = performance.now();
			return last - p0;
		}
	};
}

/** Throws the standard AbortError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined) {
	if (signal?.aborted) throw new DOMException('The operation was cancelled', 'AbortError');
}
