/** How the inversion lab words its numbers. */
import { queriesPerStep } from '$lib/ml/inversion/black-box';
import type { ShownRun } from './inversion-state.svelte';

export { pct } from '$lib/base/format';

/** Why row `r` of a run stopped, in words. */
export function stopText(shown: ShownRun, r: number): string {
	const { params: p, run } = shown;
	const reason = run.result.stopped[r];
	if (reason === 'goal') return `reached the cost goal ${p.goal}`;
	if (reason === 'patience') return `no progress in ${p.patience} steps`;
	const spent = run.queries?.[r];
	if (spent !== undefined && spent + queriesPerStep(p.estimator, p.samples) > p.budget)
		return 'query budget spent';
	return 'all steps taken';
}
