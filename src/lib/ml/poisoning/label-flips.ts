/**
 * Label-flipping poisoning (MITRE ATLAS AML.T0020 Poison Training Data; OWASP ML02): an attacker
 * who can touch the training labels, not the features, flips some of them. Framework-free.
 *
 * What `rate` is a fraction of: the rows the attack is allowed to flip.
 * - 'random': all n rows, both classes; round(rate * n) flips.
 * - 'targeted': the fraud rows only (label 1 -> 0), so fraud slips through; round(rate * fraud
 *   rows) flips. With 3 % fraud, "30 %" means 30 % of the fraud, i.e. about 0.9 % of all rows;
 *   measuring it against all rows would run out of fraud to flip above 3 %.
 * - 'boundary': all n rows, both classes; round(rate * n) flips, taking the rows a clean model is
 *   least sure about (smallest |score - threshold|), where a flip looks most plausible to a reviewer.
 * Rates run from 0 to 0.5: past a half, random flips stop being noise and become the inverse task.
 */
import { createRng, permutation } from '../../base/rng';

export type FlipAttack = 'random' | 'targeted' | 'boundary';

export interface FlipOptions {
	/** Seeds the choice of rows (for 'boundary', the order among equal scores). */
	seed: number;
	/** Per-row scores in [0, 1] from a clean model; required for 'boundary'. */
	scores?: ArrayLike<number>;
	/** 'boundary': the model's decision threshold; rows with scores nearest it go first. Default 0.5. */
	threshold?: number;
}

export interface FlipResult {
	/** A new array; the input is left untouched. */
	labels: Uint8Array;
	/** The flipped rows, ascending, each once. */
	flipped: Int32Array;
}

function checkLabels(labels: Uint8Array, where: string) {
	for (let i = 0; i < labels.length; i++) {
		if (labels[i] > 1) throw new Error(`${where}: label at row ${i} is ${labels[i]}; use 0 or 1`);
	}
}

/** How many rows flipLabels will flip for this rate and attack (see the file comment). */
export function flipBudget(labels: Uint8Array, rate: number, attack: FlipAttack): number {
	if (!(rate >= 0 && rate <= 0.5)) {
		throw new Error(`flipLabels: rate must be between 0 and 0.5, got ${rate}`);
	}
	if (attack === 'targeted') {
		let fraud = 0;
		for (let i = 0; i < labels.length; i++) fraud += labels[i];
		return Math.round(rate * fraud);
	}
	if (attack === 'random' || attack === 'boundary') return Math.round(rate * labels.length);
	throw new Error(
		`flipLabels: unknown attack "${attack as string}"; use random, targeted or boundary`
	);
}

/** Flips exactly flipBudget(labels, rate, attack) labels, never the same row twice. */
export function flipLabels(
	labels: Uint8Array,
	rate: number,
	attack: FlipAttack,
	opts: FlipOptions
): FlipResult {
	checkLabels(labels, 'flipLabels');
	if (!Number.isFinite(opts.seed))
		throw new Error(`flipLabels: seed must be a number, got ${opts.seed}`);
	const count = flipBudget(labels, rate, attack);
	const n = labels.length;
	const rng = createRng(opts.seed);
	let chosen: Int32Array;
	if (attack === 'random') {
		chosen = permutation(n, rng).subarray(0, count);
	} else if (attack === 'targeted') {
		const fraudRows: number[] = [];
		for (let i = 0; i < n; i++) if (labels[i] === 1) fraudRows.push(i);
		const order = permutation(fraudRows.length, rng);
		chosen = new Int32Array(count);
		for (let k = 0; k < count; k++) chosen[k] = fraudRows[order[k]];
	} else {
		const scores = opts.scores;
		if (!scores)
			throw new Error("flipLabels: the 'boundary' attack needs opts.scores from a clean model");
		if (scores.length !== n) {
			throw new Error(
				`flipLabels: ${scores.length} scores for ${n} labels; pass one score per row`
			);
		}
		const threshold = opts.threshold ?? 0.5;
		const margin = new Float64Array(n);
		for (let i = 0; i < n; i++) {
			if (!Number.isFinite(scores[i]))
				throw new Error(`flipLabels: score at row ${i} is ${scores[i]}`);
			margin[i] = Math.abs(scores[i] - threshold);
		}
		// A seeded shuffle first, so rows with equal margins are taken in a seeded order.
		const order = Array.from(permutation(n, rng));
		const rank = new Int32Array(n);
		order.forEach((row, k) => (rank[row] = k));
		order.sort((a, b) => margin[a] - margin[b] || rank[a] - rank[b]);
		chosen = Int32Array.from(order.slice(0, count));
	}
	const flipped = Int32Array.from(chosen).sort();
	const out = labels.slice();
	for (const row of flipped) out[row] = 1 - out[row];
	return { labels: out, flipped };
}
