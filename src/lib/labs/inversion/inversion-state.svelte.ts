/**
 * The inversion lab's state: the inputs (URL-backed), the models the attack needs (the
 * few-photos model per k, seed and backend; the evaluator once per backend), the live frame of
 * the run in progress and the last single and gallery results as plain numbers. The attack
 * itself is the core's runInversion; the trained models live in private fields and are disposed
 * by destroy() (and when the backend that holds them is replaced).
 */
import { digitBatch, MNIST_SPLITS, type DigitSet } from '$lib/data/mnist';
import { disposeMlp, type Mlp } from '$lib/ml/mlp';
import { mlpAccuracy } from '$lib/ml/privacy/membership';
import { queriesPerStep } from '$lib/ml/inversion/black-box';
import { runInversion, type InversionRun } from '$lib/ml/inversion/experiment';
import {
	EVALUATOR_DIGITS,
	pickPerClass,
	trainEvaluator,
	trainFewShot,
	type FewShotModel,
	type FewShotSet
} from '$lib/ml/inversion/few-shot';
import { classMeans } from '$lib/ml/inversion/measure';
import { trainPrivacyDigitModel, type PrivacyDigitModel } from '$lib/ml/inversion/privacy-model';
import { ALL_CLASSES, type InversionFrame } from '$lib/ml/inversion/mi-face';
import {
	targetFromClassifier,
	targetFromMlp,
	type InversionTarget
} from '$lib/ml/inversion/target';
import type { ModelId } from '$lib/ml/model-ids';
import { Job, type JobContext } from '$lib/labs/job.svelte';
import { outputModeOf, SETTINGS as EXTRACTION } from '$lib/labs/extraction/settings';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { DEFAULTS, SETTINGS, URL_PARAMS, type InversionParams } from './settings';

/** What one black-box query is billed: the extraction lab's default price. */
export const PRICE_PER_QUERY = EXTRACTION.fields.cost.default;

export type RunKind = 'invert' | 'gallery';

/** A finished run, as the page shows it: the settings it ran with and the core's numbers. */
export interface ShownRun {
	kind: RunKind;
	params: InversionParams;
	run: InversionRun;
	/** few-photos runs: the training digits the model saw */
	fewShot: FewShotSet | null;
}

/** The live images of the run in progress (one row per target). */
export interface LiveFrame extends InversionFrame {
	kind: RunKind;
	targets: readonly number[];
}

interface FewShotEntry {
	key: string;
	promise: Promise<FewShotModel>;
}

/** how long each kept privacy model took to train */
const trainMs = new WeakMap<PrivacyDigitModel, number>();

interface PrivacyEntry {
	key: string;
	promise: Promise<PrivacyDigitModel>;
}

/** Frees a model once its training settles (a failed training has freed its own). */
function disposeWhenDone(model: Promise<Mlp | FewShotModel | PrivacyDigitModel>) {
	void model
		.then((m) => {
			try {
				disposeMlp('mlp' in m ? m.mlp : m);
			} catch {
				// a lost context cannot free GPU memory; the engine's bookkeeping is what matters
			}
		})
		.catch(() => {});
}

/** The held-out digits past the evaluator's own: what both models are scored on. */
function restOfHeldOut(test: DigitSet) {
	const from = Math.min(EVALUATOR_DIGITS, test.count);
	const pixels = digitBatch(test, from, test.count);
	return { pixels, labels: test.labels.subarray(from), count: test.count - from };
}

export class InversionLab {
	params = $state<InversionParams>({ ...DEFAULTS });
	/** the attacks, latest wins (the buttons wait while one runs) */
	readonly job = new Job<RunKind>({
		policy: 'restart',
		cancelled: 'cancelled; finished images stay'
	});
	/** training the few-photos model and the evaluator ahead of any attack */
	readonly prepJob = new Job<'prepare'>({ policy: 'restart' });

	/** settings out of range, by field (shown beside each field) */
	fieldProblems = $derived(URL_PARAMS.invalid(this.params));
	/** problems between fields */
	crossProblems = $derived.by(() => {
		const p = this.params;
		if (!p.blackbox || this.fieldProblems.length) return [];
		const perStep = queriesPerStep(p.estimator, p.samples);
		return p.budget < perStep
			? [
					`${SETTINGS.fields.budget.label} must be at least ${perStep} queries per class: one ${p.estimator === 'nes' ? `NES step with ${p.samples} samples` : 'finite-difference step'} costs that many`
				]
			: [];
	});

	/** the evaluator: trained on the first held-out digits, scored on the rest */
	evaluatorAccuracy = $state<number | null>(null);
	evaluatorScoredOn = $state(0);
	/** the few-photos model for the current k and seed */
	fewShotInfo = $state.raw<{
		k: number;
		seed: number;
		trainMs: number;
		accuracy: number;
		scoredOn: number;
	} | null>(null);

	/** the privacy lab's digit model for the current sigma and seed */
	privacyInfo = $state.raw<{
		sigma: number;
		seed: number;
		trainMs: number;
		epsilon: number;
		accuracy: number;
		members: number;
	} | null>(null);

	live = $state.raw<LiveFrame | null>(null);
	single = $state.raw<ShownRun | null>(null);
	gallery = $state.raw<ShownRun | null>(null);
	/** [10 * 784] the mean training digit of each class */
	means = $state.raw<Float32Array | null>(null);

	/** frames the live images really drew (DigitImage's ondraw), for the bench */
	#framesDrawn = 0;
	#lastDrawnStep = -1;
	// A plain cache, deliberately not reactive: the page shows fewShotInfo instead.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#fewShot = new Map<string, FewShotEntry>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#privacy = new Map<string, PrivacyEntry>();
	#evaluator: { generation: number; promise: Promise<Mlp> } | null = null;
	#destroyed = false;

	get busy(): boolean {
		return this.job.running !== null;
	}

	/** Counts a live frame once it is on screen (all its images redraw together). */
	drewFrame(step: number) {
		if (step === this.#lastDrawnStep) return;
		this.#lastDrawnStep = step;
		this.#framesDrawn++;
	}

	get framesDrawn(): number {
		return this.#framesDrawn;
	}

	destroy() {
		this.#destroyed = true;
		this.job.destroy();
		this.prepJob.destroy();
		this.#dropModels();
	}

	#dropModels() {
		for (const entry of this.#fewShot.values()) disposeWhenDone(entry.promise);
		this.#fewShot.clear();
		for (const entry of this.#privacy.values()) disposeWhenDone(entry.promise);
		this.#privacy.clear();
		if (this.#evaluator) disposeWhenDone(this.#evaluator.promise);
		this.#evaluator = null;
	}

	/** Forgets models trained on a backend that is gone (their tensors went with it). */
	#forOlderBackend() {
		const g = runtime.generation;
		if (this.#evaluator && this.#evaluator.generation !== g) this.#dropModels();
		for (const cache of [this.#fewShot, this.#privacy] as Map<
			string,
			{ promise: Promise<Mlp | FewShotModel | PrivacyDigitModel> }
		>[])
			for (const [key, entry] of cache)
				if (!key.endsWith(`|${g}`)) {
					cache.delete(key);
					disposeWhenDone(entry.promise);
				}
	}

	async #digits(): Promise<{ train: DigitSet; test: DigitSet }> {
		const [train, test] = await Promise.all(MNIST_SPLITS.map((s) => runtime.digits(s)));
		this.means ??= classMeans(train);
		return { train, test };
	}

	/** The evaluator of this backend, trained once (800 held-out digits, about a second). */
	async #ensureEvaluator(test: DigitSet): Promise<Mlp> {
		this.#forOlderBackend();
		if (!this.#evaluator) {
			const promise = trainEvaluator(test, 1);
			const entry = { generation: runtime.generation, promise };
			this.#evaluator = entry;
			promise.then(
				async (mlp) => {
					const rest = restOfHeldOut(test);
					try {
						const accuracy = await mlpAccuracy(mlp, rest.pixels, rest.labels);
						if (this.#evaluator === entry && !this.#destroyed) {
							this.evaluatorAccuracy = accuracy;
							this.evaluatorScoredOn = rest.count;
						}
					} catch {
						// the backend went away meanwhile; the next one trains its own evaluator
					}
				},
				() => {
					if (this.#evaluator === entry) this.#evaluator = null;
				}
			);
		}
		return this.#evaluator.promise;
	}

	/** The few-photos model of (k, seed) on this backend, trained once (under a second). */
	async #ensureFewShot(train: DigitSet, test: DigitSet, k: number, seed: number) {
		this.#forOlderBackend();
		const key = `${k}|${seed}|${runtime.generation}`;
		let entry = this.#fewShot.get(key);
		if (!entry) {
			const promise = trainFewShot(pickPerClass(train, k, seed), seed);
			entry = { key, promise };
			this.#fewShot.set(key, entry);
			promise.catch(() => this.#fewShot.delete(key));
		}
		const model = await entry.promise;
		const rest = restOfHeldOut(test);
		const accuracy = await mlpAccuracy(model.mlp, rest.pixels, rest.labels);
		const p = this.params;
		if (!this.#destroyed && p.k === k && p.seed === seed)
			this.fewShotInfo = { k, seed, trainMs: model.trainMs, accuracy, scoredOn: rest.count };
		return model;
	}

	/**
	 * The privacy lab's digit model of (sigma, seed) on this backend (DP-SGD on 1,000 digits with
	 * that lab's defaults, a few seconds), trained once. `signal` stops the training it starts (a
	 * newer sigma typed in); a run that finds the training under way waits for it.
	 */
	async #ensurePrivacy(
		train: DigitSet,
		test: DigitSet,
		sigma: number,
		seed: number,
		signal?: AbortSignal
	) {
		this.#forOlderBackend();
		const key = `${sigma}|${seed}|${runtime.generation}`;
		let entry = this.#privacy.get(key);
		if (!entry) {
			const started = performance.now();
			const promise = trainPrivacyDigitModel(train, test, sigma, seed, signal).then((m) => {
				trainMs.set(m, performance.now() - started);
				return m;
			});
			entry = { key, promise };
			this.#privacy.set(key, entry);
			promise.catch(() => this.#privacy.delete(key));
		}
		const model = await entry.promise;
		// shown for the settings on screen, also when the model was trained earlier and kept
		const p = this.params;
		if (!this.#destroyed && p.sigma === sigma && p.seed === seed)
			this.privacyInfo = {
				sigma,
				seed,
				trainMs: trainMs.get(model) ?? 0,
				epsilon: model.privacy.epsilon,
				accuracy: model.privacy.accuracy,
				members: model.privacy.members
			};
		return model;
	}

	/** Trains what the current settings need before anything is inverted, so its numbers show. */
	prepare() {
		const p = $state.snapshot(this.params) as InversionParams;
		if (URL_PARAMS.invalid(p).length || this.job.running) return Promise.resolve(false);
		return this.prepJob.run('prepare', async (ctx) => {
			await runtime.start(window.location.search);
			ctx.status('training the evaluator');
			const { train, test } = await this.#digits();
			await this.#ensureEvaluator(test);
			if (p.model === 'few-shot') {
				ctx.status(`training the few-photos model (k = ${p.k})`);
				await this.#ensureFewShot(train, test, p.k, p.seed);
			} else if (p.model === 'privacy-mlp') {
				ctx.status(`training the privacy lab’s digit model (sigma ${p.sigma})`);
				await this.#ensurePrivacy(train, test, p.sigma, p.seed, ctx.signal);
			}
			ctx.status('ready');
		});
	}

	/** Inverts the target class of the settings. */
	invert(settings?: InversionParams) {
		return this.#run('invert', settings);
	}

	/** Inverts all ten classes in one batched run. */
	runGallery(settings?: InversionParams) {
		return this.#run('gallery', settings);
	}

	#settings(given?: InversionParams): InversionParams {
		const p = given ?? ($state.snapshot(this.params) as InversionParams);
		const bad = URL_PARAMS.invalid(p);
		if (bad.length)
			throw new Error(bad.map((b) => `${SETTINGS.fields[b.name].label} ${b.message}`).join('; '));
		return p;
	}

	#run(kind: RunKind, given?: InversionParams) {
		return this.job.run(kind, async (ctx) => {
			const p = this.#settings(given);
			await runtime.start(window.location.search);
			const shown = await this.#invert(kind, p, ctx);
			if (!ctx.current) return;
			if (kind === 'gallery') this.gallery = shown;
			else this.single = shown;
		});
	}

	async #invert(kind: RunKind, p: InversionParams, ctx: JobContext): Promise<ShownRun> {
		ctx.status('preparing the models');
		const { train, test } = await this.#digits();
		const evaluator = await this.#ensureEvaluator(test);
		let target: InversionTarget;
		let fewShot: FewShotSet | null = null;
		if (p.model === 'few-shot') {
			ctx.status(`training the few-photos model (k = ${p.k})`);
			const model = await this.#ensureFewShot(train, test, p.k, p.seed);
			target = targetFromMlp(model.mlp);
			fewShot = model.set;
		} else if (p.model === 'privacy-mlp') {
			ctx.status(`training the privacy lab’s digit model (sigma ${p.sigma}, DP-SGD)`);
			const model = await this.#ensurePrivacy(train, test, p.sigma, p.seed);
			target = targetFromMlp(model.mlp);
			fewShot = model.members;
		} else {
			ctx.status(`loading ${p.model}`);
			target = targetFromClassifier(await runtime.classifier(p.model as ModelId));
		}
		ctx.signal.throwIfAborted();
		const targets = kind === 'gallery' ? ALL_CLASSES : [p.target];
		const what = kind === 'gallery' ? 'all ten classes' : `class ${p.target}`;
		ctx.status(`inverting ${what}${p.blackbox ? ' through the API' : ''}`);
		this.live = null;
		this.#lastDrawnStep = -1;
		const run = await runtime.timed(`inversion of ${what}`, () =>
			runInversion(target, targetFromMlp(evaluator), test, {
				targets,
				steps: p.steps,
				stepSize: p.stepSize,
				patience: p.patience,
				goal: p.goal,
				prior: { tv: p.tv, l2: p.l2, blur: p.blur },
				seed: p.seed,
				blackBox: p.blackbox
					? {
							output: outputModeOf(p),
							estimator: p.estimator,
							samples: p.samples,
							budget: p.budget,
							costPerQuery: PRICE_PER_QUERY
						}
					: undefined,
				fewShot: fewShot ?? undefined,
				signal: ctx.signal,
				onProgress: (f) => ctx.progress(f),
				onFrame: (frame) => {
					if (ctx.current) this.live = { ...frame, kind, targets };
				}
			})
		);
		const acc = run.measures.attackAccuracy;
		ctx.status(
			kind === 'gallery'
				? `done in ${(run.result.ms / 1000).toFixed(1)} s: attack accuracy ${Math.round(acc * 100)} %`
				: `done in ${(run.result.ms / 1000).toFixed(1)} s`
		);
		return { kind, params: p, run, fewShot };
	}

	/**
	 * The bench's measure (through the test hooks): the white-box gallery of a shipped model with
	 * `steps` steps, default priors, no early stop, drawn live as on the page.
	 */
	async measureGallery(
		model: string,
		steps: number
	): Promise<{ ms: number; attackAccuracy: number; framesPerSecond: number }> {
		const p: InversionParams = {
			...DEFAULTS,
			model: model as InversionParams['model'],
			steps,
			patience: 0,
			goal: 0
		};
		if (!SETTINGS.fields.model.choices.includes(p.model))
			throw new Error(`measureGallery: no model "${model}"`);
		this.job.cancel();
		const before = this.#framesDrawn;
		const ok = await this.runGallery(p);
		if (!ok || !this.gallery) throw new Error(this.job.error ?? this.job.status);
		const { ms } = this.gallery.run.result;
		return {
			ms,
			attackAccuracy: this.gallery.run.measures.attackAccuracy,
			framesPerSecond: (this.#framesDrawn - before) / (ms / 1000)
		};
	}
}
