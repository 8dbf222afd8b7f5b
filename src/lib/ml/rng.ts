/**
 * Seeded pseudo-random numbers. Every random choice in the lab goes through one of these so that
 * a seed in a URL or on the CLI reproduces a run exactly, in the browser and in Node alike.
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

/** A standard normal draw (Box-Muller; one of the pair is discarded for simplicity). */
export function randomNormal(rng: Rng, mean = 0, std = 1): number {
	let u = 0;
	while (u === 0) u = rng();
	const v = rng();
	return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
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
