import { describe, expect, it } from 'vitest';
import {
	gaussianNoise,
	gaussianNoiseJs,
	noiseEngine,
	xoshiro128ss
} from '../../src/lib/base/gaussian';

describe('bulk Gaussian noise (xoshiro128** and the ziggurat)', () => {
	const n = 1_000_000;
	const noise = gaussianNoise(n, 1, 12345);

	it('has mean 0 and variance 1 over a million draws', () => {
		let sum = 0;
		let sq = 0;
		for (const x of noise) {
			sum += x;
			sq += x * x;
		}
		expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
		expect(Math.abs(sq / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
	});

	it('is normal: its histogram passes a chi-square test, tails included', () => {
		// 40 bins of equal probability under N(0, 1), from the normal quantiles
		const edges = [-Infinity];
		const erfinv = (p: number): number => {
			// Acklam's rational approximation of the normal quantile, good to 1e-9
			const a = [
				-39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472,
				2.50662827745924
			];
			const b = [
				-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857
			];
			const c = [
				-0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373,
				4.37466414146497, 2.93816398269878
			];
			const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
			const lo = 0.02425;
			if (p < lo) {
				const q = Math.sqrt(-2 * Math.log(p));
				return (
					(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
					((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
				);
			}
			if (p > 1 - lo) return -erfinv(1 - p);
			const q = p - 0.5;
			const r = q * q;
			return (
				((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
				(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
			);
		};
		const bins = 40;
		for (let k = 1; k < bins; k++) edges.push(erfinv(k / bins));
		edges.push(Infinity);
		const counts = new Float64Array(bins);
		for (const x of noise) {
			let lo = 0;
			let hi = bins;
			while (hi - lo > 1) {
				const mid = (lo + hi) >> 1;
				if (x >= edges[mid]) lo = mid;
				else hi = mid;
			}
			counts[lo]++;
		}
		const expected = n / bins;
		const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
		// 39 degrees of freedom: the 0.999 quantile is 72.05
		expect(chi2).toBeLessThan(72.05);
		// and the tails beyond the ziggurat's base (3.44) are there, at about their share
		const tail = noise.filter((x) => Math.abs(x) > 3.442619855899).length / n;
		expect(tail).toBeGreaterThan(0.0004);
		expect(tail).toBeLessThan(0.0008);
	});

	it('the same seed gives the same bits; another seed other noise; std scales it', () => {
		expect(gaussianNoise(1000, 1, 7)).toEqual(gaussianNoise(1000, 1, 7));
		expect(gaussianNoise(1000, 1, 8)).not.toEqual(gaussianNoise(1000, 1, 7));
		const scaled = gaussianNoise(10, 2.5, 7);
		gaussianNoise(10, 1, 7).forEach((x, i) => expect(scaled[i]).toBeCloseTo(2.5 * x, 5));
		// pinned: a change to the generator would change every DP-SGD run
		expect(Array.from(gaussianNoise(3, 1, 1), (x) => +x.toFixed(6))).toEqual(PINNED);
		const next = xoshiro128ss(1);
		expect([next(), next()].every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
	});
});

const PINNED = [-1.818828, -0.155087, 0.339992];

/** FNV-1a over the float32 bit patterns. */
function fnv1a(values: Float32Array): string {
	let h = 0x811c9dc5;
	for (const w of new Uint32Array(values.buffer, values.byteOffset, values.length))
		h = Math.imul(h ^ w, 0x01000193) >>> 0;
	return h.toString(16);
}

it('keeps the bits of every draw through rewrites of the generator (100,000 and 1,000,000 draws)', () => {
	// the hashes of the generator as first written (ziggurat slow path inline, tails included)
	expect(fnv1a(gaussianNoise(100_000, 1, 2024))).toBe('67c56b9e');
	expect(fnv1a(gaussianNoise(100_000, 0.37, 99))).toBe('95264f7e');
	expect(fnv1a(gaussianNoise(1_000_000, 1, 5))).toBe('b720eca');
});

it('the WebAssembly loop writes the JavaScript loop’s bits, slow path and tails included', () => {
	expect(noiseEngine()).toBe('wasm');
	for (const [count, std, seed] of [
		[1_000_000, 1, 77],
		[3, 2.5, 0],
		[0, 1, 9],
		[70_001, 0.01, 2 ** 31 - 1]
	]) {
		expect(fnv1a(gaussianNoise(count, std, seed))).toBe(fnv1a(gaussianNoiseJs(count, std, seed)));
	}
	// and a draw larger than its memory so far grows it
	expect(fnv1a(gaussianNoise(3_000_000, 1, 3))).toBe(fnv1a(gaussianNoiseJs(3_000_000, 1, 3)));
});
