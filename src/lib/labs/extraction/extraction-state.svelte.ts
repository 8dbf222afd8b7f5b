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
import {
	AUDIT_SAMPLE,
	auditExplanations,
	compareGradientLearning,
	compareRecovery,
	comparisonCheckpoints,
	explanationAttackProblem,
	explanationsProblem,
	headlineSaving,
	type FeatureReliance,
	type Saving
} from '$lib/ml/extraction/explanations';
import { pradaAlarmAt, pradaFalseAlarmRate } from '$lib/ml/extraction/prada';
import {
	attackProblem,
	PRADA_MIN_DISTANCES,
	pradaOptions,
	runEquation
} from '$lib/ml/extraction/run';
import { disposeSurrogate, type Surrogate } from '$lib/ml/extraction/surrogate';
import { transferCurve, type TransferPoint } from '$lib/ml/extraction/transfer';
import type {
	OutputMode,
	PredictionApi,
	PredictionApiOptions
} from '$lib/ml/extraction/victim-api';
import {
	cnnVictim,
	trainFraudVictim,
	victimLabelsFor,
	VICTIM_LABELS,
	type Victim,
	type VictimId
} from '$lib/ml/extraction/victims';
import { cliCommand, fidelityRun } from '$lib/labs/run-record';
import type { LabShelf } from '$lib/runs/shelf.svelte';
import { Job, type JobContext } from '$lib/labs/job.svelte';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { DEFAULTS, outputModeOf, outputText, URL_PARAMS, type ExtractionParams } from './settings';

/** Curve points per run: 10, as the bench measures. */
export const CURVE_POINTS = 10;
/** PRADA's test starts after this many distances. */
export const PRADA_MIN = PRADA_MIN_DISTANCES;

export interface FidelitySeries {
	id: string;
	/** names the victim, the strategy and the output mode */
	label: string;
	victim: VictimId;
	/** agreement of a copy that always gives the victim's majority answer */
	majority: number;
	strategy: Strategy;
	output: string;
	points: FidelityPoint[];
	/** query number of PRADA's first alarm on this client's queries, or null */
	alarmAt: number | null;
	ms: number;
}

/** The one-query recovery of the logistic regression beside equation solving. */
export interface RecoveryResult {
	victim: VictimId;
	output: string;
	queries: number;
	maxParamError: number;
	maxRelativeError: number;
	agreement: number;
	/** equation solving on the same settings; null when the budget is below its d + 1 */
	equationQueries: number | null;
	equationMaxParamError: number | null;
	equationProblem: string | null;
}

/** A learning attack with and without fitting the explained gradients. */
export interface GradientCurves {
	victim: VictimId;
	strategy: Strategy;
	output: string;
	gradientWeight: number;
	with: FidelityPoint[];
	without: FidelityPoint[];
	/** once both runs are done */
	saving: Saving | null;
	ms: number;
}

/** The auditor's reading of the explanations over ordinary transactions. */
export interface AuditResult {
	victim: VictimId;
	sample: number;
	features: FeatureReliance[];
}

export interface EquationRow {
	feature: string;
	truth: number;
	recovered: number;
}

export class ExtractionLab {
	/** where finished attacks are kept (the page's run shelf) */
	readonly shelf: LabShelf | null;
	constructor(shelf: LabShelf | null = null) {
		this.shelf = shelf;
	}

	params = $state<ExtractionParams>({ ...DEFAULTS });
	victimStatus = $state<'idle' | 'training' | 'ready' | 'error'>('idle');
	victimAccuracy = $state<number | null>(null);
	heldOut = $state(0);
	/** share of held-out inputs where the victim gives its majority answer */
	majority = $state<number | null>(null);
	/** the attacks, one at a time */
	readonly job = new Job<string>({ cancelled: 'cancelled; finished points stay' });
	/** training or loading the victim ahead of any attack (its status is the API panel's) */
	readonly victimJob = new Job<'victim'>();
	/** true while either job runs: the controls wait */
	get busy(): boolean {
		return this.job.running !== null || this.victimJob.running !== null;
	}
	/** settings out of range: shown beside their fields; every attack waits for them */
	problems = $derived(URL_PARAMS.invalid(this.params));
	/** settings that are each in range but do not go together: beside the field they name */
	crossProblems = $derived.by(() => {
		const unexplained = this.params.explanations ? explanationsProblem(this.params.victim) : null;
		return unexplained ? [{ name: 'explanations' as const, message: unexplained }] : [];
	});
	/** true while any setting is refused: the attacks wait */
	get blocked(): boolean {
		return this.problems.length > 0 || this.crossProblems.length > 0;
	}
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
		victim: VictimId;
	} | null>(null);
	benign = $state.raw<{
		rate: number;
		alarmed: number;
		clients: number;
		queries: number;
		delta: number;
	} | null>(null);
	transfer = $state.raw<{ points: TransferPoint[]; attacked: number; from: string } | null>(null);
	recovery = $state.raw<RecoveryResult | null>(null);
	gradientCurves = $state.raw<GradientCurves | null>(null);
	audit = $state.raw<AuditResult | null>(null);
	#victim: Victim | null = null;
	#victimKey = '';
	#surrogate: { model: Surrogate; label: string } | null = null;

	get victimLabel(): string {
		return VICTIM_LABELS[this.params.victim];
	}

	/** The victim for the current parameters, trained (fraud) or loaded (mnist-cnn) once. */
	async #ensureVictim(p: ExtractionParams, ctx: JobContext): Promise<Victim> {
		const key = `${p.victim}|${p.victim === 'mnist-cnn' ? 0 : p.seed}|${runtime.generation}`;
		if (this.#victim && this.#victimKey === key) return this.#victim;
		this.victimStatus = 'training';
		ctx.status(
			p.victim === 'mnist-cnn' ? 'loading mnist-cnn' : `training the ${VICTIM_LABELS[p.victim]}`
		);
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
					signal: ctx.signal,
					onProgress: (done, total) => ctx.progress(done / total)
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

	/**
	 * The settings a run takes; a value out of range, or an API that cannot be built (explanations
	 * of a victim without gradients), refuses the run with its message.
	 */
	#settings(given?: ExtractionParams, { api = true } = {}): ExtractionParams {
		const p = given ?? ($state.snapshot(this.params) as ExtractionParams);
		const bad = URL_PARAMS.invalid(p);
		if (bad.length) throw new Error(bad.map((b) => `${String(b.name)} ${b.message}`).join('; '));
		// the victim itself can be prepared whatever its API is to offer
		const unexplained = api && p.explanations ? explanationsProblem(p.victim) : null;
		if (unexplained) throw new Error(unexplained);
		return p;
	}

	/** Loads or trains the victim for the current parameters, ahead of any attack. */
	prepare() {
		if (this.problems.length) return Promise.resolve(false);
		if (this.job.running) return Promise.resolve(false);
		return this.victimJob.run(
			'victim',
			(ctx) => this.#ensureVictim(this.#settings(undefined, { api: false }), ctx).then(() => {}),
			{
				done: 'victim ready'
			}
		);
	}

	/** The API the settings describe; `explanations` overrides the setting (the comparisons). */
	#apiOptions(p: ExtractionParams, mode: OutputMode): PredictionApiOptions {
		return {
			outputMode: mode,
			budget: p.budget,
			costPerQuery: p.cost,
			rateLimit: p.rate > 0 ? { perSecond: p.rate } : undefined,
			explanations: p.explanations
		};
	}

	#api(victim: Victim, p: ExtractionParams, mode: OutputMode): PredictionApi {
		return victim.api(this.#apiOptions(p, mode));
	}

	/** Why equation solving cannot run with the current settings, or null (the button says it). */
	equationProblem = $derived(
		this.problems.length
			? null
			: attackProblem('equation', this.params.victim, outputModeOf(this.params), this.params.budget)
	);

	/** `settings`: a scene's, when the presenter prepares the next scene's run ahead of it. */
	runEquation(settings?: ExtractionParams) {
		return this.job.run('equation', async (ctx) => {
			const p = this.#settings(settings);
			const mode = outputModeOf(p);
			const problem = attackProblem('equation', p.victim, mode, p.budget);
			if (problem) throw new Error(problem);
			const victim = await this.#ensureVictim(p, ctx);
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
				output: outputText(mode),
				victim: p.victim
			};
		});
	}

	/** One learning attack; `mode` defaults to the API's current output mode. */
	runCurve(strategy: Strategy, mode?: OutputMode, settings?: ExtractionParams) {
		return this.job.run(strategy, (ctx) => {
			const p = this.#settings(settings);
			return this.#curve(p, strategy, mode ?? outputModeOf(p), ctx);
		});
	}

	/** The current strategy against full, rounded and label-only answers, one after another. */
	compareOutputs() {
		return this.job.run('compare', async (ctx) => {
			const p = this.#settings();
			const modes: OutputMode[] = [
				{ kind: 'probs' },
				{ kind: 'round', decimals: p.decimals },
				{ kind: 'label' }
			];
			const strategy = p.strategy === 'equation' ? 'jacobian' : p.strategy;
			for (const mode of modes) await this.#curve(p, strategy, mode, ctx);
		});
	}

	async #curve(p: ExtractionParams, strategy: Strategy, mode: OutputMode, ctx: JobContext) {
		const { signal } = ctx;
		const victim = await this.#ensureVictim(p, ctx);
		const api = this.#api(victim, p, mode);
		const output = formatOutputMode(mode);
		const id = `${p.victim}|${strategy}|${output}${p.explanations ? '|explained' : ''}`;
		const label = `${VICTIM_LABELS[p.victim]}: ${STRATEGY_LABELS[strategy]}, ${outputText(mode)}${p.explanations ? ', with explanations' : ''}`;
		const majority = majorityAgreement(victim);
		this.queries = 0;
		this.cost = 0;
		ctx.status(`${label}: querying`);
		const points: FidelityPoint[] = [];
		const started = performance.now();
		const publish = (alarmAt: number | null, ms: number) => {
			const entry: FidelitySeries = {
				id,
				label,
				victim: p.victim,
				majority,
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
					ctx.progress(sent / total);
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
		ctx.status(`${label}: PRADA is reading the queries`);
		const options = pradaOptions(victim, p.delta);
		const alarmAt = await pradaAlarmAt(
			victim.dims,
			options,
			result.queried,
			result.answered,
			signal
		);
		publish(alarmAt, ms);
		await this.#benign(victim, p.delta, signal);
		ctx.status(`${label}: done in ${(ms / 1000).toFixed(2)} s`);
		if (this.shelf && ctx.current)
			await this.shelf.add(
				await fidelityRun({
					settings: { ...p, strategy },
					seed: p.seed,
					cli: cliCommand('extract', {
						victim: p.victim,
						strategy,
						budget: p.budget,
						output,
						explanations: p.explanations,
						seed: p.seed,
						delta: undefined
					}),
					label,
					model: p.victim === 'mnist-cnn' ? 'mnist-cnn' : null,
					points,
					alarmAt
				})
			);
	}

	/** PRADA's false alarms on benign clients at this delta (computed once per victim and delta). */
	async #benign(victim: Victim, delta: number, signal: AbortSignal) {
		if (this.benign?.delta === delta) return;
		const clients = victim.tabular ? 20 : 5;
		const r = await pradaFalseAlarmRate(
			victim.dims,
			victim.benign,
			(rows) => victimLabelsFor(victim, rows),
			{ ...pradaOptions(victim, delta), clients, queries: 300, signal }
		);
		this.benign = { ...r, delta };
	}

	runTransfer() {
		return this.job.run('transfer', async ({ signal, status }) => {
			const victim = this.#victim;
			const stolen = this.#surrogate;
			if (!victim || !stolen)
				throw new Error('run a learning attack first: transfer needs a stolen copy');
			status(`FGSM on the stolen copy (${stolen.label})`);
			const r = await runtime.timed('transfer', () =>
				transferCurve(victim, stolen.model, { signal })
			);
			this.transfer = { ...r, from: stolen.label };
		});
	}

	/**
	 * Why the explanations panel waits, or null: the API must explain (the toggle), for a victim
	 * that can, with settings in range.
	 */
	explanationsWhy = $derived.by(() => {
		if (this.problems.length) return 'fix the settings marked above first';
		if (!this.params.explanations) return 'turn on Explanations in the API settings first';
		return explanationsProblem(this.params.victim);
	});
	/** Why the one-query recovery cannot run, or null. */
	recoveryWhy = $derived(
		this.explanationsWhy ?? explanationAttackProblem(this.params.victim, outputModeOf(this.params))
	);

	/**
	 * The one-query attack (Milli et al. 2019) against equation solving (Tramer et al. 2016), each
	 * on its own API with the current settings.
	 */
	runRecovery() {
		return this.job.run('recovery', async (ctx) => {
			const p = this.#settings();
			const mode = outputModeOf(p);
			const problem = this.recoveryWhy;
			if (problem) throw new Error(problem);
			const victim = await this.#ensureVictim(p, ctx);
			ctx.status('one explained query against equation solving');
			const r = await runtime.timed('explanation recovery', () =>
				compareRecovery(victim, this.#apiOptions(p, mode), p.seed)
			);
			this.queries = r.explanations.queries;
			this.cost = r.explanations.queries * p.cost;
			this.recovery = {
				victim: p.victim,
				output: outputText(mode),
				queries: r.explanations.queries,
				maxParamError: r.explanations.maxParamError,
				maxRelativeError: r.explanations.maxRelativeError,
				agreement: r.explanations.agreement,
				equationQueries: r.equation?.queries ?? null,
				equationMaxParamError: r.equation?.maxParamError ?? null,
				equationProblem: r.equationProblem
			};
			ctx.status(
				`explanations: ${r.explanations.queries} query; equation solving: ${r.equation ? r.equation.queries : 'could not run'}`
			);
		});
	}

	/**
	 * The current learning strategy (natural data when equation solving is selected) with and
	 * without fitting the explained gradients, at 10, 20, 50, ... queries up to the budget.
	 */
	runGradientComparison() {
		return this.job.run('gradients', async (ctx) => {
			const p = this.#settings();
			const mode = outputModeOf(p);
			if (this.explanationsWhy) throw new Error(this.explanationsWhy);
			const victim = await this.#ensureVictim(p, ctx);
			const strategy: Strategy = p.strategy === 'equation' ? 'natural' : p.strategy;
			const started = performance.now();
			const curves: GradientCurves = {
				victim: p.victim,
				strategy,
				output: outputText(mode),
				gradientWeight: 0,
				with: [],
				without: [],
				saving: null,
				ms: 0
			};
			this.gradientCurves = null;
			this.queries = 0;
			this.cost = 0;
			ctx.status(`${STRATEGY_LABELS[strategy]} with gradients: querying`);
			const c = await runtime.timed('gradient comparison', () =>
				compareGradientLearning(victim, this.#apiOptions(p, mode), strategy, {
					checkpoints: comparisonCheckpoints(p.budget),
					seed: p.seed,
					signal: ctx.signal,
					onProgress: (done, total) => {
						this.queries = done;
						this.cost = done * p.cost;
						ctx.progress(done / total);
					},
					onPoint: (run, point) => {
						curves[run] = [...curves[run], point];
						curves.ms = performance.now() - started;
						this.gradientCurves = { ...curves };
						ctx.status(`${STRATEGY_LABELS[strategy]} ${run} gradients: ${point.queries} queries`);
					}
				})
			);
			const saving = headlineSaving(c);
			this.gradientCurves = {
				...curves,
				gradientWeight: c.gradientWeight,
				with: c.with,
				without: c.without,
				saving,
				ms: performance.now() - started
			};
			ctx.status(
				`with and without gradients: done in ${((performance.now() - started) / 1000).toFixed(2)} s`
			);
		});
	}

	/** The auditor's side: 200 ordinary transactions explained, features ranked. */
	runAudit() {
		return this.job.run('audit', async (ctx) => {
			const p = this.#settings();
			if (this.explanationsWhy) throw new Error(this.explanationsWhy);
			const victim = await this.#ensureVictim(p, ctx);
			ctx.status(`explaining ${AUDIT_SAMPLE} ordinary transactions`);
			const api = victim.api({ outputMode: outputModeOf(p), explanations: true });
			const a = await runtime.timed('audit', () =>
				auditExplanations(
					api,
					victim.benign(AUDIT_SAMPLE, p.seed),
					FRAUD_FEATURES.map((f) => f.label)
				)
			);
			this.audit = { victim: p.victim, sample: a.sample, features: a.features };
			ctx.status(`audit: ${a.queries} explained transactions read`);
		});
	}

	clear() {
		this.series = [];
		this.transfer = null;
		this.equation = null;
		this.recovery = null;
		this.gradientCurves = null;
		this.audit = null;
	}

	cancel() {
		this.job.cancel();
	}

	destroy() {
		this.job.destroy();
		this.victimJob.destroy();
		if (this.#surrogate) disposeSurrogate(this.#surrogate.model);
		this.#surrogate = null;
		this.#victim = null;
	}
}
