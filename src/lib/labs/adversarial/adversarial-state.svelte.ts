/**
 * State of the adversarial-examples lab: the learner's inputs (the settings table, round-tripped
 * through the URL), and the results of attacking the chosen digit, recomputed whenever an input
 * changes (a 'restart' job: the latest input wins). Moving eps under FGSM costs one forward pass:
 * the attack direction is cached per digit, model and target, in a tensor this class owns and
 * disposes in destroy(). The tensor work itself lives in $lib/ml/adversarial/one-digit.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { argmax } from '$lib/base/argmax';
import { digitPixels, type DigitSet } from '$lib/data/mnist';
import type { Classifier } from '$lib/ml/classifier';
import {
	attackDirection,
	classifyOne,
	perturbationNorms,
	pgdFlippingEps,
	pgdOne,
	smallestFlippingEps,
	stepAndClassify
} from '$lib/ml/adversarial/one-digit';
import { throwIfAborted } from '$lib/ml/yield';
import { Job, type JobContext } from '$lib/labs/job.svelte';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import {
	DEFAULTS,
	EPS_MAX,
	EPS_STEP,
	reachOf,
	stepSizeOf,
	URL_PARAMS,
	type AdversarialParams
} from './settings';

export interface AttackView {
	/** which digit, model and attack settings produced this view */
	key: string;
	eps: number;
	adversarial: Float32Array;
	/** adversarial - original, per pixel */
	perturbation: Float32Array;
	linf: number;
	l2: number;
	probs: Float32Array;
	predicted: number;
}

interface Base {
	key: string;
	probs: Float32Array;
	predicted: number;
}

type Goal = { label: number } | { target: number };

const FLIP_GRID = Array.from(
	{ length: Math.round(EPS_MAX / EPS_STEP) + 1 },
	(_, k) => +(k * EPS_STEP).toFixed(4)
);
/** PGD's result depends on eps, so each grid point is a full attack: a coarser grid. */
export const PGD_FLIP_STEP = 0.025;
const PGD_FLIP_GRID = FLIP_GRID.filter((_, k) => k % Math.round(PGD_FLIP_STEP / EPS_STEP) === 0);

export class AdversarialLab {
	params = $state<AdversarialParams>({ ...DEFAULTS });
	digits = $state.raw<DigitSet | null>(null);
	/** a drawn or uploaded digit (with a fresh id per pick); null means gallery digit params.digit */
	custom = $state.raw<{ pixels: Float32Array; source: string; id: number } | null>(null);

	before = $state.raw<Base | null>(null);
	view = $state.raw<AttackView | null>(null);
	/** smallest eps that flips this digit; undefined while unknown, null if none up to EPS_MAX */
	flipEps = $state<number | null | undefined>(undefined);
	/** whether flipEps comes from the coarse PGD grid */
	flipEpsCoarse = $state(false);
	loadError = $state<string | null>(null);
	/** the attack on the current digit; the latest input wins */
	readonly compute = new Job<'attack'>({ policy: 'restart', stopOnBackendChange: false });

	/** settings out of range, by field: shown beside each field; nothing is computed meanwhile */
	problems = $derived(URL_PARAMS.invalid(this.params));
	original = $derived(
		this.custom?.pixels ??
			(this.digits && this.params.digit < this.digits.count
				? digitPixels(this.digits, this.params.digit)
				: null)
	);
	trueLabel = $derived(this.custom || !this.digits ? null : this.digits.labels[this.params.digit]);
	/** the class the attack pushes away from: the true label, or the model's own answer for a custom digit */
	attackedLabel = $derived(this.trueLabel ?? this.before?.predicted ?? null);
	sourceName = $derived(
		this.custom
			? this.custom.source
			: this.trueLabel === null
				? `test image ${this.params.digit}`
				: `test image ${this.params.digit} (a ${this.trueLabel})`
	);
	/** identifies the digit itself: two drawings with the same name are different digits */
	sourceKey = $derived(this.custom ? `custom#${this.custom.id}` : `gallery#${this.params.digit}`);
	/**
	 * Why the chosen attack cannot run on this digit, with what to do instead; null when it can.
	 * Targeted FGSM towards the digit's own class has nothing to do.
	 */
	attackProblem = $derived.by(() => {
		const p = this.params;
		const own = this.attackedLabel;
		if (p.attack !== 'targeted' || own === null || p.target !== own) return null;
		const probs = this.before?.probs;
		let runnerUp = (own + 1) % 10;
		if (probs) {
			const others = Array.from(probs, (v, k) => (k === own ? -1 : v));
			runnerUp = argmax(others);
		}
		return `The target ${p.target} is the class this digit already is: there is nothing to push towards. Pick another target class, e.g. ${runnerUp} (the model's second choice).`;
	});
	/** BIM/PGD with a fixed step that cannot travel as far as eps: say so beside the result */
	reachNote = $derived.by(() => {
		const p = this.params;
		if (p.attack !== 'pgd' || p.stepRule !== 'fixed' || this.problems.length) return null;
		const reach = reachOf(p);
		if (reach >= p.eps - 1e-9) return null;
		return `${p.steps} steps of ${p.stepSize} move a pixel at most ${+reach.toFixed(4)} from its start, less than eps ${p.eps}: the attack cannot use its whole budget. Use 2.5 × eps / steps, or more steps.`;
	});

	#direction: tf.Tensor4D | null = null;
	#directionKey = '';
	#flipKey = '';
	#nextCustomId = 1;
	#destroyed = false;

	get error(): string | null {
		return this.loadError ?? this.compute.error;
	}

	async loadDigits() {
		try {
			this.digits = await runtime.digits('test');
		} catch (err) {
			this.loadError = (err as Error).message;
		}
	}

	setEps(eps: number) {
		this.params.eps = eps;
	}

	pickGallery(index: number) {
		this.custom = null;
		this.params.digit = index;
	}

	pickCustom(pixels: Float32Array, source: string) {
		this.custom = { pixels, source, id: this.#nextCustomId++ };
	}

	/** Recompute after any input change, unless a setting is out of range. */
	request() {
		if (this.#destroyed || this.problems.length || !this.original) return;
		void this.compute.run('attack', (ctx) => this.#compute(ctx));
	}

	async #compute(ctx: JobContext) {
		// Everything this computation depends on, read once before the first await.
		const pixels = this.original;
		if (!pixels || runtime.status !== 'ready') return;
		const p = $state.snapshot(this.params) as AdversarialParams;
		const sourceKey = this.sourceKey;
		const trueLabel = this.trueLabel;
		const generation = runtime.generation;
		const baseKey = `${generation}|${p.model}|${sourceKey}`;
		if (this.before?.key !== baseKey) {
			// A new digit or model: do not leave the old one's results beside it.
			this.view = null;
			this.flipEps = undefined;
		}
		const classifier = await runtime.classifier(p.model);
		throwIfAborted(ctx.signal);
		if (this.before?.key !== baseKey) {
			const probs = await runtime.timed(`${p.model}: classify`, () =>
				classifyOne(classifier, pixels)
			);
			throwIfAborted(ctx.signal);
			this.before = { key: baseKey, probs, predicted: argmax(probs) };
		}
		if (this.attackProblem) return;
		const label = trueLabel ?? this.before.predicted;
		const goal: Goal = p.attack === 'targeted' ? { target: p.target } : { label };
		const attackKey = `${baseKey}|${p.attack}|${JSON.stringify(goal)}`;
		const pgdOpts = {
			steps: p.steps,
			stepSize: stepSizeOf(p),
			randomStart: p.randomStart,
			seed: p.seed,
			signal: ctx.signal
		};

		let result: { adversarial: Float32Array; probs: Float32Array };
		if (p.attack === 'pgd') {
			result = await runtime.timed(`${p.model}: PGD, ${p.steps} steps`, () =>
				pgdOne(classifier, pixels, label, p.eps, pgdOpts)
			);
		} else {
			const direction = this.#directionFor(classifier, pixels, attackKey, goal);
			result = await runtime.timed(`${p.model}: FGSM step`, () =>
				stepAndClassify(classifier, pixels, direction, p.eps)
			);
		}
		throwIfAborted(ctx.signal);
		this.view = {
			key: attackKey,
			eps: p.eps,
			adversarial: result.adversarial,
			perturbation: result.adversarial.map((v, i) => v - pixels[i]),
			...perturbationNorms(pixels, result.adversarial),
			probs: result.probs,
			predicted: argmax(result.probs)
		};

		// The smallest flipping eps, once per digit and attack (PGD: and its settings).
		const pgdPart =
			p.attack === 'pgd' ? `|${p.steps}|${stepSizeOf(p)}|${p.randomStart}|${p.seed}` : '';
		const flipKey = attackKey + pgdPart;
		if (flipKey === this.#flipKey) return;
		this.flipEps = undefined;
		const found =
			p.attack === 'pgd'
				? await pgdFlippingEps(classifier, pixels, label, PGD_FLIP_GRID, pgdOpts)
				: await smallestFlippingEps(classifier, pixels, this.#direction!, FLIP_GRID, goal);
		throwIfAborted(ctx.signal);
		this.flipEpsCoarse = p.attack === 'pgd';
		this.flipEps = found;
		this.#flipKey = flipKey;
	}

	#directionFor(classifier: Classifier, pixels: Float32Array, key: string, goal: Goal) {
		if (this.#direction && this.#directionKey === key) return this.#direction;
		this.#disposeDirection();
		this.#direction = attackDirection(classifier, pixels, goal);
		this.#directionKey = key;
		return this.#direction;
	}

	#disposeDirection() {
		try {
			this.#direction?.dispose();
		} catch {
			// its backend is gone (a lost WebGL context); nothing left to free
		}
		this.#direction = null;
		this.#directionKey = '';
	}

	destroy() {
		this.#destroyed = true;
		this.compute.destroy();
		this.#disposeDirection();
	}
}
