/**
 * Seeded pseudo-random numbers: every random choice the lab makes in JavaScript goes through a
 * generator from here, so that a seed in a URL or on the CLI reproduces a run exactly, in the
 * browser and in Node alike. Dependency-free; data/ and ml/ both build on it.
 *
 * The promise holds because every draw uses only integer operations (the generator) and + - * /
 * and sqrt (the transforms), whose results IEEE 754 pins down. Math.exp, Math.log, Math.cos and
 * friends are not required to be correctly rounded, so two engines may differ in the last bit;
 * ln() and exp() below replace them.
 *
 * Bulk Gaussian noise (DP-SGD's, about a million values per epoch) comes from gaussian.ts beside
 * this file: the same promise, a faster generator. One kind of draw does not come from here, on
 * purpose: the CNNs' initial weights, drawn by tfjs-layers' initializers (heNormal, glorotUniform)
 * from their `seed` option, because the shipped models were trained that way and their weight
 * files are reproduced bit for bit by `npm run train`. Those are seeded too.
 */

/** A generator of uniform floats in [0, 1). */
export interface Rng {
	(): number;
}

/** mulberry32: a small 32-bit generator, good enough for shuffles and synthetic data. */
export function createRng(seed: number): Rng {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
	return Math.floor(rng() * n);
}

/** A uniform float in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
	return lo + (hi - lo) * rng();
}

/** true with probability p. */
export function chance(rng: Rng, p: number): boolean {
	return rng() < p;
}

/** Fisher-Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T>(items: T[] | Int32Array | Uint32Array, rng: Rng) {
	for (let i = items.length - 1; i > 0; i--) {
		const j = randomInt(rng, i + 1);
		const tmp = items[i];
		items[i] = items[j];
		items[j] = tmp;
	}
	return items;
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, rng: Rng): Int32Array {
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) order[i] = i;
	shuffleInPlace(order, rng);
	return order;
}

/** Index drawn with probability proportional to weights[i]. */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
	let total = 0;
	for (const w of weights) total += w;
	let r = rng() * total;
	for (let i = 0; i < weights.length; i++) {
		r -= weights[i];
		if (r < 0) return i;
	}
	return weights.length - 1;
}

const LN2 = 0.6931471805599453;

/** Natural logarithm from + - * / only (an atanh series after scaling into [1/sqrt 2, sqrt 2]). */
export function ln(x: number): number {
	if (!(x > 0)) return x === 0 ? -Infinity : NaN;
	if (x === Infinity) return Infinity;
	let k = 0;
	while (x >= 2) {
		x /= 2;
		k++;
	}
	while (x < 1) {
		x *= 2;
		k--;
	}
	// Centre on 1 so the series converges fast: |s| <= 0.172.
	if (x > Math.SQRT2) {
		x /= 2;
		k++;
	}
	const s = (x - 1) / (x + 1);
	const s2 = s * s;
	let term = s;
	let sum = 0;
	for (let n = 1; n < 40; n += 2) {
		sum += term / n;
		term *= s2;
	}
	return 2 * sum + k * LN2;
}

/** e^x from + - * / only (a Taylor series after taking out whole powers of 2). */
export function exp(x: number): number {
	if (Number.isNaN(x)) return NaN;
	if (x > 710) return Infinity;
	if (x < -746) return 0;
	const k = Math.round(x / LN2);
	const r = x - k * LN2;
	let term = 1;
	let sum = 1;
	for (let n = 1; n < 20; n++) {
		term *= r / n;
		sum += term;
	}
	const factor = k >= 0 ? 2 : 0.5;
	for (let i = Math.abs(k); i > 0; i--) sum *= factor;
	return sum;
}

/**
 * A normal draw by Marsaglia's polar method (Marsaglia, Bray 1964): no trigonometry, so the same
 * bits on every engine. The lab's one normal sampler.
 */
export function normal(rng: Rng, mean = 0, std = 1): number {
	for (;;) {
		const u = 2 * rng() - 1;
		const v = 2 * rng() - 1;
		const s = u * u + v * v;
		if (s > 0 && s < 1) return mean + std * u * Math.sqrt((-2 * ln(s)) / s);
	}
}

/** cos(2 pi t) for t in [0, 1) from + - * / only: a quarter-turn reduction, then Taylor series. */
function cosTurn(t: number): number {
	const q = Math.floor(t * 4);
	const theta = (t * 4 - q) * (Math.PI / 2);
	let c = 0;
	let s = 0;
	let term = 1;
	// cos: sum (-1)^k t^2k / (2k)!, sin: sum (-1)^k t^(2k+1) / (2k+1)!, to 1e-19 on [0, pi/2]
	for (let k = 0; k < 14; k++) {
		c += term;
		const next = (term * theta) / (2 * k + 1);
		s += next;
		term = (-next * theta) / (2 * k + 2);
	}
	return q === 0 ? c : q === 1 ? -s : q === 2 ? -c : s;
}

/**
 * A normal draw by the Box-Muller transform, from two uniforms (the second of the pair is not
 * used). Only the dense MLPs' He-normal initialisation draws this way: the lab's fraud-model
 * experiments (PRADA's calibrated threshold among them) were measured with these weights, and
 * changing the transform would re-seed every one of them. Deterministic like normal(); new code
 * uses normal().
 */
export function boxMullerNormal(rng: Rng, mean = 0, std = 1): number {
	let u = 0;
	while (u === 0) u = rng();
	const v = rng();
	return mean + std * Math.sqrt(-2 * ln(u)) * cosTurn(v);
}

/** Log-normal with the given median; sigma is the spread of its logarithm. */
export function logNormal(rng: Rng, median: number, sigma: number): number {
	return median * exp(sigma * normal(rng));
}

/** Poisson by multiplying uniforms (Knuth); fine for small rates. */
export function poisson(rng: Rng, lambda: number): number {
	const limit = exp(-lambda);
	let k = 0;
	let p = rng();
	while (p > limit) {
		k++;
		p *= rng();
	}
	return k;
}
