/**
 * Gaussian noise in bulk, fast and reproducible: DP-SGD draws about a million normals per epoch,
 * fresh at every step. tfjs's tf.randomNormal draws them one at a time in JavaScript through an
 * alea generator and Box-Muller (log, sqrt, cos per pair), which cost more than the clipping
 * itself. Here:
 * - uniforms from xoshiro128** (Blackman, Vigna 2018, "Scrambled linear pseudorandom number
 *   generators"), seeded by splitmix32, 32-bit integer arithmetic only (Math.imul), so the same
 *   seed gives the same bits in every engine;
 * - normals by the ziggurat method (Marsaglia, Tsang 2000, "The Ziggurat Method for Generating
 *   Random Variables", RNOR with 128 layers): 98.8 % of draws are one table lookup and one
 *   multiply; the rest use exp and ln from base/rng.ts, computed with + - * / only, so they are
 *   deterministic too. The tables are built once, with the same functions.
 */
import { exp, ln } from './rng';

/** A uniform 32-bit integer generator (xoshiro128**), seeded through splitmix32. */
export function xoshiro128ss(seed: number): () => number {
	let s = seed >>> 0;
	const split = () => {
		s = (s + 0x9e3779b9) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
		return (z ^ (z >>> 16)) >>> 0;
	};
	let a = split();
	let b = split();
	let c = split();
	let d = split();
	if ((a | b | c | d) === 0) a = 1;
	return () => {
		const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
		const t = b << 9;
		c ^= a;
		d ^= b;
		b ^= c;
		a ^= d;
		c ^= t;
		d = rotl(d, 11);
		return result;
	};
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

// Marsaglia & Tsang's tables for the normal ziggurat, 128 layers.
const R = 3.442619855899;
const kn = new Int32Array(128);
const wn = new Float64Array(128);
const fn = new Float64Array(128);
{
	const m1 = 2147483648;
	const vn = 9.91256303526217e-3;
	let dn = R;
	let tn = dn;
	const q = vn / exp(-0.5 * dn * dn);
	kn[0] = Math.floor((dn / q) * m1);
	kn[1] = 0;
	wn[0] = q / m1;
	wn[127] = dn / m1;
	fn[0] = 1;
	fn[127] = exp(-0.5 * dn * dn);
	for (let i = 126; i >= 1; i--) {
		dn = Math.sqrt(-2 * ln(vn / dn + exp(-0.5 * dn * dn)));
		kn[i + 1] = Math.floor((dn / tn) * m1);
		tn = dn;
		fn[i] = exp(-0.5 * dn * dn);
		wn[i] = dn / m1;
	}
}

/**
 * `count` draws from N(0, std^2) into a new Float32Array, from `seed`. Each call with a fresh seed
 * gives fresh noise (DP-SGD seeds every step anew). The generator is inlined in the loop (state
 * in locals): the fast path is a few integer operations and one multiply per draw.
 */
export function gaussianNoise(count: number, std: number, seed: number): Float32Array {
	const seeded = xoshiro128ss(seed);
	// four fresh words from the seeded generator start this call's own inlined xoshiro128**
	let a = seeded() | 0;
	let b = seeded() | 0;
	let c = seeded() | 0;
	let d = seeded() | 0;
	if ((a | b | c | d) === 0) a = 1;
	const next = () => {
		const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
		const t = b << 9;
		c ^= a;
		d ^= b;
		b ^= c;
		a ^= d;
		c ^= t;
		d = (d << 11) | (d >>> 21);
		return result;
	};
	const uni = () => ((next() >>> 0) + 0.5) / 4294967296; // in (0, 1)
	const out = new Float32Array(count);
	for (let n = 0; n < count; n++) {
		// the fast path, inlined: one draw, one comparison, one multiply
		let hz = Math.imul(rotl(Math.imul(b, 5), 7), 9);
		const t = b << 9;
		c ^= a;
		d ^= b;
		b ^= c;
		a ^= d;
		c ^= t;
		d = (d << 11) | (d >>> 21);
		let iz = hz & 127;
		if ((hz < 0 ? -hz : hz) < kn[iz]) {
			out[n] = hz * wn[iz] * std;
			continue;
		}
		let x: number;
		for (;;) {
			x = hz * wn[iz];
			if (iz === 0) {
				// the tail beyond R (Marsaglia 1964)
				let y: number;
				do {
					x = -ln(uni()) / R;
					y = -ln(uni());
				} while (y + y < x * x);
				x = hz > 0 ? R + x : -R - x;
				break;
			}
			if (fn[iz] + uni() * (fn[iz - 1] - fn[iz]) < exp(-0.5 * x * x)) break;
			hz = next();
			iz = hz & 127;
			if ((hz < 0 ? -hz : hz) < kn[iz]) {
				x = hz * wn[iz];
				break;
			}
		}
		out[n] = x * std;
	}
	return out;
}
