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
import { wasmZiggurat, type WasmZiggurat } from './ziggurat-wasm';

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
 * Whether `f` < exp(-x^2 / 2), the wedge test, decided as base/rng.ts's exp would decide it: the
 * engine's Math.exp is within a few units in the last place of the true value, so unless `f` lies
 * within 1e-9 (relative) of it, the answer is the same, and only then is the slower exact exp
 * (+ - * / only, the same bits everywhere) computed.
 */
function underDensity(f: number, x: number): boolean {
	const e = Math.exp(-0.5 * x * x);
	const margin = e * 1e-9;
	if (f < e - margin) return true;
	if (f > e + margin) return false;
	return f < exp(-0.5 * x * x);
}

/**
 * The ziggurat's slow path (about 1.2 % of draws): the wedge and tail tests for the draw `hz`
 * that failed the fast test, drawing more words from `state` (xoshiro128**'s four words, which
 * the caller keeps in locals and stores here only for this call). Returns a N(0, 1) draw.
 */
function slowNormal(state: Int32Array, hz: number): number {
	let iz = hz & 127;
	let x: number;
	for (;;) {
		x = hz * wn[iz];
		if (iz === 0) {
			// the tail beyond R (Marsaglia 1964)
			let y: number;
			do {
				x = -ln(uniform(state)) / R;
				y = -ln(uniform(state));
			} while (y + y < x * x);
			x = hz > 0 ? R + x : -R - x;
			break;
		}
		if (underDensity(fn[iz] + uniform(state) * (fn[iz - 1] - fn[iz]), x)) break;
		hz = nextWord(state);
		iz = hz & 127;
		if (Math.abs(hz) < kn[iz]) {
			x = hz * wn[iz];
			break;
		}
	}
	return x;
}

/** One xoshiro128** step on the four state words in `s`: the next word, as a signed int32. */
function nextWord(s: Int32Array): number {
	const b = s[1];
	const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
	const c = s[2] ^ s[0];
	const d = s[3] ^ b;
	const b2 = b ^ c;
	s[0] ^= d;
	s[1] = b2;
	s[2] = c ^ (b << 9);
	s[3] = (d << 11) | (d >>> 21);
	return result;
}

/** A uniform draw in (0, 1) from the state in `s`. */
const uniform = (s: Int32Array) => ((nextWord(s) >>> 0) + 0.5) / 4294967296;

/**
 * `count` draws from N(0, std^2) into a new Float32Array, from `seed`. Each call with a fresh seed
 * gives fresh noise (DP-SGD seeds every step anew).
 */
export function gaussianNoise(count: number, std: number, seed: number): Float32Array {
	return gaussianNoiseInto(new Float32Array(count), std, seed);
}

/**
 * gaussianNoise's draws written over `out` (its whole length), which it returns: for a buffer
 * another thread reads (src/lib/runtime/worker/noise-source.ts). The generator's state lives in
 * plain locals that no closure captures, so the engine keeps them in registers: the fast path is
 * a few integer operations, one comparison and one multiply per draw; the slow path is out of
 * line.
 */
export function gaussianNoiseInto(out: Float32Array, std: number, seed: number): Float32Array {
	return noiseInto(out, std, seed, compiled());
}

let zigguratWasm: WasmZiggurat | null | undefined;
/** The same loop compiled to WebAssembly (ziggurat-wasm.ts), built on first use; null without. */
function compiled(): WasmZiggurat | null {
	if (zigguratWasm === undefined) zigguratWasm = wasmZiggurat(kn, wn, slowNormal);
	return zigguratWasm;
}

/** Which loop gaussianNoise runs here: 'wasm', or 'js' where WebAssembly cannot run. */
export const noiseEngine = (): 'wasm' | 'js' => (compiled() ? 'wasm' : 'js');

/** For the tests: the JavaScript loop alone, which the WebAssembly one must match bit for bit. */
export function gaussianNoiseJs(count: number, std: number, seed: number): Float32Array {
	return noiseInto(new Float32Array(count), std, seed, null);
}

function noiseInto(
	out: Float32Array,
	std: number,
	seed: number,
	wasm: WasmZiggurat | null
): Float32Array {
	const count = out.length;
	const seeded = xoshiro128ss(seed);
	// four fresh words from the seeded generator start this call's own inlined xoshiro128**
	let a = seeded() | 0;
	let b = seeded() | 0;
	let c = seeded() | 0;
	let d = seeded() | 0;
	if ((a | b | c | d) === 0) a = 1;
	if (wasm) {
		out.set(wasm.fill(count, std, a, b, c, d));
		return out;
	}
	const state = new Int32Array(4);
	for (let n = 0; n < count; n++) {
		const hz = Math.imul(rotl(Math.imul(b, 5), 7), 9);
		const t = b << 9;
		c ^= a;
		d ^= b;
		b ^= c;
		a ^= d;
		c ^= t;
		d = (d << 11) | (d >>> 21);
		const iz = hz & 127;
		let x: number;
		if (Math.abs(hz) < kn[iz]) x = hz * wn[iz];
		else {
			state[0] = a;
			state[1] = b;
			state[2] = c;
			state[3] = d;
			x = slowNormal(state, hz);
			a = state[0];
			b = state[1];
			c = state[2];
			d = state[3];
		}
		out[n] = x * std;
	}
	return out;
}
