/**
 * The adversarial lab's honest robustness check (src/lib/ml/adversarial/checks.ts): the
 * obfuscated-gradients checks run against the evaluation behind a robustness curve, for the
 * chosen model and defence, on the first CHECK_DIGITS held-out digits. One job with progress and
 * cancel; the report is plain numbers and words.
 */
import { defaultTransferSource, honestChecks, type HonestReport } from '$lib/ml/adversarial/checks';
import { DEFENCES, type DefenceId } from '$lib/ml/adversarial/defences';
import type { AttackSpec } from '$lib/ml/adversarial/robustness';
import type { ModelId } from '$lib/ml/models';
import { MODEL_IDS, SMOOTHED_MODEL_IDS, type SmoothedModelId } from '$lib/ml/model-ids';
import { Job } from '$lib/labs/job.svelte';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { attackLabelOf, attackSpecOf, cliOf } from './robustness-state.svelte';
import { URL_PARAMS, type AdversarialParams } from './settings';

/** Held-out digits the page checks (`lab robustness --checks --samples N` checks more). */
export const CHECK_DIGITS = 200;

/** The checker's PGD, added to an FGSM evaluation on request: 10 steps, random start. */
const ADDED_PGD = (seed: number): AttackSpec => ({
	kind: 'pgd',
	steps: 10,
	randomStart: true,
	seed
});

/** The models a check can take: the shipped three and the noise-trained base CNNs of smoothing. */
export const CHECK_MODELS: readonly (ModelId | SmoothedModelId)[] = [
	...MODEL_IDS,
	...SMOOTHED_MODEL_IDS
];

export interface CheckTarget {
	model: ModelId | SmoothedModelId;
	defence: DefenceId;
	/** add PGD-10 to an FGSM evaluation, so the claim is the worst case of both */
	addPgd: boolean;
	/** with a defence: craft the evaluation's attacks through it (BPDA where it rounds) */
	adaptive: boolean;
}

export interface ShownReport extends HonestReport {
	target: CheckTarget;
	claimLabel: string;
	transferFrom: ModelId;
	ms: number;
}

export class CheckRun {
	readonly job = new Job<'checks'>({ cancelled: 'cancelled; nothing was checked' });
	report = $state.raw<ShownReport | null>(null);

	destroy() {
		this.job.destroy();
	}

	run(live: AdversarialParams, target: CheckTarget) {
		return this.job.run('checks', async (ctx) => {
			const p = $state.snapshot(live) as AdversarialParams;
			const bad = URL_PARAMS.invalid(p);
			if (bad.length) throw new Error(bad.map((b) => `${String(b.name)} ${b.message}`).join('; '));
			const t = { ...target };
			const curveAttack = attackSpecOf(p);
			const attacks =
				t.addPgd && curveAttack.kind === 'fgsm' ? [curveAttack, ADDED_PGD(p.seed)] : [curveAttack];
			const transferFrom = defaultTransferSource(t.model);
			const [classifier, other, digits] = await Promise.all([
				runtime.classifier(t.model),
				runtime.classifier(transferFrom),
				runtime.digits('test')
			]);
			const t0 = performance.now();
			const report = await runtime.timed(`honest checks, ${t.model}`, () =>
				honestChecks(classifier, digits, {
					claim: { attacks, adaptive: t.defence !== 'none' && t.adaptive },
					defence: t.defence,
					transferFrom: { id: transferFrom, classifier: other },
					limit: CHECK_DIGITS,
					seed: p.seed,
					signal: ctx.signal,
					onProgress: (done, total, stage) => {
						ctx.progress(done / total);
						ctx.status(stage);
					}
				})
			);
			if (!ctx.current) return;
			const ms = performance.now() - t0;
			this.report = {
				...report,
				target: t,
				claimLabel:
					attacks.map(attackLabelOf).join(' + ') +
					(t.defence === 'none'
						? ''
						: `, against ${DEFENCES[t.defence].label} (${t.adaptive ? 'attacked through it' : 'attacker ignores it'})`),
				transferFrom,
				ms
			};
			const failed = report.checks.filter((c) => !c.passed).length;
			ctx.status(
				`${report.checks.length - failed} of ${report.checks.length} checks passed, ${(ms / 1000).toFixed(1)} s`
			);
		});
	}
}

/**
 * The CLI run that reproduces the check (the CLI's claim is the curve's attack alone, on the
 * shipped three models), or null when the check goes beyond what the CLI runs.
 */
export function checksCli(p: AdversarialParams, target: CheckTarget): string | null {
	if (target.addPgd || target.adaptive || !(MODEL_IDS as readonly string[]).includes(target.model))
		return null;
	return cliOf(p, target.model as ModelId, {
		samples: CHECK_DIGITS,
		seed: p.seed,
		defence: target.defence === 'none' ? undefined : target.defence,
		checks: true
	});
}
