/**
 * White-box model inversion: MI-Face (Fredrikson, Jha, Ristenpart 2015, "Model Inversion Attacks
 * that Exploit Confidence Information and Basic Countermeasures", Algorithm 1). For a target
 * class t, gradient descent on the cost
 *
 *   c(x) = 1 - f_t(x) + prior(x)
 *
 * over the input x, starting from x = 0, each step followed by Process (here: pixels kept in
 * [0, 1], and an optional blur). The paper's stopping rules: at most alpha steps; stop when a
 * step's cost is no lower than every one of the beta costs before it (no progress); stop when the
 * cost reaches gamma. The answer is the step with the lowest cost.
 *
 * Image priors, each optional (weights 0 by default):
 * - total variation, the mean absolute difference between neighbouring pixels (Rudin, Osher,
 *   Fatemi 1992; as an inversion prior, Mahendran and Vedaldi 2015), favours smooth strokes;
 * - L2, the mean squared pixel (Simonyan, Vedaldi, Zisserman 2014, class model visualisation),
 *   keeps the background dark;
 * - blur between steps, mixing each image with its 3x3 Gaussian blur (Yosinski et al. 2015,
 *   "Understanding Neural Networks Through Deep Visualization", section 3: Gaussian blur as a
 *   regulariser between steps).
 *
 * All classes run as one batch: row r inverts class targets[r], and a row that has stopped is
 * frozen while the others go on. The defaults (alpha 300, beta 50, gamma 0.01, step 0.1 x the
 * normalised gradient) are ours, chosen so that a whole gallery fits in a couple of seconds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MNIST_CLASSES, MNIST_PIXELS, MNIST_SIDE } from '../../data/mnist';
import { pacedYield, throwIfAborted } from '../yield';
import type { InversionTarget } from './target';

export interface PriorWeights {
	/** weight of the total-variation term */
	tv: number;
	/** weight of the mean squared pixel */
	l2: number;
	/** 0..1: how much of each image is replaced by its 3x3 blur after every step */
	blur: number;
}

export const NO_PRIOR: PriorWeights = { tv: 0, l2: 0, blur: 0 };

export interface MiFaceOptions {
	/** the class each row inverts (one row per entry) */
	targets: readonly number[];
	/** alpha: most gradient steps */
	steps: number;
	/** lambda: the step length, in pixel units */
	stepSize: number;
	/**
	 * 'normalized' (default) steps lambda along g / max|g| per image, so a step moves the most
	 * affected pixel by lambda; 'plain' steps lambda x g as in the paper's pseudocode. Plain steps
	 * stall where the target's probability is tiny (its gradient vanishes): deep models from x = 0.
	 */
	gradient?: 'normalized' | 'plain';
	/** beta: stop a class once its cost has not gone below the last beta costs; 0 never */
	patience: number;
	/** gamma: stop a class once its cost is at most this; 0 never */
	goal: number;
	prior?: PriorWeights;
	signal?: AbortSignal;
	onProgress?: (fraction: number) => void;
	/** the current images and confidences, once per frameMs on average (default FRAME_MS) */
	onFrame?: (frame: InversionFrame) => void;
	frameMs?: number;
}

export interface InversionFrame {
	step: number;
	/** [rows * 784] current images */
	pixels: Float32Array;
	/** [rows] target-class probability of each current image */
	confidence: Float32Array;
}

export type StopReason = 'steps' | 'patience' | 'goal';

export interface InversionResult {
	targets: number[];
	/** [rows * 784] the lowest-cost image of each row, pixels in [0, 1] */
	pixels: Float32Array;
	/** [rows] the target-class probability at that image */
	confidence: Float32Array;
	/** [rows] its cost, prior included */
	cost: Float32Array;
	/** [rows] steps taken before the row stopped */
	steps: Int32Array;
	stopped: StopReason[];
	ms: number;
}

/** Checks the options shared by the white-box and black-box attacks; throws a named message. */
export function checkInversionOptions(o: {
	targets: readonly number[];
	steps: number;
	stepSize: number;
	patience: number;
	goal: number;
	prior?: PriorWeights;
}) {
	if (o.targets.length === 0) throw new Error('inversion: give at least one target class');
	for (const t of o.targets)
		if (!Number.isInteger(t) || t < 0 || t >= MNIST_CLASSES)
			throw new Error(`inversion: target class must be a whole number 0-9, got ${t}`);
	if (!Number.isInteger(o.steps) || o.steps < 1)
		throw new Error(`inversion: steps must be a whole number >= 1, got ${o.steps}`);
	if (!(o.stepSize > 0 && Number.isFinite(o.stepSize)))
		throw new Error(`inversion: step size must be a number > 0, got ${o.stepSize}`);
	if (!Number.isInteger(o.patience) || o.patience < 0)
		throw new Error(`inversion: patience must be a whole number >= 0, got ${o.patience}`);
	if (!(o.goal >= 0 && o.goal <= 1))
		throw new Error(`inversion: the cost goal must be between 0 and 1, got ${o.goal}`);
	const p = o.prior ?? NO_PRIOR;
	for (const [name, v] of [
		['total variation', p.tv],
		['L2', p.l2]
	] as const)
		if (!(v >= 0 && Number.isFinite(v)))
			throw new Error(`inversion: the ${name} weight must be a number >= 0, got ${v}`);
	if (!(p.blur >= 0 && p.blur <= 1))
		throw new Error(`inversion: blur must be between 0 and 1, got ${p.blur}`);
}

/**
 * The prior per row, [rows]: tv x mean |neighbour difference| + l2 x mean x^2. No tidy inside,
 * so it can sit under tf.grad; the caller owns the intermediates.
 */
export function priorCost(x: tf.Tensor2D, prior: PriorWeights): tf.Tensor1D {
	const rows = x.shape[0];
	let cost: tf.Tensor1D = tf.zeros([rows]);
	if (prior.tv > 0) {
		const img = tf.reshape(x, [rows, MNIST_SIDE, MNIST_SIDE]);
		const s = MNIST_SIDE - 1;
		const cut = (y: number, x0: number, h: number, w: number) =>
			tf.slice(img, [0, y, x0], [rows, h, w]);
		const dy = tf.abs(tf.sub(cut(1, 0, s, MNIST_SIDE), cut(0, 0, s, MNIST_SIDE)));
		const dx = tf.abs(tf.sub(cut(0, 1, MNIST_SIDE, s), cut(0, 0, MNIST_SIDE, s)));
		const tv = tf.add(tf.mean(dy, [1, 2]), tf.mean(dx, [1, 2]));
		cost = tf.add(cost, tf.mul(tv, prior.tv));
	}
	if (prior.l2 > 0) cost = tf.add(cost, tf.mul(tf.mean(tf.square(x), 1), prior.l2));
	return cost;
}

const BLUR_KERNEL = (() => {
	const k = [1, 2, 1];
	const w = new Float32Array(9);
	for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) w[i * 3 + j] = (k[i] * k[j]) / 16;
	return w;
})();

/** Process: pixels clipped to [0, 1], after mixing in `blur` of each image's 3x3 blur. */
export function processImages(x: tf.Tensor2D, blur: number): tf.Tensor2D {
	return tf.tidy(() => {
		let out = x;
		if (blur > 0) {
			const rows = x.shape[0];
			const img = tf.reshape(x, [rows, MNIST_SIDE, MNIST_SIDE, 1]) as tf.Tensor4D;
			const kernel = tf.tensor4d(BLUR_KERNEL, [3, 3, 1, 1]);
			const blurred = tf.reshape(tf.conv2d(img, kernel, 1, 'same'), [rows, MNIST_PIXELS]);
			out = tf.add(tf.mul(x, 1 - blur), tf.mul(blurred, blur));
		}
		return tf.clipByValue(out, 0, 1);
	});
}

/**
 * The live images' cadence: 25 a second, so that with a late paint now and then the page still
 * draws at least 20 a second (the bench's inversionFramesPerSecond).
 */
export const FRAME_MS = 40;

/**
 * Says whether a live frame is due, on a fixed cadence of one per frameMs: a frame that comes a
 * step late does not push the next one back, so the rate holds at 1000 / frameMs instead of
 * drifting below it (18 a second rather than 20 with steps of a few ms). After a stall longer
 * than a frame the cadence restarts, so no burst of frames follows.
 */
export function frameClock(frameMs: number): () => boolean {
	let next = -Infinity;
	return () => {
		const now = performance.now();
		if (now < next) return false;
		next = now - next >= frameMs ? now + frameMs : next + frameMs;
		return true;
	};
}

/** Per row: the lowest cost so far, and whether the stopping rules have ended it. */
export class StoppingRules {
	readonly best: Float64Array;
	readonly steps: Int32Array;
	readonly stopped: (StopReason | null)[];
	readonly #history: number[][];

	constructor(
		rows: number,
		readonly patience: number,
		readonly goal: number
	) {
		this.best = new Float64Array(rows).fill(Infinity);
		this.steps = new Int32Array(rows);
		this.stopped = new Array<StopReason | null>(rows).fill(null);
		this.#history = Array.from({ length: rows }, () => []);
	}

	get active(): number {
		return this.stopped.filter((s) => s === null).length;
	}

	/**
	 * Takes the costs of the current images (one per row); returns which rows improved on their
	 * best (1) so the caller keeps those images. Rows already stopped are left as they are.
	 */
	observe(costs: ArrayLike<number>): Uint8Array {
		const improved = new Uint8Array(costs.length);
		for (let r = 0; r < costs.length; r++) {
			if (this.stopped[r]) continue;
			const c = costs[r];
			const h = this.#history[r];
			if (c < this.best[r]) {
				this.best[r] = c;
				improved[r] = 1;
			}
			// goal 0 means never, as patience 0 does (a label-only answer reaches cost 0 at once)
			if (this.goal > 0 && c <= this.goal) this.stopped[r] = 'goal';
			else if (this.patience > 0 && h.length >= this.patience && c >= Math.max(...h))
				this.stopped[r] = 'patience';
			h.push(c);
			if (h.length > this.patience) h.shift();
		}
		return improved;
	}

	/** Counts one step for every row still running. */
	stepTaken() {
		for (let r = 0; r < this.steps.length; r++) if (!this.stopped[r]) this.steps[r]++;
	}
}

/**
 * Inverts targets.length classes at once (one image per entry of `targets`). Every tensor it
 * makes is disposed before it returns, also on cancel.
 */
export async function miFace(target: InversionTarget, o: MiFaceOptions): Promise<InversionResult> {
	checkInversionOptions(o);
	const started = performance.now();
	const prior = o.prior ?? NO_PRIOR;
	const rows = o.targets.length;
	const normalized = (o.gradient ?? 'normalized') === 'normalized';
	const frameDue = frameClock(o.frameMs ?? FRAME_MS);
	const oneHot = tf.tidy(() =>
		tf.cast(tf.oneHot(tf.tensor1d([...o.targets], 'int32'), MNIST_CLASSES), 'float32')
	);
	// no tidy in here: it also runs under tf.grad (the callers tidy)
	const terms = (x: tf.Tensor2D) => {
		const p = tf.sum(tf.mul(tf.softmax(target.logits(x)), oneHot), 1) as tf.Tensor1D;
		return { conf: p, cost: tf.add(tf.sub(1, p), priorCost(x, prior)) as tf.Tensor1D };
	};
	const costOf = (x: tf.Tensor2D) => tf.tidy(() => terms(x));
	// One forward pass gives both the step's gradient and the per-row numbers the stopping rules
	// read: the forward keeps conf and cost out of tf.grad's own tidy, and the caller frees them.
	let kept: { conf: tf.Tensor1D; cost: tf.Tensor1D } | null = null;
	const gradOf = tf.grad((x) => {
		const t = terms(x as tf.Tensor2D);
		kept = { conf: tf.keep(t.conf), cost: tf.keep(t.cost) };
		return tf.sum(t.cost);
	});
	/** the gradient at x and the confidences and costs at x, from one forward pass */
	const stepAt = (x: tf.Tensor2D) => {
		const g = gradOf(x) as tf.Tensor2D;
		const k = kept!;
		kept = null;
		return { g, ...k };
	};
	let x: tf.Tensor2D = tf.zeros([rows, MNIST_PIXELS]);
	let best: tf.Tensor = tf.zeros([rows, MNIST_PIXELS]);
	const rules = new StoppingRules(rows, o.patience, o.goal);
	const bestConf = new Float32Array(rows);
	const bestCost = new Float32Array(rows);
	const pace = pacedYield();
	/** the gradient of this step until it has moved x (freed on cancel too) */
	let pending: tf.Tensor | null = null;
	try {
		for (let step = 0; step <= o.steps; step++) {
			throwIfAborted(o.signal);
			// the last step only scores x; every other one also takes its gradient
			const last = step === o.steps;
			const { conf, cost, g } = last ? { ...costOf(x), g: null } : stepAt(x);
			let confs: Float32Array, costs: Float32Array;
			try {
				[confs, costs] = (await Promise.all([conf.data(), cost.data()])) as Float32Array[];
			} finally {
				tf.dispose([conf, cost]);
			}
			pending = g;
			const improved = rules.observe(costs);
			for (let r = 0; r < rows; r++)
				if (improved[r]) {
					bestConf[r] = confs[r];
					bestCost[r] = costs[r];
				}
			const keep = tf.tensor2d(improved, [rows, 1], 'float32');
			const nextBest = tf.tidy(() => tf.add(tf.mul(x, keep), tf.mul(best, tf.sub(1, keep))));
			tf.dispose([keep, best]);
			best = nextBest;
			if (o.onFrame && frameDue()) {
				o.onFrame({
					step,
					pixels: (await x.data()) as Float32Array,
					confidence: Float32Array.from(confs)
				});
			}
			if (last || rules.active === 0) break;
			const active = tf.tensor2d(
				rules.stopped.map((s) => (s ? 0 : 1)),
				[rows, 1],
				'float32'
			);
			const next = tf.tidy(() => {
				let grad = g!;
				if (normalized) grad = tf.div(grad, tf.add(tf.max(tf.abs(grad), 1, true), 1e-12));
				const moved = processImages(tf.sub(x, tf.mul(grad, o.stepSize)), prior.blur);
				return tf.add(tf.mul(moved, active), tf.mul(x, tf.sub(1, active))) as tf.Tensor2D;
			});
			tf.dispose([active, x, g!]);
			pending = null;
			x = next;
			rules.stepTaken();
			o.onProgress?.((step + 1) / o.steps);
			await pace.due();
		}
		return {
			targets: [...o.targets],
			pixels: (await best.data()) as Float32Array,
			confidence: bestConf,
			cost: bestCost,
			steps: rules.steps,
			stopped: rules.stopped.map((s) => s ?? 'steps'),
			ms: performance.now() - started
		};
	} finally {
		tf.dispose([x, best, oneHot]);
		if (pending) tf.dispose(pending);
	}
}

/** Every class 0-9, one row each: the gallery. */
export const ALL_CLASSES: readonly number[] = Array.from({ length: MNIST_CLASSES }, (_, c) => c);
