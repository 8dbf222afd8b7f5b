/**
 * State of the adversarial-examples lab: the learner's inputs (a typed table that round-trips
 * through the URL), and the results of attacking the chosen digit, recomputed whenever an input
 * changes. Moving eps under FGSM costs one forward pass: the attack direction is cached per digit,
 * model and target (in a tensor that this class owns and disposes in destroy()).
 */
import * as tf from '@tensorflow/tfjs-core';
import { tick } from 'svelte';
import { digitPixels, type DigitSet } from '$lib/data/mnist';
import { pgdAsync } from '$lib/ml/attacks/pgd';
import type { Classifier } from '$lib/ml/classifier';
import {
	argmax,
	attackDirection,
	classifyOne,
	digitTensorOf,
	perturbationNorms,
	smallestFlippingEps,
	stepAndClassify
} from '$lib/ml/one-digit';
import { createRng } from '$lib/ml/rng';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { DEFAULTS, EPS_MAX, EPS_STEP, normalizeParams, type AdversarialParams } from './params';

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
const PGD_FLIP_GRID = FLIP_GRID.filter((_, k) => k % 5 === 0);
const TIMINGS_KEPT = 1000;

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
	error = $state<string | null>(null);

	original = $derived(
		this.custom?.pixels ??
			(this.digits && this.params.digit < this.digits.count
				? digitPixels(this.digits, this.params.digit)
				: null)
	);
	trueLabel = $derived(this.custom || !this.digits ? null : this.digits.labels[this.params.digit]);
	/** the class the attack pushes away from: the true label, or the model's own answer for a custom digit */
	attackedLabel = $derived(this.trueLabel ?? this.before?.predicted ?? null);
	sourceName = $derived(this.custom ? this.custom.source : `held-out digit #${this.params.digit}`);
	/** identifies the digit itself: two drawings with the same name are different digits */
	sourceKey = $derived(this.custom ? `custom#${this.custom.id}` : `gallery#${this.params.digit}`);

	/** eps slider input -> updated prediction in the DOM, ms (read by the bench) */
	readonly updateTimes: number[] = [];

	#direction: tf.Tensor4D | null = null;
	#directionKey = '';
	#flipKey = '';
	#stamp: number | null = null;
	#running = false;
	#pending = false;
	#destroyed = false;
	#nextCustomId = 1;
	#drainToken = 0;
	#drainGeneration = -1;

	async loadDigits() {
		try {
			const digits = await runtime.digits('test');
			if (this.params.digit >= digits.count) {
				this.error = `?digit=${this.params.digit} is past the last held-out digit (${digits.count - 1}); showing digit 0`;
				this.params.digit = 0;
			}
			this.digits = digits;
		} catch (err) {
			this.error = (err as Error).message;
		}
	}

	/** Called by the eps slider with the time of the input event. */
	setEps(eps: number, stamp = performance.now()) {
		this.#stamp = stamp;
		this.params.eps = eps;
	}

	pickGallery(index: number) {
		this.custom = null;
		this.params.digit = index;
	}

	pickCustom(pixels: Float32Array, source: string) {
		this.custom = { pixels, source, id: this.#nextCustomId++ };
	}

	/**
	 * Recompute after any input change: the latest request wins, none runs twice at once. A lost
	 * WebGL context can leave a readback that never settles; after a backend change a new loop
	 * takes over and the stranded one, should it ever wake, bows out.
	 */
	request() {
		this.#pending = true;
		if (!this.#running || this.#drainGeneration !== runtime.generation) void this.#drain();
	}

	async #drain() {
		const token = ++this.#drainToken;
		this.#drainGeneration = runtime.generation;
		this.#running = true;
		while (this.#pending && !this.#destroyed && token === this.#drainToken) {
			this.#pending = false;
			try {
				await this.#compute();
			} catch (err) {
				// Keep the last good result on screen, say what failed, and go on with newer input.
				this.error = (err as Error).message;
				if (this.flipEps === undefined) this.flipEps = null;
			}
		}
		if (token === this.#drainToken) this.#running = false;
	}

	async #compute() {
		// Everything this computation depends on, read once before the first await.
		const pixels = this.original;
		if (!pixels || runtime.status !== 'ready') return;
		const p = normalizeParams(this.params);
		const sourceKey = this.sourceKey;
		const trueLabel = this.trueLabel;
		const stamp = this.#stamp;
		this.#stamp = null;
		const baseKey = `${runtime.generation}|${p.model}|${sourceKey}`;
		if (this.before?.key !== baseKey) {
			// A new digit or model: do not leave the old one's results beside it.
			this.view = null;
			this.flipEps = undefined;
		}

		const classifier = await runtime.classifier(p.model);
		if (this.#stale()) return;
		if (this.before?.key !== baseKey) {
			const probs = await runtime.timed(`${p.model}: classify`, () =>
				classifyOne(classifier, pixels)
			);
			if (this.#stale()) return;
			this.before = { key: baseKey, probs, predicted: argmax(probs) };
		}
		const label = trueLabel ?? this.before.predicted;
		const goal: Goal = p.attack === 'targeted' ? { target: p.target } : { label };
		const attackKey = `${baseKey}|${p.attack}|${JSON.stringify(goal)}`;

		let result: { adversarial: Float32Array; probs: Float32Array };
		if (p.attack === 'pgd') {
			result = await runtime.timed(`${p.model}: PGD, ${p.steps} steps`, () =>
				this.#pgd(classifier, pixels, label, p, p.eps)
			);
		} else {
			const direction = this.#directionFor(classifier, pixels, attackKey, goal);
			result = await runtime.timed(`${p.model}: FGSM step`, () =>
				stepAndClassify(classifier, pixels, direction, p.eps)
			);
		}
		if (this.#destroyed) return;
		this.error = null;
		this.view = {
			key: attackKey,
			eps: p.eps,
			adversarial: result.adversarial,
			perturbation: result.adversarial.map((v, i) => v - pixels[i]),
			...perturbationNorms(pixels, result.adversarial),
			probs: result.probs,
			predicted: argmax(result.probs)
		};
		if (stamp !== null) {
			await tick();
			this.updateTimes.push(performance.now() - stamp);
			if (this.updateTimes.length > TIMINGS_KEPT) this.updateTimes.shift();
		}
		if (!this.#pending) await this.#updateFlipEps(classifier, pixels, label, p, attackKey, goal);
	}

	/** A newer input arrived, or the lab is gone: this computation's results would be stale. */
	#stale() {
		return this.#pending || this.#destroyed || this.#drainGeneration !== runtime.generation;
	}

	#directionFor(classifier: Classifier, pixels: Float32Array, key: string, goal: Goal) {
		if (this.#direction && this.#directionKey === key) return this.#direction;
		this.#disposeDirection();
		this.#direction = attackDirection(classifier, pixels, goal);
		this.#directionKey = key;
		return this.#direction;
	}

	async #pgd(
		classifier: Classifier,
		pixels: Float32Array,
		label: number,
		p: AdversarialParams,
		eps: number
	) {
		const x = digitTensorOf(pixels);
		const y = tf.tensor1d([label], 'int32');
		let adv: tf.Tensor4D | null = null;
		let probs: tf.Tensor | null = null;
		try {
			adv = await pgdAsync(classifier, x, y, {
				eps,
				steps: p.steps,
				stepSize: p.stepSize,
				randomStart: p.randomStart,
				rng: createRng(p.seed)
			});
			const a = adv;
			probs = tf.tidy(() => tf.softmax(classifier.logits(a)));
			const [adversarial, values] = await Promise.all([adv.data(), probs.data()]);
			return { adversarial: adversarial as Float32Array, probs: values as Float32Array };
		} finally {
			tf.dispose([x, y]);
			if (adv) adv.dispose();
			if (probs) probs.dispose();
		}
	}

	async #updateFlipEps(
		classifier: Classifier,
		pixels: Float32Array,
		label: number,
		p: AdversarialParams,
		attackKey: string,
		goal: Goal
	) {
		const pgdPart =
			p.attack === 'pgd' ? `|${p.steps}|${p.stepSize}|${p.randomStart}|${p.seed}` : '';
		const key = attackKey + pgdPart;
		if (key === this.#flipKey) return;
		this.flipEps = undefined;
		let found: number | null = null;
		if (p.attack === 'pgd') {
			// PGD's result depends on eps, so each grid point is a full attack: a coarser grid.
			for (const eps of PGD_FLIP_GRID) {
				if (this.#stale()) return; // the learner moved on; try again on the next compute
				const { probs } = await this.#pgd(classifier, pixels, label, p, eps);
				if (argmax(probs) !== label) {
					found = eps;
					break;
				}
			}
		} else {
			found = await smallestFlippingEps(classifier, pixels, this.#direction!, FLIP_GRID, goal);
		}
		if (this.#destroyed) return;
		this.flipEpsCoarse = p.attack === 'pgd';
		this.flipEps = found;
		this.#flipKey = key;
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
		this.#disposeDirection();
	}
}
