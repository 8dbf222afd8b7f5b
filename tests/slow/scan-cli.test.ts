import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateSigningKey } from '../../src/lib/supply-chain/integrity';
import { lab as labCli } from '../helpers/lab-cli';
import { signedCopy } from '../helpers/signed-model';

const lab = (...args: string[]) => labCli('scan', ...args);
const root = mkdtempSync(join(tmpdir(), 'scan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface FileRow {
	name: string;
	verdict: string;
}

describe('npm run lab -- scan', () => {
	it('a signed copy passes; one changed byte fails its file; a manifest from another key fails the signature', async () => {
		const { dir, publicKey } = await signedCopy('mnist-softmax', join(root, 'a'));
		const clean = JSON.parse(
			(await lab('--model', dir, '--public-key', publicKey, '--json')).stdout
		);
		expect(clean).toMatchObject({ signature: 'valid', integrityOk: true, failed: [] });
		expect((clean.files as FileRow[]).map((f) => f.name)).toEqual([
			'MODEL_CARD.md',
			'card.json',
			'model.json',
			'weights.bin'
		]);
		expect(clean.neuralCleanse).toBeNull();

		const weights = join(dir, 'weights.bin');
		const bytes = readFileSync(weights);
		bytes[1000] ^= 1;
		writeFileSync(weights, bytes);
		const edited = await lab('--model', dir, '--public-key', publicKey, '--json');
		expect(edited.code, edited.stderr).toBe(0);
		const e = JSON.parse(edited.stdout);
		expect(e.failed).toEqual(['mismatch']);
		expect((e.files as FileRow[]).find((f) => f.name === 'weights.bin')?.verdict).toBe('mismatch');
		expect(e.signature).toBe('valid');

		const other = join(root, 'other.pub');
		writeFileSync(other, await exportPublicKey((await generateSigningKey()).publicKey));
		const foreign = JSON.parse((await lab('--model', dir, '--public-key', other, '--json')).stdout);
		expect(foreign.failed).toEqual(['mismatch', 'invalid signature']);
		expect(foreign.integrityOk).toBe(false);
	});

	// Wang et al. flag a class whose anomaly index is above 2. Two trojans fine-tuned from the
	// shipped mnist-cnn, with different targets and trigger positions, each signed by its maker.
	it('--neural-cleanse flags the target of trojans made with lab backdoor --from mnist-cnn --save, and nothing on the clean model', async () => {
		const trojans = [
			{ target: 8, at: [] as string[] },
			{ target: 2, at: ['--trigger-row', '2', '--trigger-col', '2'] }
		];
		for (const { target, at } of trojans) {
			const made = join(root, `trojan-${target}`);
			const args = [
				'--from',
				'mnist-cnn',
				'--rates',
				'0.1',
				'--epochs',
				'5',
				'--target',
				String(target),
				...at,
				'--save',
				made
			];
			const saved = await labCli('backdoor', ...args, '--json');
			expect(saved.code, saved.stderr).toBe(0);
			expect(JSON.parse(saved.stdout).points[0].attackSuccessRate).toBeGreaterThan(0.9);
			// signed by its maker: the insider's trojan passes both integrity checks
			const signed = await signedCopy(`trojan-${target}`, join(root, `signed-${target}`), made);
			const run = await lab(
				'--model',
				signed.dir,
				'--public-key',
				signed.publicKey,
				'--neural-cleanse',
				'--json'
			);
			expect(run.code, run.stderr).toBe(0);
			const r = JSON.parse(run.stdout);
			expect(r.integrityOk).toBe(true);
			const classes = r.neuralCleanse.classes as { maskNorm: number; anomalyIndex: number }[];
			expect(classes).toHaveLength(10);
			expect(
				r.neuralCleanse.flagged,
				`target ${target}: indices ${classes.map((c) => c.anomalyIndex.toFixed(2))}`
			).toEqual([target]);
		}

		const clean = await signedCopy('mnist-cnn', join(root, 'clean'));
		const c = await lab(
			'--model',
			clean.dir,
			'--public-key',
			clean.publicKey,
			'--neural-cleanse',
			'--json'
		);
		expect(JSON.parse(c.stdout).neuralCleanse.flagged).toEqual([]);
	}, 180_000);

	it('a missing or malformed file is one line naming it, exit 2', async () => {
		const { dir, publicKey } = await signedCopy('mnist-softmax', join(root, 'b'));
		const noKey = await lab('--model', dir, '--public-key', join(root, 'absent.pub'));
		expect(noKey.code).toBe(2);
		expect(noKey.stderr).toBe(
			`lab scan: the public key ${join(root, 'absent.pub')} does not exist`
		);
		writeFileSync(join(dir, 'manifest.json'), '{"model": "x"');
		const bad = await lab('--model', dir, '--public-key', publicKey);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toBe(`lab scan: ${join(dir, 'manifest.json')}: not JSON`);
	});
});
