/**
 * An honest robustness check: the sanity tests of the "obfuscated gradients" literature, run
 * against the evaluation behind a robustness curve (Athalye, Carlini, Wagner 2018, "Obfuscated
 * Gradients Give a False Sense of Security"; Carlini et al. 2019, "On Evaluating Adversarial
 * Robustness", section 5 and its checklist).
 *
 * The *claim* is the accuracy the curve shows: for each eps, the share of digits that survive
 * every attack of the evaluation (a digit counts as robust only if no attack in it wins, the
 * per-example worst case). The checks then ask whether that number would survive a stronger or
 * different attacker:
 * - monotone: accuracy never rises as eps grows (a larger ball contains every smaller one);
 * - unbounded: at eps 0.5 every image can be moved to the same flat grey image, so accuracy
 *   can be no higher than the largest class share;
 * - iterative: PGD finds at least as many adversarial examples as one FGSM step;
 * - convergence: four times the steps and random restarts lower the claim only a little;
 * - transfer: examples crafted on another model (a black-box attacker) do no better than the
 *   white-box evaluation;
 * - adaptive (input defences): attacking through the defence, with BPDA where its gradient is
 *   zero (defences.ts), does no better than the attacker who ignores it.
 *
 * Every check is computed on the same digits, so differences are not sampling noise; the
 * tolerance allows a point or two for the random starts.
 */
import type { DigitSet } from '../../data/mnist';
import type { Classifier } from '../classifier';
import { defended, DEFENCES, type DefenceId } from './defences';
import { robustnessCurve, type AttackSpec, type RobustnessPoint } from './robustness';
import { throwIfAborted } from '../yield';
import type { ModelId } from '../model-ids';

export const CHECK_IDS = [
	'monotone',
	'unbounded',
	'iterative',
	'convergence',
	'transfer',
	'adaptive'
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** The eps grid of the checks (pixel units), coarser than the lab's curve to keep them quick. */
export const CHECK_EPS = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5] as const;
/** Where every image can reach the same flat grey image: accuracy must fall to a class share. */
export const UNBOUNDED_EPS = 0.5;

/**
 * The model a transfer check crafts on by default: the FGSM-trained CNN for the plain CNN (the
 * two differ most), the plain CNN for every other model.
 */
export function defaultTransferSource(model: string): ModelId {
	return model === 'mnist-cnn' ? 'mnist-cnn-adv' : 'mnist-cnn';
}

/** The evaluation a robustness curve reports. */
export interface Claim {
	/** the attacks whose per-digit worst case is the claimed accuracy */
	attacks: AttackSpec[];
	/**
	 * With a defence: craft on the defended model (BPDA through rounding) instead of on the bare
	 * classifier (the oblivious attacker, the lab's default).
	 */
	adaptive?: boolean;
}

export interface CheckOptions {
	claim: Claim;
	/** an input defence in front of the classifier; default none */
	defence?: DefenceId;
	/** another model, for the transfer check; without it that check is not run */
	transferFrom?: { id: string; classifier: Classifier };
	/** the eps grid; CHECK_EPS by default; UNBOUNDED_EPS is always added */
	epsValues?: number[];
	/** where the convergence check runs its long attack; default 0.1 */
	referenceEps?: number;
	/** the first `limit` digits of the set; default 200 */
	limit?: number;
	/** seeds the checker's PGD random starts; default 0 */
	seed?: number;
	/** run only these checks (the curves they need are computed, no others) */
	only?: CheckId[];
	signal?: AbortSignal;
	/** attacked examples so far and in all, with the stage being run */
	onProgress?: (done: number, total: number, stage: string) => void;
}

export interface HonestCheck {
	id: CheckId;
	name: string;
	passed: boolean;
	/** the numbers, and on failure what the failure means */
	detail: string;
}

export interface HonestReport {
	epsValues: number[];
	samples: number;
	/** the claim's accuracy at each eps (per-digit worst case over its attacks) */
	claimed: { eps: number; accuracy: number }[];
	/** largest share of one class among the digits: the ceiling at UNBOUNDED_EPS */
	classShareCeiling: number;
	/** accuracy points a stronger attack may take off before a check fails */
	tolerance: number;
	checks: HonestCheck[];
}

export const CHECK_NAMES: Record<CheckId, string> = {
	monotone: 'Accuracy falls as eps grows',
	unbounded: `Accuracy reaches a class share at eps ${UNBOUNDED_EPS}`,
	iterative: 'PGD beats FGSM',
	convergence: 'More steps and restarts do not help much',
	transfer: 'Black-box transfer is not stronger than white-box',
	adaptive: 'Attacking through the defence is not stronger than ignoring it'
};

/** The checker's own iterative attack: Madry et al.'s PGD, 10 steps of 2.5 eps / 10. */
const CHECK_PGD_STEPS = 10;
/** The long attack of the convergence check: 4x the steps, this many random starts. */
const LONG_STEPS_FACTOR = 4;
const LONG_RESTARTS = 3;

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const pts = (x: number) => `${(100 * x).toFixed(1)} points`;

function attackLabel(a: AttackSpec): string {
	if (a.kind === 'fgsm') return 'FGSM';
	return `${a.randomStart ? 'PGD' : 'BIM'}-${a.steps}`;
}

/** Per-digit AND of survival vectors: a digit survives only if it survives every attack. */
function survivesAll(vectors: Uint8Array[], n: number): Uint8Array {
	const out = new Uint8Array(n).fill(1);
	for (const v of vectors) for (let i = 0; i < n; i++) out[i] &= v[i];
	return out;
}

function share(v: Uint8Array): number {
	let s = 0;
	for (const b of v) s += b;
	return v.length ? s / v.length : 0;
}

function checkOptions(opts: CheckOptions, data: DigitSet) {
	if (opts.claim.attacks.length === 0)
		throw new Error('robustness checks: the claim needs at least one attack');
	const eps = opts.epsValues ?? [...CHECK_EPS];
	for (const e of eps)
		if (!(e >= 0) || !Number.isFinite(e))
			throw new Error(`robustness checks: every eps must be a number >= 0, got ${e}`);
	const referenceEps = opts.referenceEps ?? 0.1;
	if (!(referenceEps > 0) || !Number.isFinite(referenceEps))
		throw new Error(`robustness checks: referenceEps must be a number > 0, got ${referenceEps}`);
	const limit = opts.limit ?? 200;
	if (!Number.isInteger(limit) || limit < 1)
		throw new Error(`robustness checks: limit must be a whole number >= 1, got ${limit}`);
	if (opts.defence && !DEFENCES[opts.defence])
		throw new Error(`robustness checks: unknown defence "${opts.defence}"`);
	const grid = [...new Set([...eps, referenceEps, UNBOUNDED_EPS])].sort((a, b) => a - b);
	return { grid, referenceEps, samples: Math.min(limit, data.count) };
}

/**
 * Runs the checks against `classifier` (behind `opts.defence`, if any) on the first `limit`
 * digits of `data`. Examples are always scored on the defended model; the claim's attacks are
 * crafted on the bare classifier unless the claim is adaptive.
 */
export async function honestChecks(
	classifier: Classifier,
	data: DigitSet,
	opts: CheckOptions
): Promise<HonestReport> {
	const { grid, referenceEps, samples } = checkOptions(opts, data);
	const seed = opts.seed ?? 0;
	const defence = opts.defence ?? 'none';
	const target = defence === 'none' ? classifier : defended(classifier, defence);
	const claimSource = opts.claim.adaptive ? target : classifier;
	const wanted = new Set<CheckId>(opts.only ?? CHECK_IDS);
	if (defence === 'none' || opts.claim.adaptive) wanted.delete('adaptive');
	if (!opts.transferFrom) wanted.delete('transfer');
	const checkPgd: AttackSpec = { kind: 'pgd', steps: CHECK_PGD_STEPS, randomStart: true, seed };

	// The work, as (name, source, attack, eps) curves; counted up front for one progress bar.
	interface Job {
		key: string;
		stage: string;
		source: Classifier;
		attack: AttackSpec;
		eps: number[];
	}
	const jobs: Job[] = [];
	const add = (
		key: string,
		stage: string,
		source: Classifier,
		attack: AttackSpec,
		eps: number[]
	) => {
		if (!jobs.some((j) => j.key === key)) jobs.push({ key, stage, source, attack, eps });
		return key;
	};
	const claimKeys = opts.claim.attacks.map((a) =>
		add(`claim:${JSON.stringify(a)}`, `the evaluation's ${attackLabel(a)}`, claimSource, a, grid)
	);
	const fgsmKey = wanted.has('iterative')
		? add(`claim:${JSON.stringify({ kind: 'fgsm' })}`, 'FGSM', claimSource, { kind: 'fgsm' }, grid)
		: '';
	const pgdKey = wanted.has('iterative')
		? add(`claim:${JSON.stringify(checkPgd)}`, 'PGD-10', claimSource, checkPgd, grid)
		: '';
	const longKeys = wanted.has('convergence')
		? Array.from({ length: LONG_RESTARTS }, (_, r) =>
				add(
					`long:${r}`,
					`PGD-${CHECK_PGD_STEPS * LONG_STEPS_FACTOR}, restart ${r + 1} of ${LONG_RESTARTS}`,
					claimSource,
					{
						kind: 'pgd',
						steps: CHECK_PGD_STEPS * LONG_STEPS_FACTOR,
						randomStart: true,
						seed: seed + 1 + r
					},
					[referenceEps]
				)
			)
		: [];
	const transferKey =
		wanted.has('transfer') && opts.transferFrom
			? add(
					'transfer',
					`PGD-10 transferred from ${opts.transferFrom.id}`,
					opts.transferFrom.classifier,
					checkPgd,
					grid
				)
			: '';
	const adaptiveKey = wanted.has('adaptive')
		? add('adaptive', `PGD-10 through the defence (BPDA)`, target, checkPgd, grid)
		: '';

	const cost = (j: Job) =>
		j.eps.filter((e) => e > 0).length * (j.attack.kind === 'fgsm' ? 1 : j.attack.steps) + 1;
	const total = jobs.reduce((s, j) => s + cost(j) * samples, 0);
	let done = 0;
	const curves = new Map<string, RobustnessPoint[]>();
	for (const job of jobs) {
		throwIfAborted(opts.signal);
		const before = done;
		const scale = cost(job) / job.eps.length;
		curves.set(
			job.key,
			await robustnessCurve(job.source, data, job.eps, {
				attack: job.attack,
				evaluateOn: target,
				limit: samples,
				keepCorrect: true,
				signal: opts.signal,
				onProgress: (d) => opts.onProgress?.(before + Math.round(d * scale), total, job.stage)
			})
		);
		done = before + cost(job) * samples;
		opts.onProgress?.(done, total, job.stage);
	}

	const survival = (key: string, eps: number) => {
		const point = curves.get(key)!.find((p) => p.eps === eps)!;
		return point.correct!;
	};
	const claimAt = (eps: number) =>
		survivesAll(
			claimKeys.map((k) => survival(k, eps)),
			samples
		);
	const claimed = grid.map((eps) => ({ eps, accuracy: share(claimAt(eps)) }));
	const acc = (eps: number) => claimed.find((p) => p.eps === eps)!.accuracy;
	// Two digits or one point, whichever is larger: random starts move a few digits either way.
	const tolerance = Math.max(0.01, 2 / samples);
	const counts = new Array(10).fill(0);
	for (let i = 0; i < samples; i++) counts[data.labels[i]]++;
	const classShareCeiling = Math.max(...counts) / samples;
	const claimName = opts.claim.attacks.map(attackLabel).join(' + ');

	const checks: HonestCheck[] = [];
	const push = (id: CheckId, passed: boolean, detail: string) =>
		checks.push({ id, name: CHECK_NAMES[id], passed, detail });

	if (wanted.has('monotone')) {
		let worst = { rise: 0, from: 0, to: 0 };
		for (let i = 0; i < claimed.length; i++)
			for (let j = i + 1; j < claimed.length; j++) {
				const rise = claimed[j].accuracy - claimed[i].accuracy;
				if (rise > worst.rise) worst = { rise, from: claimed[i].eps, to: claimed[j].eps };
			}
		push(
			'monotone',
			worst.rise <= tolerance,
			worst.rise <= tolerance
				? `${claimName}: from ${pct(claimed[0].accuracy)} at eps ${claimed[0].eps} to ${pct(claimed[claimed.length - 1].accuracy)} ` +
						`at eps ${claimed[claimed.length - 1].eps}, never rising by more than ${pts(tolerance)} as eps grows.`
				: `${claimName}: accuracy at eps ${worst.to} (${pct(acc(worst.to))}) is higher than at eps ${worst.from} ` +
						`(${pct(acc(worst.from))}). Every perturbation allowed at ${worst.from} is allowed at ${worst.to}, so a ` +
						'working attack cannot do worse there: its gradients are masked, and the curve overstates robustness.'
		);
	}
	if (wanted.has('unbounded')) {
		const a = acc(UNBOUNDED_EPS);
		const ok = a <= classShareCeiling + tolerance;
		push(
			'unbounded',
			ok,
			`${claimName}: ${pct(a)} at eps ${UNBOUNDED_EPS}; the ceiling is ${pct(classShareCeiling)}, the largest class share. ` +
				(ok
					? 'The attack reaches what any attacker can.'
					: 'At this eps every digit can be moved to the same flat grey image, so no model keeps more than one ' +
						'class right: the attack is failing, not the model resisting.')
		);
	}
	if (wanted.has('iterative')) {
		let worst = { gap: -Infinity, eps: 0, fgsm: 0, pgd: 0 };
		for (const eps of grid) {
			if (eps === 0) continue;
			const f = share(survival(fgsmKey, eps));
			const p = share(survival(pgdKey, eps));
			if (p - f > worst.gap) worst = { gap: p - f, eps, fgsm: f, pgd: p };
		}
		const ok = worst.gap <= tolerance;
		const singleStep = opts.claim.attacks.every((a) => a.kind === 'fgsm');
		const pgdGap = Math.max(
			...grid.map(
				(eps) => acc(eps) - share(survivesAll([claimAt(eps), survival(pgdKey, eps)], samples))
			)
		);
		const oblivious = defence !== 'none' && !opts.claim.adaptive;
		push(
			'iterative',
			ok,
			ok
				? `PGD-10 is at or below FGSM at every eps (closest at eps ${worst.eps}: PGD ${pct(worst.pgd)}, FGSM ${pct(worst.fgsm)}).` +
						(singleStep && pgdGap > tolerance
							? ` But the evaluation behind the curve is one FGSM step: PGD-10 takes up to ${pts(pgdGap)} off it, so the curve is an upper bound.`
							: '')
				: `At eps ${worst.eps} PGD-10 leaves ${pct(worst.pgd)} and one FGSM step ${pct(worst.fgsm)}. ` +
						(oblivious
							? `Both were crafted on the bare model: PGD's examples, tuned to it, are undone by ${DEFENCES[defence].label} ` +
								"more often than FGSM's full-size step, so neither is a worst case against the defended model; " +
								'only an attack through the defence measures it (the adaptive check).'
							: 'Ten steps from a random start should find everything one step finds: the loss surface is masking ' +
								'its gradients locally.')
		);
	}
	if (wanted.has('convergence')) {
		const before = acc(referenceEps);
		const after = share(
			survivesAll(
				[claimAt(referenceEps), ...longKeys.map((k) => survival(k, referenceEps))],
				samples
			)
		);
		const drop = before - after;
		const ok = drop <= Math.max(tolerance, 0.02);
		push(
			'convergence',
			ok,
			`At eps ${referenceEps}: ${claimName} ${pct(before)}; adding PGD-${CHECK_PGD_STEPS * LONG_STEPS_FACTOR} from ` +
				`${LONG_RESTARTS} random starts ${pct(after)} (${pts(drop)} lower). ` +
				(ok
					? 'The evaluation has converged.'
					: drop <= 0.1
						? 'A longer attack finds more adversarial examples: the evaluation has not quite converged, and ' +
							'the curve is a few points optimistic; report the stronger attack.'
						: 'A longer attack finds many more adversarial examples: the evaluation had not converged, and ' +
							'the curve is an upper bound far above the truth.')
		);
	}
	if (wanted.has('transfer') && opts.transferFrom) {
		let worst = { gap: -Infinity, eps: 0, transfer: 0, white: 0 };
		for (const eps of grid) {
			if (eps === 0) continue;
			const t = share(survival(transferKey, eps));
			const w = acc(eps);
			if (w - t > worst.gap) worst = { gap: w - t, eps, transfer: t, white: w };
		}
		const ok = worst.gap <= tolerance;
		push(
			'transfer',
			ok,
			ok
				? `PGD-10 crafted on ${opts.transferFrom.id} never does better than ${claimName} on this model by more than ${pts(tolerance)} ` +
						`(closest at eps ${worst.eps}: transfer ${pct(worst.transfer)}, white-box ${pct(worst.white)}).`
				: `At eps ${worst.eps} examples crafted on ${opts.transferFrom.id}, which never saw this model, leave ` +
						`${pct(worst.transfer)} against ${pct(worst.white)} for ${claimName} with this model's own gradients. ` +
						'A black-box attacker beating the white-box one means the white-box gradients are masked.'
		);
	}
	if (wanted.has('adaptive')) {
		let worst = { gap: -Infinity, eps: 0, adaptive: 0, oblivious: 0 };
		for (const eps of grid) {
			if (eps === 0) continue;
			const a = share(survivesAll([claimAt(eps), survival(adaptiveKey, eps)], samples));
			const o = acc(eps);
			if (o - a > worst.gap) worst = { gap: o - a, eps, adaptive: a, oblivious: o };
		}
		const ok = worst.gap <= tolerance;
		const bpda = DEFENCES[defence].gradient === 'straight-through' ? ' with BPDA' : '';
		push(
			'adaptive',
			ok,
			ok
				? `PGD-10 through ${DEFENCES[defence].label}${bpda} never lowers the claim by more than ${pts(tolerance)} ` +
						`(most at eps ${worst.eps}: ${pct(worst.oblivious)} to ${pct(worst.adaptive)}).`
				: `At eps ${worst.eps}: ${pct(worst.oblivious)} against the attacker who ignores ${DEFENCES[defence].label}, ` +
						`${pct(worst.adaptive)} once PGD-10 attacks through it${bpda}. The defence's numbers hold only ` +
						'against an attacker who does not know it is there.'
		);
	}
	return { epsValues: grid, samples, claimed, classShareCeiling, tolerance, checks };
}
