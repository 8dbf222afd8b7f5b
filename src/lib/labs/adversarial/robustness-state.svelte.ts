/**
 * The adversarial lab's batch experiments: robustness curves (accuracy against eps over many
 * held-out digits) for the three models and two input defences, and the transfer matrix. Runs are
 * cancellable and report progress; results are plain numbers, safe to keep in reactive state.
 */
import { DEFENCES, defended, type DefenceId } from '$lib/ml/defences';
import { MODEL_IDS, type ModelId } from '$lib/ml/models';
import {
	robustnessCurve,
	transferMatrix,
	type AttackSpec,
	type RobustnessPoint,
	type TransferMatrix
} from '$lib/ml/robustness';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { normalizeParams, type AdversarialParams } from './params';

export const CURVE_EPS = Array.from({ length: 21 }, (_, k) => +(k * 0.025).toFixed(3));
export const SAMPLE_CHOICES = [100, 500, 1000, 2000] as const;

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
				stepSize: p.stepSize,
				randomStart: p.randomStart,
				seed: p.seed
			}
		: { kind: 'fgsm' };
}

export class RobustnessRun {
	samples = $state<number>(1000);
	running = $state<'curves' | 'transfer' | null>(null);
	progress = $state(0);
	status = $state('');
	error = $state<string | null>(null);
	series = $state.raw<CurveSeries[]>([]);
	attackLabel = $state('');
	transfer = $state.raw<(TransferMatrix & { eps: number; samples: number }) | null>(null);
	#controller: AbortController | null = null;

	cancel() {
		this.#controller?.abort();
	}

	async runCurves(live: AdversarialParams) {
		// The learner may keep moving the controls while this runs; the run keeps its settings.
		const p = normalizeParams($state.snapshot(live) as AdversarialParams);
		const plan: { model: ModelId; defence: DefenceId }[] = [
			...MODEL_IDS.map((model) => ({ model, defence: 'none' as const })),
			{ model: p.model, defence: 'bit-depth-1' },
			{ model: p.model, defence: 'median-2' }
		];
		const attack = attackSpecOf(p);
		this.attackLabel =
			attack.kind === 'pgd'
				? `${attack.randomStart ? 'PGD' : 'BIM'}, ${attack.steps} steps`
				: 'FGSM';
		await this.#guard('curves', async (signal) => {
			const digits = await runtime.digits('test');
			const results: CurveSeries[] = [];
			this.series = [];
			for (const [k, item] of plan.entries()) {
				const classifier = await runtime.classifier(item.model);
				const label =
					item.defence === 'none' ? item.model : `${item.model} + ${DEFENCES[item.defence].label}`;
				this.status = `${label} (${k + 1} of ${plan.length})`;
				const t0 = performance.now();
				const points = await runtime.timed(
					`${label}: ${this.samples} digits x ${CURVE_EPS.length} eps`,
					() =>
						robustnessCurve(classifier, digits, CURVE_EPS, {
							attack,
							evaluateOn: item.defence === 'none' ? classifier : defended(classifier, item.defence),
							limit: this.samples,
							signal,
							onProgress: (done, total) => (this.progress = (k + done / total) / plan.length)
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
		});
	}

	async runTransfer(live: AdversarialParams) {
		const p = normalizeParams($state.snapshot(live) as AdversarialParams);
		const attack = attackSpecOf(p);
		const samples = Math.min(this.samples, 1000);
		await this.#guard('transfer', async (signal) => {
			const digits = await runtime.digits('test');
			const models = await Promise.all(
				MODEL_IDS.map(async (id) => ({ id, classifier: await runtime.classifier(id) }))
			);
			this.status = `examples at eps ${p.eps.toFixed(3)} from each model`;
			const matrix = await runtime.timed(`transfer matrix, ${samples} digits`, () =>
				transferMatrix(models, digits, p.eps, {
					attack,
					limit: samples,
					signal,
					onProgress: (done, total) => (this.progress = done / total)
				})
			);
			this.transfer = { ...matrix, eps: p.eps, samples };
		});
	}

	async #guard(kind: 'curves' | 'transfer', work: (signal: AbortSignal) => Promise<void>) {
		if (this.running) return;
		this.#controller = new AbortController();
		this.running = kind;
		this.progress = 0;
		this.error = null;
		try {
			await work(this.#controller.signal);
			this.status = 'done';
		} catch (err) {
			if ((err as Error).name === 'AbortError') this.status = 'cancelled; the finished curves stay';
			else this.error = (err as Error).message;
		} finally {
			this.running = null;
			this.#controller = null;
		}
	}
}
