/**
 * Binary classification metrics for the fraud detector, with fraud (label 1) as the positive
 * class. Framework-free. Where a ratio is 0/0 (no fraud predicted, no fraud present) it is
 * reported as 0, not NaN, so a chart of a collapsing model drops to the floor instead of a gap.
 */
import { rocAuc } from '../../data/fraud';

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
