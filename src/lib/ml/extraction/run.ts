/**
 * What the page, the CLI and the bench share around the attacks: which attack can run against
 * which victim and output, and equation solving scored like the learning attacks.
 */
import { createRng } from '../rng';
import {
	agreement,
	equationSolvingAttack,
	maxParamError,
	type LogisticParams
} from './equation-solving';
import { logisticVictim, type OutputMode, type PredictionApi } from './victim-api';
import type { Victim } from './victims';

export const ATTACKS = ['equation', 'random', 'natural', 'jacobian'] as const;
export type Attack = (typeof ATTACKS)[number];

/**
 * Why `attack` cannot run against this victim and output, as one sentence, or null when it can.
 */
export function attackProblem(
	attack: Attack,
	victim: { id: string; truth?: LogisticParams; dims: number },
	mode: OutputMode,
	budget?: number
): string | null {
	if (attack !== 'equation') return null;
	if (!victim.truth) {
		return `equation solving recovers a logistic regression; ${victim.id} is not one (use fraud-logreg, or a learning attack: random, natural or jacobian)`;
	}
	if (mode.kind === 'label') {
		return 'equation solving needs confidence scores, but this API answers with class labels only (use probs or round:K, or a learning attack)';
	}
	if (budget !== undefined && budget < victim.dims + 1) {
		return `equation solving needs ${victim.dims + 1} queries (d + 1) but the budget is ${budget}`;
	}
	return null;
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
	const problem = attackProblem('equation', victim, api.outputMode);
	if (problem) throw new Error(problem);
	const truth = victim.truth!;
	const stolen = equationSolvingAttack(api, victim.dims, {
		rng: createRng(seed),
		...equationBox(victim, seed)
	});
	const recovered = { weights: stolen.weights, bias: stolen.bias };
	const copy = logisticVictim(recovered.weights, recovered.bias);
	const { heldOut } = victim;
	const probs = copy(heldOut.inputs, victim.dims);
	let right = 0;
	for (let i = 0; i < heldOut.count; i++) {
		if ((probs[2 * i + 1] > probs[2 * i] ? 1 : 0) === heldOut.labels[i]) right++;
	}
	return {
		recovered,
		truth,
		maxParamError: maxParamError(truth, recovered),
		queries: stolen.queries,
		agreement: agreement(victim.predict, copy, heldOut.inputs, victim.dims),
		accuracy: right / heldOut.count
	};
}
