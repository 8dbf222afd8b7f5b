/**
 * Loss-based filtering, a data-sanitization defence: fit a model on the (possibly poisoned)
 * training set, then drop the points it fits worst and retrain without them. Flipped labels
 * disagree with what the rest of the data says, so they tend to carry high loss.
 *
 * The "loss" defence of Koh, Steinhardt, Liang 2018, "Stronger Data Poisoning Attacks Break Data
 * Sanitization Defenses" (arXiv:1811.00741, section 2, the defences they attack), in the spirit
 * of the outlier removal analysed by Steinhardt, Koh, Liang 2017, "Certified Defenses for Data
 * Poisoning Attacks" (NeurIPS). Framework-free: it takes the first model's scores.
 *
 * Per class: the highest-loss `fraction` of the rows labelled fraud and, separately, of those
 * labelled legitimate. A single ranking over all rows would drop mostly real fraud, since with
 * 3 % fraud an unweighted model fits every fraud badly, and that is the very class to protect.
 */

export interface LossFilterResult {
	/** 1 for rows kept, 0 for rows dropped: pass as trainLogRegBatch's rowWeights. */
	keep: Float32Array;
	/** Rows dropped, ascending. */
	dropped: Int32Array;
}

/** Cross-entropy of one row: -log p for label 1, -log(1 - p) for label 0 (clamped away from 0). */
export function rowLoss(score: number, label: number): number {
	const p = Math.min(1 - 1e-7, Math.max(1e-7, score));
	return label === 1 ? -Math.log(p) : -Math.log(1 - p);
}

export function lossFilter(
	scores: ArrayLike<number>,
	labels: Uint8Array,
	fraction: number
): LossFilterResult {
	const n = labels.length;
	if (scores.length !== n)
		throw new Error(`lossFilter: ${scores.length} scores for ${n} labels; pass one per row`);
	if (!(fraction >= 0 && fraction < 1))
		throw new Error(`lossFilter: fraction must be at least 0 and below 1, got ${fraction}`);
	const keep = new Float32Array(n).fill(1);
	const dropped: number[] = [];
	for (const cls of [0, 1]) {
		const rows: number[] = [];
		for (let i = 0; i < n; i++) {
			if (labels[i] > 1)
				throw new Error(`lossFilter: label at row ${i} is ${labels[i]}; use 0 or 1`);
			if (!Number.isFinite(scores[i]))
				throw new Error(`lossFilter: score at row ${i} is ${scores[i]}`);
			if (labels[i] === cls) rows.push(i);
		}
		const loss = new Map(rows.map((i) => [i, rowLoss(scores[i], cls)]));
		// Highest loss first; equal losses by row so the result does not depend on sort stability.
		rows.sort((a, b) => loss.get(b)! - loss.get(a)! || a - b);
		for (const i of rows.slice(0, Math.round(fraction * rows.length))) {
			keep[i] = 0;
			dropped.push(i);
		}
	}
	return { keep, dropped: Int32Array.from(dropped).sort() };
}
