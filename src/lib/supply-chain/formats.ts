/**
 * Why a pickled model can run code as it loads, and why tfjs JSON + binary weights and
 * safetensors cannot. A pickle is a program for a small stack machine (Python's `pickle` module,
 * PEP 307 / PEP 3154): GLOBAL or STACK_GLOBAL import any callable by name, REDUCE calls it with a
 * tuple from the stack. torch.load of a .pt/.bin file runs that program, so a "model" can carry
 * `os.system(...)` (MITRE ATLAS AML.T0011.000 Unsafe AI Artifacts). A safetensors file is an
 * 8-byte little-endian header length, a JSON header of names, dtypes, shapes and byte offsets,
 * and raw numbers: nothing in it is ever executed.
 *
 * Here a pickle is only ever read: disassemblePickle lists its opcodes (the reading primitives
 * are pickleparser's BufferReader), and pickleObject builds its value with pickleparser, whose
 * default name registry turns every imported name into an inert placeholder that records the
 * call it was asked for. Neither resolves a name to a real function, so nothing the pickle
 * names is ever called. The demo pickle and safetensors file are written by writePickleDemo and
 * writeSafetensorsDemo (scripts/hub.ts ships them under models/hub/formats/).
 */
import { BufferReader, Parser } from 'pickleparser';

type Arg =
	| 'none'
	| 'line'
	| 'line2'
	| 'uint1'
	| 'uint2'
	| 'int4'
	| 'uint4'
	| 'uint8'
	| 'float8'
	| 'bytes1'
	| 'bytes4'
	| 'bytes8'
	| 'unicode1'
	| 'unicode4'
	| 'unicode8'
	| 'long1'
	| 'long4';

/** Why an opcode matters for safety. */
export type OpRisk = 'import' | 'call' | null;

/** Opcode byte -> name, argument, and risk (the opcodes of protocols 0-5). */
const OPS: Record<number, [string, Arg, OpRisk?]> = {
	0x28: ['MARK', 'none'],
	0x2e: ['STOP', 'none'],
	0x30: ['POP', 'none'],
	0x31: ['POP_MARK', 'none'],
	0x32: ['DUP', 'none'],
	0x46: ['FLOAT', 'line'],
	0x49: ['INT', 'line'],
	0x4a: ['BININT', 'int4'],
	0x4b: ['BININT1', 'uint1'],
	0x4c: ['LONG', 'line'],
	0x4d: ['BININT2', 'uint2'],
	0x4e: ['NONE', 'none'],
	0x50: ['PERSID', 'line', 'call'],
	0x51: ['BINPERSID', 'none', 'call'],
	0x52: ['REDUCE', 'none', 'call'],
	0x53: ['STRING', 'line'],
	0x54: ['BINSTRING', 'bytes4'],
	0x55: ['SHORT_BINSTRING', 'bytes1'],
	0x56: ['UNICODE', 'line'],
	0x58: ['BINUNICODE', 'unicode4'],
	0x61: ['APPEND', 'none'],
	0x62: ['BUILD', 'none', 'call'],
	0x63: ['GLOBAL', 'line2', 'import'],
	0x64: ['DICT', 'none'],
	0x7d: ['EMPTY_DICT', 'none'],
	0x65: ['APPENDS', 'none'],
	0x67: ['GET', 'line'],
	0x68: ['BINGET', 'uint1'],
	0x69: ['INST', 'line2', 'call'],
	0x6a: ['LONG_BINGET', 'uint4'],
	0x6c: ['LIST', 'none'],
	0x5d: ['EMPTY_LIST', 'none'],
	0x6f: ['OBJ', 'none', 'call'],
	0x70: ['PUT', 'line'],
	0x71: ['BINPUT', 'uint1'],
	0x72: ['LONG_BINPUT', 'uint4'],
	0x73: ['SETITEM', 'none'],
	0x74: ['TUPLE', 'none'],
	0x29: ['EMPTY_TUPLE', 'none'],
	0x75: ['SETITEMS', 'none'],
	0x47: ['BINFLOAT', 'float8'],
	0x80: ['PROTO', 'uint1'],
	0x81: ['NEWOBJ', 'none', 'call'],
	0x82: ['EXT1', 'uint1', 'import'],
	0x83: ['EXT2', 'uint2', 'import'],
	0x84: ['EXT4', 'int4', 'import'],
	0x85: ['TUPLE1', 'none'],
	0x86: ['TUPLE2', 'none'],
	0x87: ['TUPLE3', 'none'],
	0x88: ['NEWTRUE', 'none'],
	0x89: ['NEWFALSE', 'none'],
	0x8a: ['LONG1', 'long1'],
	0x8b: ['LONG4', 'long4'],
	0x42: ['BINBYTES', 'bytes4'],
	0x43: ['SHORT_BINBYTES', 'bytes1'],
	0x8c: ['SHORT_BINUNICODE', 'unicode1'],
	0x8d: ['BINUNICODE8', 'unicode8'],
	0x8e: ['BINBYTES8', 'bytes8'],
	0x8f: ['EMPTY_SET', 'none'],
	0x90: ['ADDITEMS', 'none'],
	0x91: ['FROZENSET', 'none'],
	0x92: ['NEWOBJ_EX', 'none', 'call'],
	0x93: ['STACK_GLOBAL', 'none', 'import'],
	0x94: ['MEMOIZE', 'none'],
	0x95: ['FRAME', 'uint8'],
	0x96: ['BYTEARRAY8', 'bytes8'],
	0x97: ['NEXT_BUFFER', 'none'],
	0x98: ['READONLY_BUFFER', 'none']
};

export interface PickleOp {
	/** byte offset of the opcode */
	offset: number;
	name: string;
	/** the argument as text ('' when it takes none) */
	arg: string;
	risk: OpRisk;
}

const show = (s: string) => JSON.stringify(s);

function readArg(r: BufferReader, kind: Arg): string {
	switch (kind) {
		case 'none':
			return '';
		case 'line':
			return show(r.line());
		case 'line2':
			return `${r.line()} ${r.line()}`;
		case 'uint1':
			return String(r.byte());
		case 'uint2':
			return String(r.uint16());
		case 'int4':
			return String(r.int32());
		case 'uint4':
			return String(r.uint32());
		case 'uint8':
			return String(r.uint64());
		case 'float8':
			return String(r.float64());
		case 'bytes1':
			return `${r.bytes(r.byte()).length} bytes`;
		case 'bytes4':
			return `${r.bytes(r.uint32()).length} bytes`;
		case 'bytes8':
			return `${r.bytes(r.uint64()).length} bytes`;
		case 'unicode1':
			return show(r.string(r.byte(), 'utf-8'));
		case 'unicode4':
			return show(r.string(r.uint32(), 'utf-8'));
		case 'unicode8':
			return show(r.string(r.uint64(), 'utf-8'));
		case 'long1':
			return `${r.bytes(r.byte()).length}-byte integer`;
		case 'long4':
			return `${r.bytes(r.int32()).length}-byte integer`;
	}
}

/**
 * The opcode stream of a pickle, as Python's pickletools.dis lists it, read and never run.
 * Throws, naming the byte offset, on an unknown opcode or a stream that ends early.
 */
export function disassemblePickle(bytes: Uint8Array): PickleOp[] {
	const r = new BufferReader(bytes);
	const ops: PickleOp[] = [];
	while (r.hasNext()) {
		const offset = r.position;
		const code = r.byte();
		const op = OPS[code];
		if (!op)
			throw new Error(
				`byte ${offset}: 0x${code.toString(16).padStart(2, '0')} is not a pickle opcode`
			);
		let arg: string;
		try {
			arg = readArg(r, op[1]);
			if (r.position > bytes.length) throw new Error('past the end');
		} catch {
			throw new Error(`byte ${offset}: ${op[0]}'s argument runs past the end of the file`);
		}
		ops.push({ offset, name: op[0], arg, risk: op[2] ?? null });
		if (op[0] === 'STOP') break;
	}
	if (ops.at(-1)?.name !== 'STOP')
		throw new Error(`byte ${bytes.length}: the pickle ends without STOP`);
	return ops;
}

/** A call the pickle asks for on load, as pickleparser's inert placeholder recorded it. */
export interface PickleCall {
	/** where in the value it sits, e.g. "on_load" */
	path: string;
	callee: string;
	args: unknown[];
}

interface Placeholder {
	__module__: string;
	__name__: string;
	args?: unknown[];
}

function isPlaceholder(v: unknown): v is Placeholder {
	return (
		typeof v === 'object' &&
		v !== null &&
		typeof (v as Placeholder).__module__ === 'string' &&
		typeof (v as Placeholder).__name__ === 'string'
	);
}

/**
 * The value the pickle describes, built by pickleparser with its default registry (imported
 * names become placeholders; REDUCE on one only records its arguments), and the calls it asks for.
 */
export function pickleObject(bytes: Uint8Array): { value: unknown; calls: PickleCall[] } {
	const value = new Parser().parse<unknown>(bytes);
	const calls: PickleCall[] = [];
	const walk = (v: unknown, path: string) => {
		if (isPlaceholder(v)) {
			calls.push({ path, callee: `${v.__module__}.${v.__name__}`, args: v.args ?? [] });
			return;
		}
		if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
		else if (v && typeof v === 'object')
			for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
	};
	walk(value, '');
	return { value, calls };
}

// ---- writing the two demo files (scripts/hub.ts) ----

/** The message the demo pickle asks Python to print as it loads. */
export const PICKLE_MESSAGE = 'This model file just ran code on your machine.';

class ByteWriter {
	private parts: number[] = [];
	op(code: number) {
		this.parts.push(code);
		return this;
	}
	raw(bytes: ArrayLike<number>) {
		for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]);
		return this;
	}
	u32(n: number) {
		return this.raw([n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255]);
	}
	unicode(s: string) {
		const b = new TextEncoder().encode(s);
		return this.op(0x58).u32(b.length).raw(b);
	}
	float(x: number) {
		const b = new Uint8Array(8);
		new DataView(b.buffer).setFloat64(0, x, false);
		return this.op(0x47).raw(b);
	}
	bytes() {
		return Uint8Array.from(this.parts);
	}
}

/**
 * A harmless "model" pickle (protocol 2): a dict holding the 10 numbers of `bias` under
 * "logits.bias", and under "on_load" the result of builtins.print(PICKLE_MESSAGE), a call
 * Python's unpickler makes as it loads the file. Any callable could stand where print does.
 */
export function writePickleDemo(bias: Float32Array): Uint8Array {
	const w = new ByteWriter();
	w.op(0x80).raw([2]); // PROTO 2
	w.op(0x7d); // EMPTY_DICT
	w.op(0x28); // MARK
	w.unicode('logits.bias');
	w.op(0x5d).op(0x28); // EMPTY_LIST MARK
	for (const b of bias) w.float(b);
	w.op(0x65); // APPENDS
	w.unicode('on_load');
	w.op(0x63).raw(new TextEncoder().encode('builtins\nprint\n')); // GLOBAL
	w.unicode(PICKLE_MESSAGE);
	w.op(0x85); // TUPLE1
	w.op(0x52); // REDUCE: print(PICKLE_MESSAGE)
	w.op(0x75); // SETITEMS
	w.op(0x2e); // STOP
	return w.bytes();
}

export interface SafetensorsEntry {
	name: string;
	dtype: string;
	shape: number[];
	/** [begin, end) byte offsets into the data that follows the header */
	dataOffsets: [number, number];
}

export interface SafetensorsHeader {
	headerBytes: number;
	tensors: SafetensorsEntry[];
	metadata: Record<string, string>;
}

/** The same numbers as a safetensors file: header length, JSON header, raw float32s. */
export function writeSafetensorsDemo(bias: Float32Array): Uint8Array {
	const header = JSON.stringify({
		__metadata__: { format: 'pt', source: 'the logits bias of the lab’s mnist-cnn' },
		'logits.bias': { dtype: 'F32', shape: [bias.length], data_offsets: [0, bias.byteLength] }
	});
	const h = new TextEncoder().encode(header);
	const out = new Uint8Array(8 + h.length + bias.byteLength);
	new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
	out.set(h, 8);
	out.set(new Uint8Array(bias.buffer, bias.byteOffset, bias.byteLength), 8 + h.length);
	return out;
}

/** Parses a safetensors header (it only describes data); throws, naming what is wrong. */
export function parseSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
	if (bytes.length < 8) throw new Error(`the file has ${bytes.length} bytes, fewer than 8`);
	const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
	if (8 + n > bytes.length)
		throw new Error(`the header claims ${n} bytes, but only ${bytes.length - 8} follow`);
	let json: Record<string, unknown>;
	try {
		json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
	} catch {
		throw new Error('the header is not JSON');
	}
	const tensors: SafetensorsEntry[] = [];
	let metadata: Record<string, string> = {};
	for (const [name, v] of Object.entries(json)) {
		if (name === '__metadata__') {
			metadata = v as Record<string, string>;
			continue;
		}
		const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
		if (typeof e.dtype !== 'string' || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets))
			throw new Error(`tensor ${name}: needs dtype, shape and data_offsets`);
		tensors.push({
			name,
			dtype: e.dtype,
			shape: e.shape as number[],
			dataOffsets: e.data_offsets as [number, number]
		});
	}
	return { headerBytes: n, tensors, metadata };
}
