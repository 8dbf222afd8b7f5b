/**
 * Membership inference: can an attacker tell whether an example was in the training set? And the
 * ceiling that differential privacy puts on how well anyone can.
 */
import * as tf from '@tensorflow/tfjs-core';
import { clopperPearson } from '../../base/beta';
import { rocAuc } from '../../base/metrics';
import { labelCrossEntropy } from '../losses';
import { mlpLogits, type Mlp } from '../mlp';

const CHUNK = 1000;

/** Each example's cross-entropy under the model, read back to the CPU (chunked; nothing kept). */
export async function perExampleLosses(
	mlp: Mlp,
	rows: Float32Array,
	labels: ArrayLike<number>
): Promise<Float32Array> {
	const d = mlp.sizes[0];
	const n = labels.length;
	if (rows.length !== n * d)
		throw new RangeError(`losses: ${rows.length} feature values do not make ${n} rows of ${d}`);
	const out = new Float32Array(n);
	for (let start = 0; start < n; start += CHUNK) {
		const m = Math.min(CHUNK, n - start);
		const t = tf.tidy(() =>
			labelCrossEntropy(
				mlpLogits(mlp, tf.tensor2d(rows.subarray(start * d, (start + m) * d), [m, d])),
				tf.tensor1d(
					Int32Array.from({ length: m }, (_, j) => labels[start + j]),
					'int32'
				)
			)
		);
		try {
			out.set((await t.data()) as Float32Array, start);
		} finally {
			t.dispose();
		}
	}
	return out;
}

/** Share of rows the model labels correctly (threshold 0.5 for one output, argmax for several). */
export async function mlpAccuracy(
	mlp: Mlp,
	rows: Float32Array,
	labels: ArrayLike<number>
): Promise<number> {
	const d = mlp.sizes[0];
	const k = mlp.sizes[mlp.sizes.length - 1];
	const n = labels.length;
	if (n === 0) return NaN;
	let correct = 0;
	for (let start = 0; start < n; start += CHUNK) {
		const m = Math.min(CHUNK, n - start);
		const t = tf.tidy(() => {
			const logits = mlpLogits(mlp, tf.tensor2d(rows.subarray(start * d, (start + m) * d), [m, d]));
			return k === 1
				? tf.cast(tf.greater(tf.reshape(logits, [-1]), 0), 'int32')
				: tf.argMax(logits, 1);
		});
		try {
			const predicted = await t.data();
			for (let j = 0; j < m; j++) if (predicted[j] === labels[start + j]) correct++;
		} finally {
			t.dispose();
		}
	}
	return correct / n;
}

export interface MembershipResult {
	/** chance that a random member has a lower loss than a random non-member (ties half) */
	auc: number;
	/** max over thresholds of TPR - FPR */
	advantage: number;
	/** the loss threshold that reaches it: "member" when loss <= threshold */
	threshold: number;
	tpr: number;
	fpr: number;
	members: number;
	nonMembers: number;
}

/**
 * Yeom, Giacomelli, Fredrikson, Jha 2018, "Privacy Risk in Machine Learning: Analyzing the
 * Connection to Overfitting", section 3.2 (the threshold adversary): guess "member" when an
 * example's loss is at most a threshold. Reported as ROC AUC over all thresholds and as the
 * membership advantage, max TPR - FPR (their Definition 4 with the best threshold chosen in
 * hindsight, which favours the attacker).
 */
export function lossThresholdAttack(
	memberLosses: ArrayLike<number>,
	nonMemberLosses: ArrayLike<number>
): MembershipResult {
	const a = memberLosses.length;
	const b = nonMemberLosses.length;
	if (a === 0 || b === 0)
		throw new RangeError(`membership inference needs members and non-members (got ${a} and ${b})`);
	const scores = new Float64Array(a + b);
	const isMember = new Uint8Array(a + b);
	for (let i = 0; i < a; i++) {
		scores[i] = -memberLosses[i];
		isMember[i] = 1;
	}
	for (let i = 0; i < b; i++) scores[a + i] = -nonMemberLosses[i];
	const auc = rocAuc(scores, isMember);
	// Sweep thresholds from the lowest loss up; ties move together.
	const order = Array.from({ length: a + b }, (_, i) => i).sort((x, y) => scores[y] - scores[x]);
	let best = { advantage: 0, threshold: -Infinity, tpr: 0, fpr: 0 };
	let tp = 0;
	let fp = 0;
	for (let k = 0; k < order.length;) {
		let j = k;
		while (j < order.length && scores[order[j]] === scores[order[k]]) {
			if (isMember[order[j]]) tp++;
			else fp++;
			j++;
		}
		const tpr = tp / a;
		const fpr = fp / b;
		if (tpr - fpr > best.advantage)
			best = { advantage: tpr - fpr, threshold: -scores[order[k]], tpr, fpr };
		k = j;
	}
	return { auc, ...best, members: a, nonMembers: b };
}

export interface EmpiricalEpsilon {
	/** the largest epsilon the counts prove at confidence 1 - alpha; 0 when they prove none */
	epsilon: number;
	/** the loss threshold that gave it ("member" when loss <= threshold), or null */
	threshold: number | null;
	/** the true and false positive rates there (point estimates) */
	tpr: number;
	fpr: number;
	alpha: number;
}

/**
 * The epsilon lower bound a membership attack implies (Jagielski, Ullman, Oprea 2020, "Auditing
 * Differentially Private Machine Learning", section 3; TF Privacy's privacy tests compute the
 * same from an attack's ROC). Any (eps, delta)-DP training keeps every test within
 * TPR <= e^eps FPR + delta and 1 - FPR <= e^eps (1 - TPR) + delta (Kairouz et al. 2015), so
 *
 *   eps >= max( ln((TPR - delta) / FPR), ln((1 - FPR - delta) / (1 - TPR)) ).
 *
 * The rates come from counts, so each is replaced by its one-sided Clopper-Pearson bound (TPR and
 * 1 - FPR from below, FPR and 1 - TPR from above, each at alpha / 2, so both hold together with
 * probability 1 - alpha), at every loss threshold, keeping the largest. Two honest caveats: the
 * examples of one training run are not the independent trainings Jagielski et al. audit with, and
 * taking the best threshold in hindsight favours the bound; it is a heuristic audit that the
 * accountant's epsilon should still stand above, not a proof.
 */
export function empiricalEpsilon(
	memberLosses: ArrayLike<number>,
	nonMemberLosses: ArrayLike<number>,
	delta: number,
	alpha = 0.05
): EmpiricalEpsilon {
	const a = memberLosses.length;
	const b = nonMemberLosses.length;
	if (a === 0 || b === 0)
		throw new RangeError(`the epsilon audit needs members and non-members (got ${a} and ${b})`);
	if (!(delta >= 0 && delta < 1)) throw new RangeError(`delta must be in [0, 1), got ${delta}`);
	const losses = [
		...Array.from(memberLosses, (l) => [l, 1] as const),
		...Array.from(nonMemberLosses, (l) => [l, 0] as const)
	].sort((x, y) => x[0] - y[0]);
	// every threshold's counts; the bounds are costly, so only the most promising thresholds get
	// them (the point estimate of each form, best first)
	const points: { tp: number; fp: number; threshold: number; score: number }[] = [];
	let tp = 0;
	let fp = 0;
	for (let k = 0; k < losses.length;) {
		let j = k;
		while (j < losses.length && losses[j][0] === losses[k][0]) {
			if (losses[j][1]) tp++;
			else fp++;
			j++;
		}
		const tpr = tp / a;
		const fpr = fp / b;
		const score = Math.max(
			Math.log((tpr - delta) / Math.max(fpr, 1 / b)),
			Math.log((1 - fpr - delta) / Math.max(1 - tpr, 1 / a))
		);
		points.push({ tp, fp, threshold: losses[k][0], score });
		k = j;
	}
	points.sort((x, y) => y.score - x.score);
	let best: EmpiricalEpsilon = { epsilon: 0, threshold: null, tpr: 0, fpr: 0, alpha };
	for (const pt of points.slice(0, 32)) {
		const t = clopperPearson(pt.tp, a, alpha / 2);
		const f = clopperPearson(pt.fp, b, alpha / 2);
		const eps = Math.max(
			Math.log((t.lower - delta) / f.upper),
			Math.log((1 - f.upper - delta) / (1 - t.lower))
		);
		if (eps > best.epsilon)
			best = { epsilon: eps, threshold: pt.threshold, tpr: pt.tp / a, fpr: pt.fp / b, alpha };
	}
	return best;
}

/**
 * Yeom et al. 2018, Theorem 1: an eps-differentially private training algorithm (pure DP, delta
 * = 0) limits the membership advantage of any adversary to e^eps - 1 (capped here at 1).
 */
export function yeomAdvantageBound(epsilon: number): number {
	return Math.min(1, Math.expm1(epsilon));
}

/**
 * The tight ceiling for (eps, delta)-DP, which is what DP-SGD's accountant gives:
 * (e^eps - 1 + 2 delta) / (e^eps + 1). It is the largest TPR - FPR inside the hypothesis-testing
 * region TPR <= e^eps FPR + delta, 1 - FPR <= e^eps (1 - TPR) + delta (Kairouz, Oh, Viswanath
 * 2015, Theorem 2.1); Humphries et al. 2020 state it as a bound on membership advantage.
 */
export function advantageBound(epsilon: number, delta: number): number {
	const e = Math.exp(epsilon);
	if (!Number.isFinite(e)) return 1;
	return Math.min(1, (e - 1 + 2 * delta) / (e + 1));
}

/**
 * The advantage an attacker "finds" by chance alone: with `members` and `nonMembers` drawn from
 * the same distribution, max over thresholds of TPR - FPR is the one-sided two-sample
 * Kolmogorov-Smirnov statistic, which exceeds sqrt(-ln(alpha) / 2) * sqrt((n + m) / (n m)) with
 * probability about alpha (Smirnov 1939, the asymptotic law of the one-sided statistic).
 * Advantages below this are indistinguishable from guessing at level alpha.
 */
export function chanceAdvantage(members: number, nonMembers: number, alpha = 0.05): number {
	if (!(members > 0 && nonMembers > 0 && alpha > 0 && alpha < 1))
		throw new RangeError(`chanceAdvantage: need positive counts and alpha in (0, 1)`);
	return (
		Math.sqrt(-Math.log(alpha) / 2) * Math.sqrt((members + nonMembers) / (members * nonMembers))
	);
}
