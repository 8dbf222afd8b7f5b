/**
 * The one stratified train/test split, used for the digits (`npm run data`), the generated
 * transactions and uploaded CSV rows. Each class is split on its own, so a rare class (3 %
 * fraud) keeps its share on both sides, which a plain random split does not promise.
 */
import { permutation, type Rng } from './rng';

export interface Split {
	/** Row indices of each side in the order they were drawn: class by class (ascending), and
	 * within a class in the permutation's order. `inOrder` sorts them ascending instead. */
	train: Int32Array;
	test: Int32Array;
}

/**
 * Per class, in ascending label order: a seeded permutation of that class's rows, the first
 * round(count * testFraction) of them to the test side and the rest to training.
 */
export function stratifiedSplit(
	labels: ArrayLike<number>,
	testFraction: number,
	rng: Rng,
	{ inOrder = false }: { inOrder?: boolean } = {}
): Split {
	if (!(testFraction > 0 && testFraction < 1)) {
		throw new Error(`testFraction must be between 0 and 1 (exclusive), got ${testFraction}`);
	}
	const byClass = new Map<number, number[]>();
	for (let i = 0; i < labels.length; i++) {
		const rows = byClass.get(labels[i]);
		if (rows) rows.push(i);
		else byClass.set(labels[i], [i]);
	}
	const train: number[] = [];
	const test: number[] = [];
	for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
		const rows = byClass.get(label)!;
		const order = permutation(rows.length, rng);
		const nTest = Math.round(rows.length * testFraction);
		order.forEach((k, rank) => (rank < nTest ? test : train).push(rows[k]));
	}
	const out = { train: Int32Array.from(train), test: Int32Array.from(test) };
	if (inOrder) {
		out.train.sort();
		out.test.sort();
	}
	return out;
}
