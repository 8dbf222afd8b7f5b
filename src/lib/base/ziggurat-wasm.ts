/**
 * The ziggurat's loop of gaussian.ts as a WebAssembly function, assembled here byte by byte (no
 * toolchain): the same xoshiro128** steps, the same fast test and the same IEEE double
 * arithmetic, so it writes exactly the bits of the JavaScript loop, about 3x faster (JavaScript
 * pays for bounds checks and number tagging on every draw). The slow path (about 1.2 % of draws)
 * calls back into gaussian.ts's own JavaScript, with the generator's state passed through memory.
 *
 * Memory layout: [0, 16) the state words a, b, c, d; [64, 576) the layer bounds kn (int32);
 * [1024, 2048) the layer widths wn (float64); from 4096 the output (float32).
 */

const STATE = 0;
const KN = 64;
const WN = 1024;
export const OUT = 4096;

// opcodes (WebAssembly core specification 2.0, section 5.4)
const I32 = 0x7f;
const F64 = 0x7c;
const op = {
	block: 0x02,
	loop: 0x03,
	if: 0x04,
	else: 0x05,
	end: 0x0b,
	br: 0x0c,
	brIf: 0x0d,
	call: 0x10,
	get: 0x20,
	set: 0x21,
	i32Load: 0x28,
	f64Load: 0x2b,
	i32Store: 0x36,
	f32Store: 0x38,
	i32Const: 0x41,
	i32GeU: 0x4f,
	i32LtU: 0x49,
	i32Add: 0x6a,
	i32Sub: 0x6b,
	i32Mul: 0x6c,
	i32And: 0x71,
	i32Xor: 0x73,
	i32Shl: 0x74,
	i32ShrS: 0x75,
	i32Rotl: 0x77,
	f64Mul: 0xa2,
	f32DemoteF64: 0xb6,
	f64ConvertI32S: 0xb7
};

/** Unsigned and signed LEB128. */
function uleb(n: number): number[] {
	const out: number[] = [];
	do {
		let byte = n & 0x7f;
		n >>>= 7;
		if (n) byte |= 0x80;
		out.push(byte);
	} while (n);
	return out;
}
function sleb(n: number): number[] {
	const out: number[] = [];
	for (;;) {
		const byte = n & 0x7f;
		n >>= 7;
		if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
			out.push(byte);
			return out;
		}
		out.push(byte | 0x80);
	}
}
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

// fill(count, std, a, b, c, d): params 0-5; locals n 6, hz 7, t 8, iz 9, p 10 (i32), x 11 (f64)
const [COUNT, STD, A, B, C, D, N, HZ, T, IZ, P, X] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const get = (i: number) => [op.get, i];
const set = (i: number) => [op.set, i];
const i32 = (v: number) => [op.i32Const, ...sleb(v)];
/** x = x ^ y for two locals */
const xorInto = (x: number, y: number) => [...get(x), ...get(y), op.i32Xor, ...set(x)];
/** x = x OP k for a local and an i32 constant */
const updateBy = (x: number, opcode: number, k: number) => [
	...get(x),
	...i32(k),
	opcode,
	...set(x)
];
/** memarg: alignment (log2) and offset */
const mem = (align: number, offset: number) => [align, ...uleb(offset)];

function fillBody(): number[] {
	const saveState = [A, B, C, D].flatMap((v, k) => [
		...i32(0),
		...get(v),
		op.i32Store,
		...mem(2, STATE + 4 * k)
	]);
	const loadState = [A, B, C, D].flatMap((v, k) => [
		...i32(0),
		op.i32Load,
		...mem(2, STATE + 4 * k),
		...set(v)
	]);
	const code = [
		...i32(OUT),
		...set(P),
		op.block,
		0x40,
		op.loop,
		0x40,
		// while (n < count)
		...get(N),
		...get(COUNT),
		op.i32GeU,
		op.brIf,
		1,
		// hz = rotl(b * 5, 7) * 9; t = b << 9; c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11)
		...get(B),
		...i32(5),
		op.i32Mul,
		...i32(7),
		op.i32Rotl,
		...i32(9),
		op.i32Mul,
		...set(HZ),
		...get(B),
		...i32(9),
		op.i32Shl,
		...set(T),
		...xorInto(C, A),
		...xorInto(D, B),
		...xorInto(B, C),
		...xorInto(A, D),
		...xorInto(C, T),
		...updateBy(D, op.i32Rotl, 11),
		// iz = hz & 127
		...get(HZ),
		...i32(127),
		op.i32And,
		...set(IZ),
		// |hz| (as unsigned, so that -2^31 is 2^31) < kn[iz]
		...get(HZ),
		...get(HZ),
		...i32(31),
		op.i32ShrS,
		op.i32Xor,
		...get(HZ),
		...i32(31),
		op.i32ShrS,
		op.i32Sub,
		...get(IZ),
		...i32(2),
		op.i32Shl,
		op.i32Load,
		...mem(2, KN),
		op.i32LtU,
		op.if,
		0x40,
		// x = hz * wn[iz]
		...get(HZ),
		op.f64ConvertI32S,
		...get(IZ),
		...i32(3),
		op.i32Shl,
		op.f64Load,
		...mem(3, WN),
		op.f64Mul,
		...set(X),
		op.else,
		// x = slow(hz), the state through memory
		...saveState,
		...get(HZ),
		op.call,
		0,
		...set(X),
		...loadState,
		op.end,
		// out[n] = float32(x * std)
		...get(P),
		...get(X),
		...get(STD),
		op.f64Mul,
		op.f32DemoteF64,
		op.f32Store,
		...mem(2, 0),
		...updateBy(P, op.i32Add, 4),
		...updateBy(N, op.i32Add, 1),
		op.br,
		0,
		op.end,
		op.end,
		op.end
	];
	const locals = vec([
		[5, I32],
		[1, F64]
	]);
	const body = [...locals, ...code];
	return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
	const types = vec([
		[0x60, ...vec([[I32], [F64], [I32], [I32], [I32], [I32]]), ...vec([])],
		[0x60, ...vec([[I32]]), ...vec([[F64]])]
	]);
	const imports = vec([[...name('env'), ...name('slow'), 0x00, ...uleb(1)]]);
	const functions = vec([uleb(0)]);
	const memories = vec([[0x00, ...uleb(1)]]);
	const exports = vec([
		[...name('fill'), 0x00, ...uleb(1)],
		[...name('memory'), 0x02, ...uleb(0)]
	]);
	const code = vec([fillBody()]);
	return new Uint8Array([
		...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
		...section(1, types),
		...section(2, imports),
		...section(3, functions),
		...section(5, memories),
		...section(7, exports),
		...section(10, code)
	]);
}

export interface WasmZiggurat {
	/** writes `count` draws at OUT from the state (a, b, c, d); returns the output's view */
	fill(count: number, std: number, a: number, b: number, c: number, d: number): Float32Array;
}

/**
 * Instantiates the loop with the tables and the slow path (`slow(state, hz)` reads and updates
 * the four state words it is given), or returns null where WebAssembly cannot run.
 */
export function wasmZiggurat(
	kn: Int32Array,
	wn: Float64Array,
	slow: (state: Int32Array, hz: number) => number
): WasmZiggurat | null {
	if (typeof WebAssembly !== 'object') return null;
	let instance: WebAssembly.Instance;
	let memory: WebAssembly.Memory;
	let state: Int32Array;
	try {
		instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes() as BufferSource), {
			env: { slow: (hz: number) => slow(state, hz) }
		});
		memory = instance.exports.memory as WebAssembly.Memory;
	} catch {
		// no WebAssembly under this policy (no 'wasm-unsafe-eval')
		return null;
	}
	const views = () => {
		state = new Int32Array(memory.buffer, STATE, 4);
		new Int32Array(memory.buffer, KN, 128).set(kn);
		new Float64Array(memory.buffer, WN, 128).set(wn);
	};
	views();
	const fill = instance.exports.fill as (...args: number[]) => void;
	return {
		fill(count, std, a, b, c, d) {
			const bytes = OUT + count * 4;
			if (bytes > memory.buffer.byteLength) {
				memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
				views();
			}
			fill(count, std, a, b, c, d);
			return new Float32Array(memory.buffer, OUT, count);
		}
	};
}
