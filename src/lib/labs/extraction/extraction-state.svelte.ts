/**
 * The extraction lab's state: the victim behind its API, the attacks run against it and what
 * they stole. Reactive fields hold plain numbers and chart series only; the victim (with its
 * sealed predictor) and the last surrogate (tfjs variables) live in private fields, and the
 * surrogate is disposed by destroy().
 */
import { FRAUD_FEATURES } from '$lib/data/fraud';
import {
	evenCheckpoints,
	fidelityCurve,
	formatOutputMode,
	majorityAgreement,
	STRATEGY_LABELS,
	type FidelityPoint,
	type Strategy
} from '$lib/ml/extraction/learning';
import { PradaMonitor, pradaFalseAlarmRate } from '$lib/ml/extraction/prada';
import {
	attackProblem,
	PRADA_MIN_DISTANCES,
	pradaOptions,
	runEquation
} from '$lib/ml/extraction/run';
import { disposeSurrogate, type Surrogate } from '$lib/ml/extraction/surrogate';
import { transferCurve, type TransferPoint } from '$lib/ml/extraction/transfer';
import type { OutputMode, PredictionApi } from '$lib/ml/extraction/victim-api';
import {
	cnnVictim,
	trainFraudVictim,
	victimLabelsFor,
	VICTIM_LABELS,
	type Victim
} from '$lib/ml/extraction/victims';
import { yieldToEventLoop } from '$lib/ml/yield';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { DEFAULTS, normalizeParams, outputModeOf, type ExtractionParams } from './params';

/** Curve points per run: 10, as the bench measures. */
export const CURVE_POINTS = 10;
/** PRADA's test starts after this many distances. */
export const PRADA_MIN = PRADA_MIN_DISTANCES;

export interface FidelitySeries {
	id: string;
	label: string;
	strategy: Strategy;
	output: string;
	points: FidelityPoint[];
	/** query number of PRADA's first alarm on this client's queries, or null */
	alarmAt: number | null;
	ms: number;
}

export interface EquationRow {
	feature: string;
	truth: number;
	recovered: number;
}

export class ExtractionLab {
	params = $state<ExtractionParams>({ ...DEFAULTS });
	victimStatus = $state<'idle' | 'training' | 'ready' | 'error'>('idle');
	victimAccuracy = $state<number | null>(null);
	heldOut = $state(0);
	/** share of held-out inputs where the victim gives its majority answer */
	majority = $state<number | null>(null);
	running = $state<string | null>(null);
	progress = $state(0);
	status = $state('');
	error = $state<string | null>(null);
	/** queries answered and billed by the current run's API */
	queries = $state(0);
	cost = $state(0);
	series = $state.raw<FidelitySeries[]>([]);
	equation = $state.raw<{
		rows: EquationRow[];
		bias: [number, number];
		maxParamError: number;
		agreement: number;
		queries: number;
		output: string;
	} | null>(null);
	benign = $state.raw<{
		rate: number;
		alarmed: number;
		clients: number;
		queries: number;
		delta: number;
	} | null>(null);
	transfer = $state.raw<{ points: TransferPoint[]; attacked: number; from: string } | null>(null);
	#victim: Victim | null = null;
	#victimKey = '';
	#surrogate: { model: Surrogate; label: string } | null = null;
	#controller: AbortController | null = null;

	get victimLabel(): string {
		return VICTIM_LABELS[this.params.victim];
	}

	/** The victim for the current parameters, trained (fraud) or loaded (mnist-cnn) once. */
	async #ensureVictim(p: ExtractionParams, signal: AbortSignal): Promise<Victim> {
		const key = `${p.victim}|${p.victim === 'mnist-cnn' ? 0 : p.seed}|${runtime.generation}`;
		if (this.#victim && this.#victimKey === key) return this.#victim;
		this.victimStatus = 'training';
		this.status =
			p.victim === 'mnist-cnn' ? 'loading mnist-cnn' : `training the ${VICTIM_LABELS[p.victim]}`;
		try {
			let victim: Victim;
			if (p.victim === 'mnist-cnn') {
				const [classifier, train, test] = await Promise.all([
					runtime.classifier('mnist-cnn'),
					runtime.digits('train'),
					runtime.digits('test')
				]);
				victim = cnnVictim(classifier, train, test);
			} else {
				victim = await trainFraudVictim(p.victim, {
					seed: p.seed,
					signal,
					onProgress: (done, total) => (this.progress = done / total)
				});
			}
			this.#victim = victim;
			this.#victimKey = key;
			this.victimAccuracy = victim.accuracy;
			this.heldOut = victim.heldOut.count;
			this.majority = majorityAgreement(victim);
			this.benign = null;
			this.victimStatus = 'ready';
			return victim;
		} catch (err) {
			this.victimStatus = 'error';
			throw err;
		}
	}

	/** Loads or trains the victim for the current parameters, ahead of any attack. */
	prepare() {
		return this.#guard('victim', async (signal) => {
			await this.#ensureVictim(
				normalizeParams($state.snapshot(this.params) as ExtractionParams),
				signal
			);
		});
	}

	#api(victim: Victim, p: ExtractionParams, mode: OutputMode): PredictionApi {
		return victim.api({
			outputMode: mode,
			budget: p.budget,
			costPerQuery: p.cost,
			rateLimit: p.rate > 0 ? { perSecond: p.rate } : undefined
		});
	}

	runEquation() {
		const p = normalizeParams($state.snapshot(this.params) as ExtractionParams);
		return this.#guard('equation', async (signal) => {
			const mode = outputModeOf(p);
			const problem = attackProblem('equation', p.victim, mode, p.budget);
			if (problem) throw new Error(problem);
			const victim = await this.#ensureVictim(p, signal);
			const api = this.#api(victim, p, mode);
			const r = await runtime.timed('equation solving', () => runEquation(victim, api, p.seed));
			this.queries = api.queries;
			this.cost = api.cost;
			this.equation = {
				rows: FRAUD_FEATURES.map((f, j) => ({
					feature: f.label,
					truth: r.truth.weights[j],
					recovered: r.recovered.weights[j]
				})),
				bias: [r.truth.bias, r.recovered.bias],
				maxParamError: r.maxParamError,
				agreement: r.agreement,
				queries: r.queries,
				output: formatOutputMode(mode)
			};
		});
	}

	/** One learning attack; `mode` defaults to the API's current output mode. */
	runCurve(strategy: Strategy, mode?: OutputMode) {
		const p = normalizeParams($state.snapshot(this.params) as ExtractionParams);
		return this.#guard(strategy, (signal) =>
			this.#curve(p, strategy, mode ?? outputModeOf(p), signal)
		);
	}

	/** The current strategy against full, rounded and label-only answers, one after another. */
	compareOutputs() {
		const p = normalizeParams($state.snapshot(this.params) as ExtractionParams);
		const modes: OutputMode[] = [
			{ kind: 'probs' },
			{ kind: 'round', decimals: p.decimals },
			{ kind: 'label' }
		];
		return this.#guard('compare', async (signal) => {
			for (const mode of modes) await this.#curve(p, p.strategy, mode, signal);
		});
	}

	async #curve(p: ExtractionParams, strategy: Strategy, mode: OutputMode, signal: AbortSignal) {
		const victim = await this.#ensureVictim(p, signal);
		const api = this.#api(victim, p, mode);
		const output = formatOutputMode(mode);
		const id = `${p.victim}|${strategy}|${output}`;
		const label = `${STRATEGY_LABELS[strategy]}, ${output}`;
		this.queries = 0;
		this.cost = 0;
		this.status = `${label}: querying`;
		const points: FidelityPoint[] = [];
		const started = performance.now();
		const publish = (alarmAt: number | null, ms: number) => {
			const entry: FidelitySeries = {
				id,
				label,
				strategy,
				output,
				points: [...points],
				alarmAt,
				ms
			};
			this.series = [...this.series.filter((s) => s.id !== id), entry];
		};
		const result = await runtime.timed(`${label}: ${p.budget} queries`, () =>
			fidelityCurve(victim, api, strategy, {
				checkpoints: evenCheckpoints(p.budget, CURVE_POINTS),
				seed: p.seed,
				signal,
				onProgress: (sent, total) => {
					this.queries = api.queries;
					this.cost = api.cost;
					this.progress = sent / total;
				},
				onPoint: (point) => {
					points.push(point);
					this.queries = api.queries;
					this.cost = api.cost;
					publish(null, performance.now() - started);
				}
			})
		);
		const ms = performance.now() - started;
		if (this.#surrogate) disposeSurrogate(this.#surrogate.model);
		this.#surrogate = { model: result.surrogate, label };
		this.status = `${label}: PRADA is reading the queries`;
		const alarmAt = await this.#prada(victim, p.delta, result.queried, result.answered);
		publish(alarmAt, ms);
		await this.#benign(victim, p.delta);
		this.status = `${label}: done in ${(ms / 1000).toFixed(2)} s`;
	}

	/** Runs PRADA over one client's queries in chunks, so the page keeps painting. */
	async #prada(victim: Victim, delta: number, queried: Float64Array, answered: Uint8Array) {
		const d = victim.dims;
		const monitor = new PradaMonitor(d, pradaOptions(victim, delta));
		const n = answered.length;
		for (let start = 0; start < n; start += 100) {
			const end = Math.min(n, start + 100);
			monitor.observeAll(queried.subarray(start * d, end * d), answered.subarray(start, end));
			await yieldToEventLoop();
		}
		return monitor.alarmAt;
	}

	/** PRADA's false alarms on benign clients at this delta (computed once per victim and delta). */
	async #benign(victim: Victim, delta: number) {
		if (this.benign?.delta === delta) return;
		await yieldToEventLoop();
		const clients = victim.tabular ? 20 : 5;
		const r = pradaFalseAlarmRate(
			victim.dims,
			victim.benign,
			(rows) => victimLabelsFor(victim, rows),
			{
				...pradaOptions(victim, delta),
				clients,
				queries: 300
			}
		);
		this.benign = { ...r, delta };
	}

	runTransfer() {
		return this.#guard('transfer', async (signal) => {
			const victim = this.#victim;
			const stolen = this.#surrogate;
			if (!victim || !stolen)
				throw new Error('run a learning attack first: transfer needs a stolen copy');
			this.status = `FGSM on the stolen copy (${stolen.label})`;
			const r = await runtime.timed('transfer', () =>
				transferCurve(victim, stolen.model, { signal })
			);
			this.transfer = { ...r, from: stolen.label };
		});
	}

	clear() {
		this.series = [];
		this.transfer = null;
		this.equation = null;
	}

	cancel() {
		this.#controller?.abort();
	}

	async #guard(kind: string, work: (signal: AbortSignal) => Promise<void>) {
		if (this.running) return;
		this.#controller = new AbortController();
		this.running = kind;
		this.progress = 0;
		this.error = null;
		try {
			await work(this.#controller.signal);
			if (kind === 'victim') this.status = 'victim ready';
		} catch (err) {
			if ((err as Error).name === 'AbortError') this.status = 'cancelled; finished points stay';
			else this.error = (err as Error).message;
		} finally {
			this.running = null;
			this.#controller = null;
			await yieldToEventLoop();
		}
	}

	destroy() {
		this.cancel();
		if (this.#surrogate) disposeSurrogate(this.#surrogate.model);
		this.#surrogate = null;
		this.#victim = null;
	}
}
