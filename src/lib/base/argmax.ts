/** The index of the largest of `length` values from `start` (the lowest index on a tie). */
export function argmax(
	values: ArrayLike<number>,
	start = 0,
	length = values.length - start
): number {
	let best = 0;
	for (let c = 1; c < length; c++) if (values[start + c] > values[start + best]) best = c;
	return best;
}

/**
 * The most probable class of each of `n` rows of class probabilities (row-major, classes =
 * length / n; the lowest index on a tie): what a label-only API answers.
 */
export function argmaxRows(probs: ArrayLike<number>, n: number): Uint8Array {
	if (n === 0) return new Uint8Array(0);
	if (!(Number.isInteger(n) && n > 0) || probs.length % n !== 0) {
		throw new Error(`argmaxRows: ${probs.length} probabilities do not split into ${n} rows`);
	}
	const k = probs.length / n;
	if (k > 256) throw new Error(`argmaxRows: ${k} classes; at most 256 fit a label byte`);
	const out = new Uint8Array(n);
	for (let i = 0; i < n; i++) out[i] = argmax(probs, i * k, k);
	return out;
}
