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

/**
 * Inverse of the standard normal CDF. Acklam's rational approximation (relative error below
 * 1.2e-9), refined by one Halley step against the CDF below.
 */
export function normalQuantile(p: number): number {
	if (!(p > 0 && p < 1)) {
		if (p === 0) return -Infinity;
		if (p === 1) return Infinity;
		throw new Error(`normalQuantile: p must be in [0, 1], got ${p}`);
	}
	const a = [
		-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
		2.506628277459239
	];
	const b = [
		-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572
	];
	const c = [
		-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
		4.374664141464968, 2.938163982698783
	];
	const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
	const low = 0.02425;
	let x: number;
	if (p < low) {
		const q = Math.sqrt(-2 * Math.log(p));
		x =
			(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= 1 - low) {
		const q = p - 0.5;
		const r = q * q;
		x =
			((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	} else {
		const q = Math.sqrt(-2 * Math.log(1 - p));
		x =
			-(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	// One Halley step brings it to nearly full double precision.
	const e = normalCdf(x) - p;
	const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
	return x - u / (1 + (x * u) / 2);
}

/**
 * erfc(x): the Maclaurin series of erf below 2 (where it converges in a few dozen terms without
 * losing digits), the Laplace continued fraction above (evaluated by Lentz's method).
 */
function erfc(x: number): number {
	if (x < 0) return 2 - erfc(-x);
	if (x < 2) {
		// Maclaurin series of erf: converges fast for small x, full double precision.
		let term = x;
		let sum = x;
		for (let n = 1; n < 60; n++) {
			term *= (-x * x) / n;
			sum += term / (2 * n + 1);
		}
		return 1 - (2 / Math.sqrt(Math.PI)) * sum;
	}
	// Continued fraction for x >= 2: erfc(x) = e^(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + ...))).
	const tiny = 1e-300;
	let f = x;
	let C = x;
	let D = 0;
	for (let n = 1; n < 200; n++) {
		const an = n / 2;
		D = x + an * D;
		D = Math.abs(D) < tiny ? tiny : D;
		C = x + an / C;
		C = Math.abs(C) < tiny ? tiny : C;
		D = 1 / D;
		const delta = C * D;
		f *= delta;
		if (Math.abs(delta - 1) < 1e-16) break;
	}
	return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
	return 0.5 * erfc(-z / Math.SQRT2);
}

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

/** The Shapiro-Wilk coefficients a_1..a_n for a sample of n (a_i = -a_(n+1-i)). */
export function shapiroWilkCoefficients(n: number): Float64Array {
	if (!Number.isInteger(n) || n < 3 || n > 5000) {
		throw new Error(`Shapiro-Wilk needs 3 to 5000 values, got ${n}`);
	}
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
