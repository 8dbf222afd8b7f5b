/**
 * What the page, the CLI and the bench share around the attacks: which attack can run against
 * which victim and output, and equation solving scored like the learning attacks.
 */
import { createRng } from '../../base/rng';
import {
	agreement,
	equationSolvingAttack,
	maxParamError,
	type LogisticParams
} from './equation-solving';
import type { PradaOptions } from './prada';
import { logisticVictim, type OutputMode, type PredictionApi } from './victim-api';
import { argmaxRows } from '../../base/argmax';
import { VICTIM_DIMS, type Victim, type VictimId } from './victims';

export const ATTACKS = ['equation', 'random', 'natural', 'jacobian'] as const;
export type Attack = (typeof ATTACKS)[number];

/**
 * Why `attack` cannot run against this victim and output, as one sentence, or null when it can.
 */
export function attackProblem(
	attack: Attack,
	victimId: VictimId,
	mode: OutputMode,
	budget?: number
): string | null {
	if (attack !== 'equation') return null;
	if (victimId !== 'fraud-logreg') {
		return `equation solving recovers a logistic regression; ${victimId} is not one (use fraud-logreg, or a learning attack: random, natural or jacobian)`;
	}
	if (mode.kind === 'label') {
		return 'equation solving needs confidence scores, but this API answers with class labels only (use probs or round:K, or a learning attack)';
	}
	const dims = VICTIM_DIMS[victimId];
	if (budget !== undefined && budget < dims + 1) {
		return `equation solving needs ${dims + 1} queries (d + 1) but the budget is ${budget}`;
	}
	return null;
}

/**
 * PRADA's threshold on W. Juuti et al. 2019 set delta per model from benign traffic. On the fraud
 * MLP, 20 benign clients (300 or 500 natural queries each) never go below W = 0.765, while
 * Jacobian-augmentation attackers (seeds 1-3) reach 0.68-0.72 within their first 300 queries.
 */
export const PRADA_DELTA = 0.75;
/** Distances PRADA collects before it tests (Juuti et al. 2019, Algorithm 1: |D| > 100). */
export const PRADA_MIN_DISTANCES = 100;

/** PRADA as the service in front of `victim` runs it: on the victim's own input scaling. */
export function pradaOptions(
	victim: Pick<Victim, 'monitorScale'>,
	delta = PRADA_DELTA
): Required<PradaOptions> {
	return {
		delta,
		minDistances: PRADA_MIN_DISTANCES,
		shift: victim.monitorScale.shift,
		scale: victim.monitorScale.scale
	};
}

export interface EquationOutcome {
	recovered: LogisticParams;
	truth: LogisticParams;
	maxParamError: number;
	queries: number;
	agreement: number;
	accuracy: number;
}

/**
 * Where equation-solving queries come from: per feature, the 10th to 90th percentile of the
 * attacker's natural data (the full documented range where that is a single value, e.g. yes/no
 * features). Uniform draws over the full ranges (amounts up to 20,000, 80 payments a day) would
 * push the victim's confidence to 0.99999..., which rounding turns into exactly 1, and every such
 * answer loses its equation.
 */
export function equationBox(
	victim: Victim,
	seed: number
): { low: Float64Array; high: Float64Array } {
	const d = victim.dims;
	const pool = victim.naturalPool(500, seed);
	const n = pool.length / d;
	const low = new Float64Array(d);
	const high = new Float64Array(d);
	for (let j = 0; j < d; j++) {
		const column = Float64Array.from({ length: n }, (_, i) => pool[i * d + j]).sort();
		low[j] = column[Math.floor(0.1 * (n - 1))];
		high[j] = column[Math.ceil(0.9 * (n - 1))];
		if (!(high[j] > low[j])) {
			low[j] = victim.low[j];
			high[j] = victim.high[j];
		}
	}
	return { low, high };
}

/**
 * Tramer et al. 2016, section 4.1, against a fraud victim: d + 1 queries drawn from equationBox,
 * solved for (w, b) in raw units, then scored on the held-out transactions.
 */
export function runEquation(victim: Victim, api: PredictionApi, seed: number): EquationOutcome {
	const problem = attackProblem('equation', victim.id, api.outputMode);
	if (problem) throw new Error(problem);
	const truth = victim.truth;
	if (!truth) throw new Error(`runEquation: ${victim.id} carries no true logistic weights`);
	const stolen = equationSolvingAttack(api, victim.dims, {
		rng: createRng(seed),
		...equationBox(victim, seed)
	});
	const recovered = { weights: stolen.weights, bias: stolen.bias };
	const copy = logisticVictim(recovered.weights, recovered.bias);
	const { heldOut } = victim;
	const labels = argmaxRows(copy(heldOut.inputs, victim.dims), heldOut.count);
	let right = 0;
	for (let i = 0; i < heldOut.count; i++) if (labels[i] === heldOut.labels[i]) right++;
	return {
		recovered,
		truth,
		maxParamError: maxParamError(truth, recovered),
		queries: stolen.queries,
		agreement: agreement(victim.predict, copy, heldOut.inputs, victim.dims),
		accuracy: right / heldOut.count
	};
}
