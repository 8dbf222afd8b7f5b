/**
 * State of the adversarial-examples lab: the learner's inputs (a typed table that round-trips
 * through the URL), and the results of attacking the chosen digit, recomputed whenever an input
 * changes. Moving eps under FGSM costs one forward pass: the attack direction is cached per digit,
 * model and target (in a tensor that this class owns and disposes in destroy()).
 */
import * as tf from '@tensorflow/tfjs-core';
import { tick } from 'svelte';
import { digitPixels, type DigitSet } from '$lib/data/mnist';
import { pgd } from '$lib/ml/attacks/pgd';
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
import { DEFAULTS, EPS_MAX, EPS_STEP, type AdversarialParams } from './params';

export interface AttackView {
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

const FLIP_GRID = Array.from(
	{ length: Math.round(EPS_MAX / EPS_STEP) + 1 },
	(_, k) => +(k * EPS_STEP).toFixed(4)
);
const PGD_FLIP_GRID = FLIP_GRID.filter((_, k) => k % 5 === 0);
const TIMINGS_KEPT = 1000;

export class AdversarialLab {
	params = $state<AdversarialParams>({ ...DEFAULTS });
	digits = $state.raw<DigitSet | null>(null);
	/** a drawn or uploaded digit; null means the gallery digit params.digit */
	custom = $state.raw<{ pixels: Float32Array; source: string } | null>(null);

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

	/** eps slider input -> updated prediction in the DOM, ms (read by the bench) */
	readonly updateTimes: number[] = [];

	#direction: tf.Tensor4D | null = null;
	#directionKey = '';
	#flipKey = '';
	#stamp: number | null = null;
	#running = false;
	#pending = false;
	#destroyed = false;

	async loadDigits() {
		try {
			this.digits = await runtime.digits('test');
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
		this.custom = { pixels, source };
	}

	/** Recompute after any input change: the latest request wins, none runs twice at once. */
	request() {
		this.#pending = true;
		if (!this.#running) void this.#drain();
	}

	async #drain() {
		this.#running = true;
		try {
			while (this.#pending && !this.#destroyed) {
				this.#pending = false;
				await this.#compute();
			}
		} catch (err) {
			this.error = (err as Error).message;
		} finally {
			this.#running = false;
		}
	}

	async #compute() {
		const pixels = this.original;
		if (!pixels || runtime.status !== 'ready') return;
		const p = { ...this.params };
		const stamp = this.#stamp;
		this.#stamp = null;
		const generation = runtime.generation;
		const classifier = await runtime.classifier(p.model);
		this.error = null;

		const baseKey = `${generation}|${p.model}|${this.sourceName}`;
		if (this.before?.key !== baseKey) {
			const probs = await runtime.timed(`${p.model}: classify`, () =>
				classifyOne(classifier, pixels)
			);
			this.before = { key: baseKey, probs, predicted: argmax(probs) };
		}
		const label = this.trueLabel ?? this.before.predicted;
		const goal = p.attack === 'targeted' ? { target: p.target } : { label };

		let view: { adversarial: Float32Array; probs: Float32Array };
		if (p.attack === 'pgd') {
			view = await runtime.timed(`${p.model}: PGD, ${p.steps} steps`, () =>
				this.#pgd(classifier, pixels, label, p, p.eps)
			);
		} else {
			const direction = this.#directionFor(
				classifier,
				pixels,
				`${baseKey}|${p.attack}|${JSON.stringify(goal)}`,
				goal
			);
			view = await runtime.timed(`${p.model}: FGSM step`, () =>
				stepAndClassify(classifier, pixels, direction, p.eps)
			);
		}
		const perturbation = view.adversarial.map((v, i) => v - pixels[i]);
		this.view = {
			eps: p.eps,
			adversarial: view.adversarial,
			perturbation,
			...perturbationNorms(pixels, view.adversarial),
			probs: view.probs,
			predicted: argmax(view.probs)
		};
		if (stamp !== null) {
			await tick();
			this.updateTimes.push(performance.now() - stamp);
			if (this.updateTimes.length > TIMINGS_KEPT) this.updateTimes.shift();
		}
		await this.#updateFlipEps(classifier, pixels, label, p, baseKey, goal);
	}

	#directionFor(
		classifier: Classifier,
		pixels: Float32Array,
		key: string,
		goal: { label: number } | { target: number }
	) {
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
		const adv = pgd(classifier, x, y, {
			eps,
			steps: p.steps,
			stepSize: p.stepSize,
			randomStart: p.randomStart,
			rng: createRng(p.seed)
		});
		const probs = tf.tidy(() => tf.softmax(classifier.logits(adv)));
		const [adversarial, values] = await Promise.all([adv.data(), probs.data()]);
		tf.dispose([x, y, adv, probs]);
		return { adversarial: adversarial as Float32Array, probs: values as Float32Array };
	}

	async #updateFlipEps(
		classifier: Classifier,
		pixels: Float32Array,
		label: number,
		p: AdversarialParams,
		baseKey: string,
		goal: { label: number } | { target: number }
	) {
		const pgdPart =
			p.attack === 'pgd' ? `|${p.steps}|${p.stepSize}|${p.randomStart}|${p.seed}` : '';
		const key = `${baseKey}|${p.attack}|${JSON.stringify(goal)}${pgdPart}`;
		if (key === this.#flipKey) return;
		this.flipEps = undefined;
		if (p.attack === 'pgd') {
			// PGD's result depends on eps, so each grid point is a full attack: a coarser grid.
			let found: number | null = null;
			for (const eps of PGD_FLIP_GRID) {
				if (this.#pending) return; // the learner moved on; try again later
				const { probs } = await this.#pgd(classifier, pixels, label, p, eps);
				if (argmax(probs) !== label) {
					found = eps;
					break;
				}
			}
			this.flipEpsCoarse = true;
			this.flipEps = found;
		} else {
			this.flipEpsCoarse = false;
			this.flipEps = await smallestFlippingEps(
				classifier,
				pixels,
				this.#direction!,
				FLIP_GRID,
				goal
			);
		}
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
