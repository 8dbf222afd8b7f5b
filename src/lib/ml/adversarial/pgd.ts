import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '../classifier';
import type { Rng } from '../../base/rng';
import { pacedYield, throwIfAborted } from '../yield';
import { lossGradientSign } from './fgsm';

export interface PgdOptions {
	/** L-infinity radius of the ball around x, in pixel units ([0, 1]) */
	eps: number;
	/** number of gradient steps, >= 1 */
	steps: number;
	/** size of each step; default 2.5 * eps / steps */
	stepSize?: number;
	/** start from a uniform draw in the ball (PGD) instead of from x itself (BIM) */
	randomStart: boolean;
	/** the seeded generator for the random start; required when randomStart is true */
	rng?: Rng;
	/** labels are target classes and their loss is descended, instead of ascending the true one */
	targeted?: boolean;
}

interface Plan {
	eps: number;
	steps: number;
	stepSize: number;
	randomStart: boolean;
	rng?: Rng;
	targeted: boolean;
}

function plan(opts: PgdOptions): Plan {
	const { eps, steps } = opts;
	if (!(eps >= 0) || !Number.isFinite(eps))
		throw new Error(`pgd: eps must be a number >= 0, got ${eps}`);
	if (!Number.isInteger(steps) || steps < 1)
		throw new Error(`pgd: steps must be a whole number >= 1, got ${steps}`);
	// 2.5 * eps of total travel: enough to cross the ball from a random start and then move
	// along its faces, with steps small enough to follow the loss surface.
	const stepSize = opts.stepSize ?? (2.5 * eps) / steps;
	if (!(stepSize >= 0) || !Number.isFinite(stepSize))
		throw new Error(`pgd: stepSize must be a number >= 0, got ${opts.stepSize}`);
	if (opts.randomStart && !opts.rng)
		throw new Error('pgd: randomStart needs opts.rng (createRng(seed)) so that a run reproduces');
	return {
		eps,
		steps,
		stepSize,
		randomStart: opts.randomStart,
		rng: opts.rng,
		targeted: opts.targeted ?? false
	};
}

/** The feasible set, the eps-ball around x intersected with [0, 1]: a box, so projection is a clip. */
interface Box {
	lower: tf.Tensor4D;
	upper: tf.Tensor4D;
}

function feasibleBox(x: tf.Tensor4D, eps: number): Box {
	return {
		lower: tf.tidy(() => tf.maximum(tf.sub(x, eps), 0)),
		upper: tf.tidy(() => tf.minimum(tf.add(x, eps), 1))
	};
}

function project(t: tf.Tensor4D, box: Box): tf.Tensor4D {
	return tf.tidy(() => tf.minimum(tf.maximum(t, box.lower), box.upper));
}

/**
 * x itself (BIM) or x plus uniform noise in [-eps, eps] (PGD), projected. The noise comes from
 * the seeded Rng, drawn pixel by pixel in digit order, so browser and Node make the same start
 * and a digit's start does not depend on how the digits were batched.
 */
function start(x: tf.Tensor4D, box: Box, p: Plan): tf.Tensor4D {
	if (!p.randomStart || !p.rng) return tf.clone(x);
	const noise = new Float32Array(x.size);
	for (let i = 0; i < noise.length; i++) noise[i] = (2 * p.rng() - 1) * p.eps;
	return tf.tidy(() => project(tf.add(x, tf.tensor4d(noise, x.shape)), box));
}

function step(
	classifier: Classifier,
	adv: tf.Tensor4D,
	labels: tf.Tensor1D,
	box: Box,
	p: Plan
): tf.Tensor4D {
	return tf.tidy(() => {
		const move = tf.mul(lossGradientSign(classifier, adv, labels), p.stepSize);
		return project(p.targeted ? tf.sub(adv, move) : tf.add(adv, move), box);
	});
}

/**
 * Iterative FGSM with projection: x_{k+1} = Proj_{B(x, eps) ∩ [0,1]}(x_k ± stepSize * sign(grad_x J)).
 *
 * BIM (randomStart false): Kurakin, Goodfellow, Bengio 2017, "Adversarial examples in the
 * physical world", section 2.2 (basic iterative method), starting at x.
 * PGD (randomStart true): Madry et al. 2018, "Towards Deep Learning Models Resistant to
 * Adversarial Attacks", section 2.1, starting at a uniform random point of the ball.
 * With `targeted`, labels are the target classes and each step descends their loss (Kurakin et
 * al. 2017, section 2.3, the iterative least-likely class method with any chosen target).
 *
 * Yields to the event loop about every 30 ms, so a page stays responsive, and stops with an
 * AbortError when the signal fires. Do not call it inside tf.tidy (tidy is synchronous). Returns
 * a new [n, 28, 28, 1] tensor the caller owns; nothing else survives the call.
 */
export async function pgd(
	classifier: Classifier,
	x: tf.Tensor4D,
	labels: tf.Tensor1D,
	opts: PgdOptions & { signal?: AbortSignal }
): Promise<tf.Tensor4D> {
	const p = plan(opts);
	throwIfAborted(opts.signal);
	const box = feasibleBox(x, p.eps);
	let adv = start(x, box, p);
	const pace = pacedYield();
	try {
		for (let k = 0; k < p.steps; k++) {
			const next = step(classifier, adv, labels, box, p);
			adv.dispose();
			adv = next;
			if (k + 1 < p.steps && (await pace.due()) > 0) throwIfAborted(opts.signal);
		}
		throwIfAborted(opts.signal);
		return adv;
	} catch (err) {
		adv.dispose();
		throw err;
	} finally {
		tf.dispose([box.lower, box.upper]);
	}
}
