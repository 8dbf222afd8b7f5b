/**
 * The adversarial lab's batch experiments: robustness curves (accuracy against eps over many
 * held-out digits) for the three models and two input defences, and the transfer matrix. They run
 * as one exclusive job (progress, cancel); results are plain numbers, safe in reactive state.
 */
import { DEFENCES, defended, type DefenceId } from '$lib/ml/adversarial/defences';
import { MODEL_IDS, type ModelId } from '$lib/ml/models';
import {
	robustnessCurve,
	transferMatrix,
	type AttackSpec,
	type RobustnessPoint,
	type TransferMatrix
} from '$lib/ml/adversarial/robustness';
import { Job } from '$lib/labs/job.svelte';
import { cliCommand, robustnessRun, transferRun } from '$lib/labs/run-record';
import type { LabShelf } from '$lib/runs/shelf.svelte';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { stepSizeOf, URL_PARAMS, type AdversarialParams } from './settings';

export const CURVE_EPS = Array.from({ length: 21 }, (_, k) => +(k * 0.025).toFixed(3));
/** The transfer matrix attacks at most this many digits (three models each). */
export const TRANSFER_MAX_DIGITS = 1000;

export interface CurveSeries {
	id: string;
	label: string;
	model: ModelId;
	defence: DefenceId;
	points: RobustnessPoint[];
	ms: number;
}

export function attackSpecOf(p: AdversarialParams): AttackSpec {
	// Curves are untargeted: a targeted attack's success depends on the target chosen per digit.
	return p.attack === 'pgd'
		? {
				kind: 'pgd',
				steps: p.steps,
				stepSize: stepSizeOf(p),
				randomStart: p.randomStart,
				seed: p.seed
			}
		: { kind: 'fgsm' };
}

/** "FGSM", "PGD, 10 steps of 2.5 eps / steps", "BIM, 10 steps of 0.025". */
export function attackLabelOf(attack: AttackSpec): string {
	if (attack.kind === 'fgsm') return 'FGSM';
	const size = attack.stepSize === undefined ? '2.5 eps / steps' : String(attack.stepSize);
	return `${attack.randomStart ? 'PGD' : 'BIM'}, ${attack.steps} steps of ${size}`;
}

/**
 * The `npm run lab -- robustness` command for one model's curve at these settings; `extra`
 * overrides or adds options (the honest check's digits, seed, defence and --checks).
 */
export function cliOf(
	p: AdversarialParams,
	model: ModelId,
	extra: Record<string, string | number | boolean | undefined> = {}
): string {
	const pgd = p.attack === 'pgd';
	return cliCommand('robustness', {
		model,
		attack: pgd ? 'pgd' : 'fgsm',
		samples: p.samples,
		steps: pgd ? p.steps : undefined,
		'step-size': pgd && p.stepRule === 'fixed' ? p.stepSize : undefined,
		'random-start': pgd && p.randomStart,
		seed: pgd ? p.seed : undefined,
		...extra
	});
}

export class RobustnessRun {
	readonly job = new Job<'curves' | 'transfer'>({
		cancelled: 'cancelled; the finished curves stay'
	});
	series = $state.raw<CurveSeries[]>([]);
	attackLabel = $state('');
	samples = $state(0);
	transfer = $state.raw<(TransferMatrix & { eps: number; samples: number; attack: string }) | null>(
		null
	);

	/** where finished runs are kept (the page's run shelf) */
	readonly shelf: LabShelf | null;

	constructor(shelf: LabShelf | null = null) {
		this.shelf = shelf;
	}

	/** The settings a run takes, checked: a value out of range refuses the run with its message. */
	#settings(live: AdversarialParams): AdversarialParams {
		// The learner may keep moving the controls while this runs; the run keeps its settings.
		const p = $state.snapshot(live) as AdversarialParams;
		const bad = URL_PARAMS.invalid(p);
		if (bad.length) throw new Error(bad.map((b) => `${String(b.name)} ${b.message}`).join('; '));
		return p;
	}

	runCurves(live: AdversarialParams) {
		return this.job.run(
			'curves',
			async ({ signal, progress, status }) => {
				const p = this.#settings(live);
				const plan: { model: ModelId; defence: DefenceId }[] = [
					...MODEL_IDS.map((model) => ({ model, defence: 'none' as const })),
					{ model: p.model, defence: 'bit-depth-1' },
					{ model: p.model, defence: 'median-2' }
				];
				const attack = attackSpecOf(p);
				this.attackLabel = attackLabelOf(attack);
				this.samples = p.samples;
				const digits = await runtime.digits('test');
				const results: CurveSeries[] = [];
				this.series = [];
				for (const [k, item] of plan.entries()) {
					const classifier = await runtime.classifier(item.model);
					const label =
						item.defence === 'none'
							? item.model
							: `${item.model} + ${DEFENCES[item.defence].label}`;
					status(`${label} (${k + 1} of ${plan.length})`);
					const t0 = performance.now();
					const points = await runtime.timed(
						`${label}: ${p.samples} digits x ${CURVE_EPS.length} eps`,
						() =>
							robustnessCurve(classifier, digits, CURVE_EPS, {
								attack,
								evaluateOn:
									item.defence === 'none' ? classifier : defended(classifier, item.defence),
								limit: p.samples,
								signal,
								onProgress: (done, total) => progress((k + done / total) / plan.length)
							})
					);
					results.push({
						id: `${item.model}|${item.defence}`,
						label,
						...item,
						points,
						ms: performance.now() - t0
					});
					this.series = [...results];
				}
				if (this.shelf)
					await this.shelf.add(
						await robustnessRun({
							settings: p,
							model: p.model,
							seed: p.seed,
							attackLabel: this.attackLabel,
							samples: p.samples,
							cli: `${cliOf(p, p.model)} (and --model for each model, --defence bit-depth-1 and median-2)`,
							series: results
						})
					);
			},
			{ done: 'done' }
		);
	}

	runTransfer(live: AdversarialParams) {
		return this.job.run(
			'transfer',
			async ({ signal, progress, status }) => {
				const p = this.#settings(live);
				const attack = attackSpecOf(p);
				const samples = Math.min(p.samples, TRANSFER_MAX_DIGITS);
				const digits = await runtime.digits('test');
				const models = await Promise.all(
					MODEL_IDS.map(async (id) => ({ id, classifier: await runtime.classifier(id) }))
				);
				status(`examples at eps ${p.eps.toFixed(3)} from each model`);
				const matrix = await runtime.timed(`transfer matrix, ${samples} digits`, () =>
					transferMatrix(models, digits, p.eps, {
						attack,
						limit: samples,
						signal,
						onProgress: (done, total) => progress(done / total)
					})
				);
				this.transfer = { ...matrix, eps: p.eps, samples, attack: attackLabelOf(attack) };
				if (this.shelf)
					await this.shelf.add(
						await transferRun({
							settings: { ...p, samples },
							model: p.model,
							seed: p.seed,
							cli: `the lab page (the CLI has no transfer command yet); each row's attack is ${cliOf(p, p.model)} --eps ${p.eps}`,
							matrix: this.transfer
						})
					);
			},
			{ done: 'done' }
		);
	}

	destroy() {
		this.job.destroy();
	}
}
