/**
 * The privacy accountant for DP-SGD: Renyi differential privacy (RDP) of the sampled Gaussian
 * mechanism, composed over training steps and converted to an (epsilon, delta) guarantee.
 * Plain numbers, no tfjs; nothing runs at import. All sums are kept in log space because the
 * terms span hundreds of orders of magnitude (exp((k^2 - k) / (2 sigma^2)) against q^k).
 */
import { logGamma } from '../../base/gamma';

export { logGamma };

/** Opacus's default orders: 1.1, 1.2, ..., 10.9, then 12, 13, ..., 63. */
export const OPACUS_DEFAULT_ORDERS: readonly number[] = Object.freeze([
	...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
	...Array.from({ length: 52 }, (_, i) => 12 + i)
]);

/** The orders of TF Privacy's compute_dp_sgd_privacy CLI. */
export const TF_PRIVACY_CLI_ORDERS: readonly number[] = Object.freeze([
	1.25,
	1.5,
	1.75,
	2,
	2.25,
	2.5,
	3,
	3.5,
	4,
	4.5,
	...Array.from({ length: 59 }, (_, i) => 5 + i),
	128,
	256,
	512
]);

export type Conversion = 'current' | 'older';

// Terms below this log-magnitude end the fractional-order series, as in TF Privacy and Opacus.
// A_alpha >= ~1 there, so -30 is also about 30 nats below the sum.
const LOG_NEGLIGIBLE = -30;
const MAX_SERIES_TERMS = 100_000;

// ---------------------------------------------------------------------------------------------
// Numerical helpers

/** log(exp(x) + exp(y)) without overflow. */
function logAdd(x: number, y: number): number {
	const hi = Math.max(x, y);
	const lo = Math.min(x, y);
	if (lo === -Infinity) return hi;
	return hi + Math.log1p(Math.exp(lo - hi));
}

/** log(exp(x) - exp(y)) for x >= y; a negative result means the series lost precision. */
function logSub(x: number, y: number): number {
	if (x < y) {
		throw new RangeError(
			'rdp: the fractional-order series went negative (lost precision); try an integer order'
		);
	}
	if (y === -Infinity) return x;
	if (x === y) return -Infinity;
	const diff = Math.expm1(x - y);
	return Number.isFinite(diff) ? Math.log(diff) + y : x;
}

/** ln C(n, k) for integers 0 <= k <= n. */
function logBinomial(n: number, k: number): number {
	if (k === 0 || k === n) return 0;
	return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * ln erfc(x), accurate in both tails: a positive series for erf near 0, and the Laplace
 * continued fraction for |x| >= 2 where 1 - erf(x) would cancel to nothing.
 */
export function logErfc(x: number): number {
	if (Number.isNaN(x)) return NaN;
	if (x === Infinity) return -Infinity;
	if (x === -Infinity) return Math.LN2;
	if (x >= 2) return logErfcContinuedFraction(x);
	if (x <= -2) return Math.log(2 - Math.exp(logErfcContinuedFraction(-x)));
	return Math.log(1 - erfSeries(x));
}

// erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)); all terms share a sign.
function erfSeries(x: number): number {
	let term = x;
	let sum = x;
	for (let n = 0; n < 500; n++) {
		term *= (2 * x * x) / (2 * n + 3);
		sum += term;
		if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
	}
	return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

// erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), by modified Lentz.
function logErfcContinuedFraction(x: number): number {
	const tiny = 1e-300;
	let f = x;
	let c = x;
	let d = 0;
	for (let n = 1; n < 5000; n++) {
		const a = n / 2;
		d = x + a * d;
		if (Math.abs(d) < tiny) d = tiny;
		d = 1 / d;
		c = x + a / c;
		if (Math.abs(c) < tiny) c = tiny;
		const step = c * d;
		f *= step;
		if (Math.abs(step - 1) < 1e-16) break;
	}
	return -x * x - 0.5 * Math.log(Math.PI) - Math.log(f);
}

// ---------------------------------------------------------------------------------------------
// Validation: each message names the parameter and what it must be.

function checkQ(q: number) {
	if (!(Number.isFinite(q) && q >= 0 && q <= 1)) {
		throw new RangeError(`q (sampling rate) must be a number in [0, 1], got ${q}`);
	}
}

function checkSigma(sigma: number) {
	if (!(Number.isFinite(sigma) && sigma >= 0)) {
		throw new RangeError(`sigma (noise multiplier) must be a finite number >= 0, got ${sigma}`);
	}
}

function checkOrder(order: number, where = 'order') {
	if (!(Number.isFinite(order) && order > 1)) {
		throw new RangeError(`${where} must be a finite number > 1, got ${order}`);
	}
}

function checkOrders(orders: readonly number[]) {
	if (!Array.isArray(orders) || orders.length === 0) {
		throw new RangeError('orders must be a non-empty list of numbers > 1');
	}
	orders.forEach((a, i) => checkOrder(a, `orders[${i}]`));
}

function checkSteps(steps: number) {
	if (!(Number.isInteger(steps) && steps >= 0)) {
		throw new RangeError(`steps must be a whole number >= 0, got ${steps}`);
	}
}

function checkDelta(delta: number) {
	if (!(delta > 0 && delta < 1)) {
		throw new RangeError(`delta must be a number in (0, 1), got ${delta}`);
	}
}

// ---------------------------------------------------------------------------------------------
// RDP of the sampled Gaussian mechanism

/**
 * Mironov, Talwar, Zhang 2019, "Renyi Differential Privacy of the Sampled Gaussian Mechanism",
 * Sec. 3.3 (integer alpha): A_alpha = sum_k C(alpha, k) (1-q)^(alpha-k) q^k exp((k^2 - k)/(2 s^2)).
 * Returns log A_alpha; each term's log binomial comes from lgamma.
 */
function logAInteger(q: number, sigma: number, alpha: number): number {
	const logQ = Math.log(q);
	const log1mQ = Math.log1p(-q);
	let logA = -Infinity;
	for (let k = 0; k <= alpha; k++) {
		const term =
			logBinomial(alpha, k) + k * logQ + (alpha - k) * log1mQ + (k * k - k) / (2 * sigma * sigma);
		logA = logAdd(logA, term);
	}
	return logA;
}

/**
 * Mironov, Talwar, Zhang 2019, Sec. 3.3 (fractional alpha): A_alpha = A_0 + A_1, two series over
 * i >= 0 with generalised binomial coefficients C(alpha, i), whose signs alternate once i > alpha,
 * split at z0 = sigma^2 ln(1/q - 1) + 1/2 with erfc tail weights. As in TF Privacy and Opacus, each
 * series is accumulated with a signed log-add / log-sub and stops once both new terms fall
 * below e^-30.
 */
function logAFractional(q: number, sigma: number, alpha: number): number | null {
	let logA0 = -Infinity;
	let logA1 = -Infinity;
	const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
	const logQ = Math.log(q);
	const log1mQ = Math.log1p(-q);
	const twoSigma2 = 2 * sigma * sigma;
	const sqrt2Sigma = Math.SQRT2 * sigma;
	// |C(alpha, i)| and its sign, carried from one i to the next.
	let logCoef = 0;
	let coefPositive = true;
	for (let i = 0; i < MAX_SERIES_TERMS; i++) {
		if (i > 0) {
			const factor = (alpha - i + 1) / i;
			logCoef += Math.log(Math.abs(factor));
			if (factor < 0) coefPositive = !coefPositive;
		}
		const j = alpha - i;
		const logT0 = logCoef + i * logQ + j * log1mQ;
		const logT1 = logCoef + j * logQ + i * log1mQ;
		const logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2Sigma);
		const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
		const logS0 = logT0 + (i * i - i) / twoSigma2 + logE0;
		const logS1 = logT1 + (j * j - j) / twoSigma2 + logE1;
		// A term that is already infinite (or infinity minus infinity) in floating point: sigma is so
		// small that the series cannot be summed; the caller bounds it. Summing on would only spin
		// through every term (a minute for sigma near 1e-154) to reach the same answer.
		if (Number.isNaN(logS0) || Number.isNaN(logS1) || logS0 === Infinity || logS1 === Infinity)
			return null;
		if (coefPositive) {
			logA0 = logAdd(logA0, logS0);
			logA1 = logAdd(logA1, logS1);
		} else {
			logA0 = logSub(logA0, logS0);
			logA1 = logSub(logA1, logS1);
		}
		if (Math.max(logS0, logS1) < LOG_NEGLIGIBLE) return logAdd(logA0, logA1);
	}
	// Not converged: only for noise so small that the guarantee is void anyway (the caller bounds it).
	return null;
}

/**
 * RDP of ONE step of the sampled Gaussian mechanism (sampling rate q, noise multiplier sigma) at
 * Renyi order `order`: log(A_order) / (order - 1), Mironov, Talwar, Zhang 2019. Edge cases as in
 * TF Privacy: q = 0 releases nothing (0); sigma = 0 adds no noise (Infinity); q = 1 is the plain
 * Gaussian mechanism, order / (2 sigma^2) (Mironov 2017, Prop. 7).
 */
export function rdpSampledGaussian(q: number, sigma: number, order: number): number {
	checkQ(q);
	checkSigma(sigma);
	checkOrder(order);
	if (q === 0) return 0;
	// sigma^2 below the smallest double (sigma < ~1e-154) is no noise at all in floating point.
	if (sigma * sigma === 0) return Infinity;
	const gaussian = order / (2 * sigma * sigma);
	if (q === 1) return gaussian;
	const logA = Number.isInteger(order)
		? logAInteger(q, sigma, order)
		: logAFractional(q, sigma, order);
	// Subsampling never hurts: the sampled mechanism's RDP is at most the plain Gaussian's (Renyi
	// divergence is quasi-convex, van Erven, Harremoes 2014, Thm. 13), a valid bound where the
	// series does not converge or overflows (sigma so small that epsilon is astronomic).
	if (logA === null || !Number.isFinite(logA)) return gaussian;
	return Math.min(logA / (order - 1), gaussian);
}

/**
 * RDP after `steps` steps at each order: RDP composes additively (Mironov 2017, Prop. 1), so it is
 * steps times the one-step value.
 */
export function computeRdp(
	q: number,
	sigma: number,
	steps: number,
	orders: readonly number[]
): number[] {
	checkQ(q);
	checkSigma(sigma);
	checkSteps(steps);
	checkOrders(orders);
	// Zero steps spend nothing, even where one step would be infinite (Infinity * 0 is NaN).
	if (steps === 0) return orders.map(() => 0);
	return orders.map((a) => steps * rdpSampledGaussian(q, sigma, a));
}

/**
 * Converts RDP at several orders to (epsilon, delta)-DP and returns the smallest epsilon with the
 * order that gave it (the first such order on a tie). NaN as the order means no order gave a
 * finite bound.
 *
 * 'older': Mironov 2017, "Renyi Differential Privacy", Prop. 3:
 *   eps = min_a [ rdp(a) - ln(delta) / (a - 1) ].
 * 'current': Balle, Barthe, Gaboardi, Hsu, Sato 2020, "Hypothesis Testing Interpretations and
 *   Renyi Differential Privacy", Thm 21 (also Canonne, Kamath, Steinke 2020), as TF Privacy uses:
 *   eps = min_a [ rdp(a) + ln(1 - 1/a) - (ln(delta) + ln(a)) / (a - 1) ],
 * with TF Privacy's guards: when delta^2 + expm1(-rdp) > 0 the KL bound already gives eps = 0,
 * orders at or below 1.01 are numerically unstable and give no bound, and eps is at least 0.
 */
export function rdpToEpsilon(
	orders: readonly number[],
	rdp: readonly number[],
	delta: number,
	conversion: Conversion = 'current'
): { epsilon: number; order: number } {
	checkOrders(orders);
	checkDelta(delta);
	if (!Array.isArray(rdp) || rdp.length !== orders.length) {
		throw new RangeError(
			`rdp must have one value per order (${orders.length} orders, got ${Array.isArray(rdp) ? rdp.length : typeof rdp})`
		);
	}
	rdp.forEach((r, i) => {
		if (!(r >= 0)) throw new RangeError(`rdp[${i}] must be >= 0 (or Infinity), got ${r}`);
	});
	if (conversion !== 'current' && conversion !== 'older') {
		throw new RangeError(`conversion must be 'current' or 'older', got ${String(conversion)}`);
	}
	const logDelta = Math.log(delta);
	let best = { epsilon: Infinity, order: NaN };
	orders.forEach((a, i) => {
		const r = rdp[i];
		let eps: number;
		if (r === Infinity) eps = Infinity;
		else if (conversion === 'older') eps = r - logDelta / (a - 1);
		else if (delta * delta + Math.expm1(-r) > 0) eps = 0;
		else if (a > 1.01) eps = r + Math.log1p(-1 / a) - (logDelta + Math.log(a)) / (a - 1);
		else eps = Infinity;
		eps = Math.max(0, eps);
		if (eps < best.epsilon) best = { epsilon: eps, order: a };
	});
	return best;
}

export interface EpsilonQuery {
	/** sampling rate, batch / N */
	q: number;
	/** noise multiplier: noise std / clipping norm */
	sigma: number;
	steps: number;
	delta: number;
	/** Renyi orders to minimise over; Opacus's defaults if omitted */
	orders?: readonly number[];
	/** 'current' (Balle et al. 2020) unless given */
	conversion?: Conversion;
}

/** The (epsilon, delta) guarantee of DP-SGD after `steps` steps, and the order that gave it. */
export function epsilonFor({
	q,
	sigma,
	steps,
	delta,
	orders = OPACUS_DEFAULT_ORDERS,
	conversion = 'current'
}: EpsilonQuery): { epsilon: number; order: number } {
	checkDelta(delta);
	return rdpToEpsilon(orders, computeRdp(q, sigma, steps, orders), delta, conversion);
}

/**
 * Steps and sampling rate of `epochs` passes over `n` examples in batches of `batch`, counted as
 * TF Privacy's compute_dp_sgd_privacy does: q = batch / n, steps = ceil(epochs * n / batch).
 */
export function stepsFor(n: number, batch: number, epochs: number): { q: number; steps: number } {
	if (!(Number.isInteger(n) && n >= 1)) {
		throw new RangeError(`n (training set size) must be a whole number >= 1, got ${n}`);
	}
	if (!(Number.isInteger(batch) && batch >= 1 && batch <= n)) {
		throw new RangeError(`batch must be a whole number from 1 to n (${n}), got ${batch}`);
	}
	if (!(Number.isFinite(epochs) && epochs >= 0)) {
		throw new RangeError(`epochs must be a number >= 0, got ${epochs}`);
	}
	return { q: batch / n, steps: Math.ceil((epochs * n) / batch) };
}

export interface SigmaQuery extends Omit<EpsilonQuery, 'sigma'> {
	/** the epsilon the noise must not exceed, > 0 */
	targetEpsilon: number;
	/** relative precision of sigma (default 1e-9) */
	tolerance?: number;
}

/** The largest noise multiplier the solver tries before it says no sigma reaches the target. */
export const SIGMA_SEARCH_MAX = 1e4;

/**
 * The smallest noise multiplier sigma whose (epsilon, delta) after `steps` steps at sampling rate
 * q does not exceed `targetEpsilon`: the accountant (epsilonFor, the same orders and conversion)
 * solved for sigma, as Opacus's get_noise_multiplier and TF Privacy's compute_noise do. Epsilon
 * falls as sigma grows, so a doubling bracket then the Illinois method finds it (12-25
 * evaluations of the accountant, against 35 for bisection); the sigma returned always
 * meets the target (it is the upper end of the last bracket), to `tolerance` relative.
 * Throws a RangeError naming the parameter when the query is out of range or no sigma up to
 * SIGMA_SEARCH_MAX reaches the target.
 */
export function sigmaFor({
	targetEpsilon,
	q,
	steps,
	delta,
	orders = OPACUS_DEFAULT_ORDERS,
	conversion = 'current',
	tolerance = 1e-9
}: SigmaQuery): { sigma: number; epsilon: number; order: number; evaluations: number } {
	if (!(Number.isFinite(targetEpsilon) && targetEpsilon > 0))
		throw new RangeError(`target epsilon must be a number > 0, got ${targetEpsilon}`);
	if (!(tolerance > 0 && tolerance < 1))
		throw new RangeError(`tolerance must be in (0, 1), got ${tolerance}`);
	let evaluations = 0;
	const at = (sigma: number) => {
		evaluations++;
		return epsilonFor({ q, sigma, steps, delta, orders, conversion });
	};
	// no noise needed: nothing is released about anyone (q = 0 or no steps)
	const none = at(0);
	if (none.epsilon <= targetEpsilon) return { sigma: 0, ...none, evaluations };
	let lo = 0;
	let hi = 1;
	let best = at(hi);
	while (best.epsilon > targetEpsilon) {
		lo = hi;
		hi *= 2;
		if (hi > SIGMA_SEARCH_MAX)
			throw new RangeError(
				`no noise multiplier up to ${SIGMA_SEARCH_MAX} brings epsilon down to ${targetEpsilon} (q ${q}, ${steps} steps, delta ${delta})`
			);
		best = at(hi);
	}
	// Illinois (regula falsi that halves the stale end's weight) on ln(epsilon) - ln(target),
	// keeping [lo, hi] a bracket with hi always meeting the target; bisection where the secant
	// has no finite ends
	const logTarget = Math.log(targetEpsilon);
	let flo = Math.log(lo === 0 ? none.epsilon : at(lo).epsilon) - logTarget;
	let fhi = Math.log(best.epsilon) - logTarget;
	let side = 0;
	while (hi - lo > tolerance * hi) {
		let mid =
			Number.isFinite(flo) && Number.isFinite(fhi) ? (lo * fhi - hi * flo) / (fhi - flo) : NaN;
		if (!(mid > lo && mid < hi)) mid = (lo + hi) / 2;
		const r = at(mid);
		const f = Math.log(r.epsilon) - logTarget;
		if (f <= 0) {
			hi = mid;
			fhi = f;
			best = r;
			if (side === -1) flo /= 2;
			side = -1;
		} else {
			lo = mid;
			flo = f;
			if (side === 1) fhi /= 2;
			side = 1;
		}
	}
	return { sigma: hi, epsilon: best.epsilon, order: best.order, evaluations };
}
