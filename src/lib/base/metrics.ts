/**
 * Classification metrics, framework-free: ROC AUC, recall at a false-positive budget, the
 * confusion matrix and the threshold metrics, with label 1 (fraud, member, ...) as the positive
 * class. Where a ratio is 0/0 (nothing predicted positive, no positives present) it is reported
 * as 0, not NaN, so a chart of a collapsing model drops to the floor instead of a gap.
 */

/**
 * Area under the ROC curve: the chance that a random fraud scores higher than a random legitimate
 * transaction (ties count half). 0.5 is guessing, 1 is perfect; NaN when a class is missing.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
	const n = scores.length;
	if (labels.length !== n) throw new Error(`${n} scores but ${labels.length} labels`);
	const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
	let positives = 0;
	let rankSum = 0;
	for (let i = 0; i < n;) {
		let j = i;
		while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
		// Tied scores share the average of their ranks (1-based).
		const rank = (i + j) / 2 + 1;
		for (let k = i; k <= j; k++) {
			if (labels[order[k]] === 1) {
				positives++;
				rankSum += rank;
			}
		}
		i = j + 1;
	}
	const negatives = n - positives;
	if (positives === 0 || negatives === 0) return NaN;
	return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Share of fraud caught when the alarm threshold is set so that at most `maxFalsePositiveRate` of
 * legitimate transactions raise it: the trade-off a bank actually tunes.
 */
export function recallAtFpr(
	scores: ArrayLike<number>,
	labels: ArrayLike<number>,
	maxFalsePositiveRate: number
): number {
	const n = scores.length;
	if (labels.length !== n) throw new Error(`${n} scores but ${labels.length} labels`);
	const legit: number[] = [];
	const fraudScores: number[] = [];
	for (let i = 0; i < n; i++) (labels[i] === 1 ? fraudScores : legit).push(scores[i]);
	if (fraudScores.length === 0 || legit.length === 0) return NaN;
	legit.sort((a, b) => b - a);
	const allowed = Math.floor(maxFalsePositiveRate * legit.length);
	// Flag scores strictly above the (allowed+1)-th highest legitimate score.
	const threshold = allowed >= legit.length ? -Infinity : legit[allowed];
	let caught = 0;
	for (const s of fraudScores) if (s > threshold) caught++;
	return caught / fraudScores.length;
}

export interface Confusion {
	tp: number;
	fp: number;
	tn: number;
	fn: number;
}

export interface ClassificationMetrics {
	accuracy: number;
	/** Of the rows flagged as fraud, the share that is fraud. */
	precision: number;
	/** Of the fraud, the share flagged: what a label-flipping attacker wants to push down. */
	recall: number;
	f1: number;
	/** Threshold-free ROC AUC, ties counted half; NaN when a class is missing. */
	auc: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function checkBinary(values: ArrayLike<number>, name: string) {
	for (let i = 0; i < values.length; i++) {
		if (values[i] !== 0 && values[i] !== 1) {
			throw new Error(`confusion: ${name}[${i}] is ${values[i]}; use 0 (legitimate) or 1 (fraud)`);
		}
	}
}

export function confusion(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): Confusion {
	if (yTrue.length !== yPred.length) {
		throw new Error(`confusion: ${yTrue.length} true labels but ${yPred.length} predictions`);
	}
	checkBinary(yTrue, 'yTrue');
	checkBinary(yPred, 'yPred');
	const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
	for (let i = 0; i < yTrue.length; i++) {
		if (yPred[i] === 1) {
			if (yTrue[i] === 1) c.tp++;
			else c.fp++;
		} else if (yTrue[i] === 1) c.fn++;
		else c.tn++;
	}
	return c;
}

/** A row is flagged as fraud when its score is >= threshold. */
export function classificationMetrics(
	yTrue: ArrayLike<number>,
	scores: ArrayLike<number>,
	threshold = 0.5
): ClassificationMetrics {
	if (yTrue.length !== scores.length) {
		throw new Error(`classificationMetrics: ${yTrue.length} labels but ${scores.length} scores`);
	}
	const pred = new Uint8Array(scores.length);
	for (let i = 0; i < scores.length; i++) pred[i] = scores[i] >= threshold ? 1 : 0;
	const { tp, fp, tn, fn } = confusion(yTrue, pred);
	const precision = ratio(tp, tp + fp);
	const recall = ratio(tp, tp + fn);
	return {
		accuracy: ratio(tp + tn, tp + fp + tn + fn),
		precision,
		recall,
		f1: ratio(2 * precision * recall, precision + recall),
		auc: rocAuc(scores, yTrue)
	};
}
