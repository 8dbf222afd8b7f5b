/**
 * The standard normal distribution, framework-free float64: its CDF (through erfc) and quantile.
 * Used by the Shapiro-Wilk test (PRADA) and randomized smoothing's certified radius.
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
