/** Lets the browser paint (or Node's event loop turn) between chunks of work. */
export function yieldToEventLoop(): Promise<void> {
	if (
		typeof requestAnimationFrame === 'function' &&
		typeof document !== 'undefined' &&
		!document.hidden
	) {
		return new Promise((resolve) => requestAnimationFrame(() => resolve()));
	}
	return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Throws the standard AbortError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined) {
	if (signal?.aborted) throw new DOMException('The operation was cancelled', 'AbortError');
}
