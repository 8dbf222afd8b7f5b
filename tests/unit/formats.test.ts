import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	disassemblePickle,
	parseSafetensorsHeader,
	PICKLE_MESSAGE,
	pickleObject,
	writePickleDemo,
	writeSafetensorsDemo
} from '../../src/lib/supply-chain/formats';
import { ROOT } from '../../scripts/lib/paths';

const shipped = (name: string) =>
	new Uint8Array(readFileSync(join(ROOT, 'models/hub/formats', name)));

afterEach(() => {
	vi.restoreAllMocks();
	delete (globalThis as Record<string, unknown>).pwned;
});

describe('unsafe and safe model formats', () => {
	it('the shipped pickle is what writePickleDemo writes: a dict with a call to builtins.print', () => {
		const bias = Float32Array.from({ length: 10 }, (_, i) => i / 8 - 0.5);
		const ops = disassemblePickle(writePickleDemo(bias));
		expect(ops[0]).toMatchObject({ offset: 0, name: 'PROTO', arg: '2' });
		expect(ops.at(-1)?.name).toBe('STOP');
		expect(ops.filter((o) => o.name === 'BINFLOAT').map((o) => Number(o.arg))).toEqual([...bias]);
		expect(ops.filter((o) => o.risk).map((o) => `${o.name} ${o.arg}`)).toEqual([
			'GLOBAL builtins print',
			'REDUCE '
		]);
		const shippedOps = disassemblePickle(shipped('model.pkl'));
		expect(shippedOps.map((o) => o.name)).toEqual(ops.map((o) => o.name));
		const { value, calls } = pickleObject(shipped('model.pkl'));
		expect((value as Record<string, number[]>)['logits.bias']).toHaveLength(10);
		expect(calls).toEqual([{ path: 'on_load', callee: 'builtins.print', args: [PICKLE_MESSAGE] }]);
	});

	it('reading a pickle never calls the function it names', () => {
		// a pickle whose GLOBAL names a function that really exists on this side: the display must
		// show the call without making it
		const pwned = vi.fn();
		(globalThis as Record<string, unknown>).pwned = pwned;
		const log = vi.spyOn(console, 'log');
		const evalSpy = vi.spyOn(globalThis, 'eval');
		const bytes = new TextEncoder().encode("cbuiltins\npwned\n(S'rm -rf ~'\ntR.");
		const ops = disassemblePickle(bytes);
		expect(ops.map((o) => o.name)).toEqual(['GLOBAL', 'MARK', 'STRING', 'TUPLE', 'REDUCE', 'STOP']);
		const { calls } = pickleObject(bytes);
		expect(calls).toEqual([{ path: '', callee: 'builtins.pwned', args: ['rm -rf ~'] }]);
		pickleObject(shipped('model.pkl'));
		expect(pwned).not.toHaveBeenCalled();
		expect(log).not.toHaveBeenCalled();
		expect(evalSpy).not.toHaveBeenCalled();
	});

	it('a broken pickle names the byte', () => {
		expect(() => disassemblePickle(new Uint8Array([0x80, 2, 0xff]))).toThrow(
			'byte 2: 0xff is not a pickle opcode'
		);
		expect(() => disassemblePickle(new Uint8Array([0x80]))).toThrow(
			"byte 0: PROTO's argument runs past the end of the file"
		);
		expect(() => disassemblePickle(new Uint8Array([0x80, 2, 0x4e]))).toThrow(
			'byte 3: the pickle ends without STOP'
		);
	});

	it('a safetensors header describes data and nothing else', () => {
		const h = parseSafetensorsHeader(shipped('model.safetensors'));
		expect(h.tensors).toEqual([
			{ name: 'logits.bias', dtype: 'F32', shape: [10], dataOffsets: [0, 40] }
		]);
		expect(h.metadata.format).toBe('pt');
		const bias = Float32Array.of(1, 2, 3);
		expect(parseSafetensorsHeader(writeSafetensorsDemo(bias)).tensors[0].shape).toEqual([3]);
		expect(() => parseSafetensorsHeader(new Uint8Array(4))).toThrow('fewer than 8');
		const lying = writeSafetensorsDemo(bias);
		new DataView(lying.buffer).setBigUint64(0, 10_000n, true);
		expect(() => parseSafetensorsHeader(lying)).toThrow('the header claims 10000 bytes');
	});
});
