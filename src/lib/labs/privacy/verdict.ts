/**
 * The sentence under the leakage chart: what the attack found against the non-private baseline
 * and against the most private run, and only what the numbers support. An advantage at or below
 * the chance level (what chance alone reaches one time in twenty) is not a measurable leak, so
 * when both runs sit there the sentence says "within chance" rather than claiming a reduction.
 */
import { formatEps } from './charts';

export interface LeakRun {
	epsilon: number;
	miaAdvantage: number;
	miaAuc: number;
	/** the advantage chance alone exceeds 5 % of the time with the run's group sizes */
	miaChance: number;
}

export function leakVerdict(base: LeakRun, most: LeakRun): string {
	const eps = formatEps(most.epsilon);
	const from = `advantage ${base.miaAdvantage.toFixed(3)}, AUC ${base.miaAuc.toFixed(3)}`;
	const to = `advantage ${most.miaAdvantage.toFixed(3)}, AUC ${most.miaAuc.toFixed(3)}`;
	const chanceLevel = Math.max(base.miaChance, most.miaChance);
	const chance = `chance alone reaches an advantage of ${chanceLevel.toFixed(3)} one time in twenty`;
	const baseWithin = base.miaAdvantage <= chanceLevel;
	const mostWithin = most.miaAdvantage <= chanceLevel;
	if (baseWithin && mostWithin)
		return `Both runs are within chance: the attack reached ${from} against the non-private model and ${to} at epsilon ${eps}, while ${chance}. Neither shows a measurable leak, so there is no reduction to see.`;
	if (most.miaAdvantage >= base.miaAdvantage)
		return `At epsilon ${eps} the attack reached ${to}, no less than against the non-private model (${from}): this run shows no reduction in the leak (${chance}).`;
	if (mostWithin)
		return `Against the non-private model the attack reached ${from}; at epsilon ${eps} it reached ${to}, within chance (${chance}).`;
	return `Against the non-private model the attack reached ${from}; at epsilon ${eps} it reached ${to}, less but still above chance (${chance}).`;
}
