/**
 * The Shapiro-Wilk test of normality, for the PRADA extraction detector. Framework-free float64.
 *
 * Shapiro, Wilk 1965 define W = (sum a_i x_(i))^2 / sum (x_i - mean)^2 over the sorted sample,
 * with a_i built from the expected normal order statistics. The exact a_i are expensive, so this
 * uses Royston's approximations: the coefficients of Royston 1992 ("Approximating the
 * Shapiro-Wilk W-test for non-normality", Statistics and Computing 2, section 2) and the normalising
 * transformation of W for the p-value of Royston 1995 (Applied Statistics algorithm AS R94), valid
 * for 3 <= n <= 5000.
 */
import { normalCdf, normalQuantile } from '../../base/normal';

function poly(coefficients: readonly number[], x: number): number {
	let result = 0;
	for (let i = coefficients.length - 1; i >= 0; i--) result = result * x + coefficients[i];
	return result;
}

// Royston 1992, the corrections to the two outermost coefficients, as polynomials in 1/sqrt(n).
const C1 = [0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
const C2 = [0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
// Royston 1995: mean and log-sd of the normalised statistic, small and large samples.
const C3 = [0.544, -0.39978, 0.025054, -6.714e-4];
const C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
const C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
const C6 = [-0.4803, -0.082676, 0.0030302];
const G = [-2.273, 0.459];

// The coefficients depend on n alone, and a monitor such as PRADA tests samples that grow by
// one: computing them (n / 2 normal quantiles) was most of each test. Kept per n.
const coefficientCache = new Map<number, Float64Array>();
const CACHE_LIMIT = 256;

/**
 * The Shapiro-Wilk coefficients a_1..a_n for a sample of n (a_i = -a_(n+1-i)). The array is
 * shared between calls with the same n: read it, do not write it.
 */
export function shapiroWilkCoefficients(n: number): Float64Array {
	if (!Number.isInteger(n) || n < 3 || n > 5000) {
		throw new Error(`Shapiro-Wilk needs 3 to 5000 values, got ${n}`);
	}
	let a = coefficientCache.get(n);
	if (!a) {
		a = computeCoefficients(n);
		if (coefficientCache.size >= CACHE_LIMIT) coefficientCache.clear();
		coefficientCache.set(n, a);
	}
	return a;
}

function computeCoefficients(n: number): Float64Array {
	const a = new Float64Array(n);
	const half = Math.floor(n / 2);
	if (n === 3) {
		a[0] = -Math.SQRT1_2;
		a[2] = Math.SQRT1_2;
		return a;
	}
	// m_i: approximate expected normal order statistics (Blom's plotting positions).
	const m = new Float64Array(half);
	let sumM2 = 0;
	for (let i = 0; i < half; i++) {
		m[i] = normalQuantile((i + 1 - 0.375) / (n + 0.25));
		sumM2 += m[i] * m[i];
	}
	sumM2 *= 2;
	const root = Math.sqrt(sumM2);
	const u = 1 / Math.sqrt(n);
	const top = [poly(C1, u) - m[0] / root];
	let fac: number;
	if (n > 5) {
		top.push(poly(C2, u) - m[1] / root);
		fac = Math.sqrt(
			(sumM2 - 2 * m[0] * m[0] - 2 * m[1] * m[1]) / (1 - 2 * top[0] ** 2 - 2 * top[1] ** 2)
		);
	} else {
		fac = Math.sqrt((sumM2 - 2 * m[0] * m[0]) / (1 - 2 * top[0] ** 2));
	}
	for (let i = 0; i < half; i++) {
		const coefficient = i < top.length ? top[i] : -m[i] / fac;
		a[n - 1 - i] = coefficient;
		a[i] = -coefficient;
	}
	return a;
}

export interface ShapiroWilkResult {
	/** The statistic, in (0, 1]; close to 1 for normal data. */
	w: number;
	/** Probability of a W this small or smaller under normality (Royston 1995). */
	p: number;
}

/**
 * Shapiro-Wilk W and its p-value for 3 to 5000 values (any order). A sample with no spread at all
 * gets W = 1 and p = 1 by convention of this module (nothing to test), never NaN.
 */
export function shapiroWilk(values: ArrayLike<number>): ShapiroWilkResult {
	const n = values.length;
	const x = Float64Array.from(values).sort();
	const a = shapiroWilkCoefficients(n);
	let mean = 0;
	for (const v of x) mean += v;
	mean /= n;
	let ssq = 0;
	for (const v of x) ssq += (v - mean) ** 2;
	// Relative to the scale of the data, a zero spread means identical values.
	if (!(ssq > (Number.EPSILON * mean) ** 2 * n)) return { w: 1, p: 1 };
	let num = 0;
	for (let i = 0; i < n; i++) num += a[i] * (x[i] - mean);
	const w = Math.min(1, (num * num) / ssq);
	return { w, p: shapiroWilkPValue(w, n) };
}

/** Royston 1995: the p-value of W for a sample of n. */
export function shapiroWilkPValue(w: number, n: number): number {
	if (n === 3) {
		// Exact for n = 3: 6 / pi (asin(sqrt(W)) - asin(sqrt(3 / 4))).
		const p = (6 / Math.PI) * (Math.asin(Math.sqrt(w)) - Math.PI / 3);
		return Math.max(0, Math.min(1, p));
	}
	let y = Math.log(1 - w);
	let mu: number;
	let sigma: number;
	if (n <= 11) {
		const gamma = poly(G, n);
		if (y >= gamma) return 1e-99;
		y = -Math.log(gamma - y);
		mu = poly(C3, n);
		sigma = Math.exp(poly(C4, n));
	} else {
		const ln = Math.log(n);
		mu = poly(C5, ln);
		sigma = Math.exp(poly(C6, ln));
	}
	return 1 - normalCdf((y - mu) / sigma);
}
