/**
 * The regularized incomplete beta function I_x(a, b), its inverse in x, and the Clopper-Pearson
 * interval for a binomial proportion built on them (Clopper, Pearson 1934: the bounds are beta
 * quantiles, exact in the sense that the coverage is at least 1 - alpha for every p). Used where a
 * count must become a guaranteed bound: the empirical epsilon of a membership attack (Jagielski,
 * Ullman, Oprea 2020) and randomized smoothing's certificate (Cohen, Rosenfeld, Kolter 2019).
 *
 * I_x(a, b) by its continued fraction (Abramowitz and Stegun 26.5.8), evaluated with the modified
 * Lentz method, on the side of x where it converges fast (x < (a + 1) / (a + b + 2), else through
 * I_x(a, b) = 1 - I_{1-x}(b, a)). Dependency-free.
 */
import { logGamma } from './gamma';

const TINY = 1e-300;
const EPS = 1e-15;

/** The continued fraction of I_x(a, b) / (x^a (1-x)^b / (a B(a, b))), modified Lentz. */
function betaFraction(x: number, a: number, b: number): number {
	let c = 1;
	let d = 1 - ((a + b) * x) / (a + 1);
	if (Math.abs(d) < TINY) d = TINY;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 1000; m++) {
		const m2 = 2 * m;
		// even step
		let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
		d = 1 + num * d;
		if (Math.abs(d) < TINY) d = TINY;
		c = 1 + num / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		h *= d * c;
		// odd step
		num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		if (Math.abs(d) < TINY) d = TINY;
		c = 1 + num / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		const step = d * c;
		h *= step;
		if (Math.abs(step - 1) < EPS) return h;
	}
	return h;
}

/** I_x(a, b), the regularized incomplete beta function (the Beta(a, b) CDF at x); a, b > 0. */
export function betaCdf(x: number, a: number, b: number): number {
	if (!(a > 0 && b > 0)) throw new RangeError(`beta: a and b must be > 0, got ${a} and ${b}`);
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const logFront =
		logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
	if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaFraction(x, a, b)) / a;
	return 1 - (Math.exp(logFront) * betaFraction(1 - x, b, a)) / b;
}

/** The p-quantile of Beta(a, b): the x with I_x(a, b) = p, by bisection to 1e-14. */
export function betaQuantile(p: number, a: number, b: number): number {
	if (!(p >= 0 && p <= 1)) throw new RangeError(`beta quantile: p must be in [0, 1], got ${p}`);
	if (p === 0) return 0;
	if (p === 1) return 1;
	let lo = 0;
	let hi = 1;
	for (let i = 0; i < 100 && hi - lo > 1e-14; i++) {
		const mid = (lo + hi) / 2;
		if (betaCdf(mid, a, b) < p) lo = mid;
		else hi = mid;
	}
	return (lo + hi) / 2;
}

/**
 * The one-sided Clopper-Pearson bounds of a proportion seen `k` times in `n` trials: `lower` is
 * the largest p with P(X >= k | p) <= alpha (0 when k = 0), `upper` the smallest p with
 * P(X <= k | p) <= alpha (1 when k = n). Each holds with probability at least 1 - alpha; for a
 * two-sided interval at level 1 - alpha give alpha / 2.
 */
export function clopperPearson(
	k: number,
	n: number,
	alpha: number
): { lower: number; upper: number } {
	if (!(Number.isInteger(n) && n >= 1))
		throw new RangeError(`trials must be a whole number >= 1, got ${n}`);
	if (!(Number.isInteger(k) && k >= 0 && k <= n))
		throw new RangeError(`successes must be a whole number from 0 to ${n}, got ${k}`);
	if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
	return {
		lower: k === 0 ? 0 : betaQuantile(alpha, k, n - k + 1),
		upper: k === n ? 1 : betaQuantile(1 - alpha, k + 1, n - k)
	};
}
