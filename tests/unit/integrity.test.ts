import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	exportPublicKey,
	generateSigningKey,
	importPublicKey,
	manifestOf,
	parseManifest,
	sha256Hex,
	signManifest,
	verifyModel
} from '../../src/lib/supply-chain/integrity';

const bytes = (b: Uint8Array) => new Uint8Array(b);
const folder = () => ({
	'model.json': bytes(readFileSync('models/mnist-cnn/model.json')),
	'weights.bin': bytes(readFileSync('models/mnist-cnn/weights.bin'))
});

describe('model integrity: SHA-256 digests in an Ed25519-signed manifest', () => {
	it('SHA-256 matches the FIPS 180-4 test vector', async () => {
		expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});

	it('an untouched folder passes; a one-byte change in any file fails that file’s digest', async () => {
		const keys = await generateSigningKey();
		const files = folder();
		const signed = await signManifest(await manifestOf('mnist-cnn', files), keys.privateKey);
		const pub = await importPublicKey(await exportPublicKey(keys.publicKey));
		expect((await verifyModel(files, signed, pub)).ok).toBe(true);
		for (const name of Object.keys(files) as (keyof typeof files)[]) {
			const changed = folder();
			const at = changed[name].length >> 1;
			changed[name][at] ^= 1;
			const report = await verifyModel(changed, signed, pub);
			expect(report.ok).toBe(false);
			expect(report.signature).toBe('valid');
			expect(report.files.find((f) => f.name === name)!.verdict).toBe('mismatch');
			expect(report.files.filter((f) => f.verdict === 'ok')).toHaveLength(1);
		}
		const truncated = folder();
		const short = { ...truncated, 'weights.bin': truncated['weights.bin'].slice(0, 100) };
		expect((await verifyModel(short, signed, pub)).files[1].verdict).toBe('mismatch');
		const { 'weights.bin': _gone, ...missing } = folder();
		void _gone;
		expect((await verifyModel(missing, signed, pub)).files[1].verdict).toBe('missing');
	});

	it('a manifest signed by another key, or edited after signing, fails the signature', async () => {
		const ours = await generateSigningKey();
		const theirs = await generateSigningKey();
		const files = folder();
		const manifest = await manifestOf('mnist-cnn', files);
		const forged = await signManifest(manifest, theirs.privateKey);
		const report = await verifyModel(files, forged, ours.publicKey);
		expect(report.signature).toBe('invalid signature');
		expect(report.ok).toBe(false);
		const signed = await signManifest(manifest, ours.privateKey);
		const edited = { ...signed, files: { ...signed.files, 'model.json': '0'.repeat(64) } };
		expect((await verifyModel(files, edited, ours.publicKey)).signature).toBe('invalid signature');
	});

	it('a malformed manifest or key names what is wrong', async () => {
		expect(() => parseManifest('{', 'm.json')).toThrow('m.json: not JSON');
		expect(() =>
			parseManifest('{"model":"x","files":{"a":"zz"},"signature":"s"}', 'm.json')
		).toThrow('m.json: the digest of a is not 64 hex digits');
		expect(() => parseManifest('{"model":"x","files":{}}', 'm.json')).toThrow(/signature/);
		await expect(importPublicKey(btoa('short'))).rejects.toThrow(/32 bytes/);
	});
});
