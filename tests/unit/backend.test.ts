import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer, parseBackendChoice, resolveAuto } from '../../src/lib/ml/backend';

describe('backend choice', () => {
	it('reads ?backend= values and defaults to auto', () => {
		expect(parseBackendChoice(null)).toBe('auto');
		expect(parseBackendChoice('')).toBe('auto');
		expect(parseBackendChoice('webgl')).toBe('webgl');
		expect(parseBackendChoice('wasm')).toBe('wasm');
		expect(parseBackendChoice('cpu')).toBe('cpu');
	});

	it('rejects an unknown backend with the accepted values in the message', () => {
		expect(() => parseBackendChoice('gpu')).toThrow(
			'backend "gpu" is not one of auto, webgl, wasm, cpu'
		);
	});

	it('recognises software WebGL renderers from their renderer strings', () => {
		expect(
			isSoftwareRenderer(
				'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)'
			)
		).toBe(true);
		expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
		expect(
			isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)')
		).toBe(false);
		expect(isSoftwareRenderer('Apple M2')).toBe(false);
	});

	it('auto picks WebGL on a real GPU, WASM on a software renderer or without WebGL, CPU last', () => {
		expect(resolveAuto({ webgl2: true, renderer: 'Apple M2', software: false }, true)).toBe(
			'webgl'
		);
		expect(resolveAuto({ webgl2: true, renderer: 'SwiftShader', software: true }, true)).toBe(
			'wasm'
		);
		expect(resolveAuto({ webgl2: false, renderer: null, software: false }, true)).toBe('wasm');
		expect(resolveAuto(null, false)).toBe('cpu');
	});
});
