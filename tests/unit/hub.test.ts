import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import { importPublicKey, parseManifest, verifyModel } from '../../src/lib/supply-chain/integrity';
import { artifactsFromFiles } from '../../src/lib/supply-chain/model-folder';
import {
	MANIFEST_FILE,
	HUB,
	HUB_FILES,
	HUB_PUBLIC_KEY,
	hubDir
} from '../../src/lib/supply-chain/hub';
import { ROOT } from '../../scripts/lib/paths';
import { useBackend } from '../helpers/setup';

beforeAll(async () => {
	await useBackend('cpu');
});

const read = (id: string, name: string) =>
	new Uint8Array(readFileSync(join(ROOT, hubDir(id), name)));

describe('the supply-chain hub that npm run train ships', () => {
	it.each(HUB.map((c) => [c.id, c] as const))(
		'%s: the checks say what the hub says they say',
		async (_id, copy) => {
			const key = await importPublicKey(readFileSync(join(ROOT, HUB_PUBLIC_KEY), 'utf8'));
			const files = Object.fromEntries(HUB_FILES.map((n) => [n, read(copy.id, n)]));
			const manifest = parseManifest(
				new TextDecoder().decode(read(copy.id, MANIFEST_FILE)),
				MANIFEST_FILE
			);
			const report = await verifyModel(files, manifest, key);
			expect(report.files.filter((f) => f.verdict !== 'ok').map((f) => f.name)).toEqual(
				copy.mismatched
			);
			for (const f of report.files.filter((f) => f.verdict !== 'ok'))
				expect(f.verdict).toBe('mismatch');
			expect(report.signature).toBe(copy.signature);
			expect(report.ok).toBe(copy.caughtBy === 'none');
			if (copy.loads) {
				const model = await modelFromArtifacts(artifactsFromFiles(files));
				expect(model.outputs[0].shape).toEqual([null, 10]);
				model.dispose();
			} else {
				expect(() => artifactsFromFiles(files)).toThrow(
					/^weights\.bin has [\d,]+ bytes, but model\.json's 6 weights need 82,984: the file is truncated$/
				);
			}
		}
	);

	it('the original is the shipped mnist-cnn, byte for byte; the trojan is not', () => {
		for (const name of HUB_FILES) {
			const shipped = new Uint8Array(readFileSync(join(ROOT, 'models/mnist-cnn', name)));
			expect(Buffer.compare(read('original', name), shipped), name).toBe(0);
			expect(Buffer.compare(read('mirror', name), shipped), name).toBe(0);
		}
		expect(
			Buffer.compare(read('trojaned', 'weights.bin'), read('original', 'weights.bin'))
		).not.toBe(0);
	});

	it('a broken folder is a message naming the file', () => {
		const files = Object.fromEntries(HUB_FILES.map((n) => [n, read('original', n)]));
		expect(() => artifactsFromFiles({ ...files, 'model.json': new Uint8Array([123]) })).toThrow(
			'model.json is not JSON'
		);
		const { 'weights.bin': _w, ...noWeights } = files;
		expect(() => artifactsFromFiles(noWeights)).toThrow(
			'weights.bin is missing (model.json names it)'
		);
		const longer = new Uint8Array(files['weights.bin'].length + 4);
		expect(() => artifactsFromFiles({ ...files, 'weights.bin': longer })).toThrow(
			"weights.bin has 82,988 bytes, but model.json's 6 weights need 82,984"
		);
	});
});
