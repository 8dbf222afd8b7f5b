/**
 * lab scan: is this model folder the one its publisher signed, and does it hide a backdoor?
 * Per file the SHA-256 digest against the signed manifest, the manifest's Ed25519 signature
 * against a public key (src/lib/supply-chain/integrity.ts), and with --neural-cleanse the
 * reversed trigger's mask norm and the anomaly index per class (src/lib/ml/supply-chain).
 * A tampered model is a finding, not an error: it is reported (exit 0) with the failing check.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { digitBatch, loadMnist } from '../../../src/lib/data/mnist';
import { classifierFromModel } from '../../../src/lib/ml/classifier';
import { modelFromArtifacts } from '../../../src/lib/ml/models';
import {
	ANOMALY_THRESHOLD,
	NEURAL_CLEANSE_DEFAULTS as NC,
	neuralCleanse
} from '../../../src/lib/ml/supply-chain/neural-cleanse';
import {
	importPublicKey,
	parseManifest,
	verifyModel,
	type IntegrityReport
} from '../../../src/lib/supply-chain/integrity';
import { readModelFolder } from '../../lib/model-files';
import { readStaticAsset } from '../../lib/paths';
import { UsageError } from '../args';
import { defineCommand } from '../command';
// the manifest's name inside a model folder; it is not one of the files it lists
import { MANIFEST_FILE } from '../../../src/lib/supply-chain/hub';

const NAME = 'lab scan';

interface ScanResult {
	model: string;
	manifest: string;
	publicKey: string;
	files: IntegrityReport['files'];
	signature: IntegrityReport['signature'];
	/** the checks that failed: "mismatch", "missing", "unlisted", "invalid signature" */
	failed: string[];
	integrityOk: boolean;
	neuralCleanse: {
		steps: number;
		classes: { class: number; maskNorm: number; anomalyIndex: number; success: number }[];
		/** classes whose anomaly index is above the paper's threshold of 2; empty for a clean model */
		flagged: number[];
		threshold: number;
		ms: number;
	} | null;
	backend: string;
}

/** The bytes of `path`, or a usage error naming it (exit 2). */
function readNamed(path: string, what: string): Uint8Array<ArrayBuffer> {
	if (!existsSync(path)) throw new UsageError(`${NAME}: ${what} ${path} does not exist`);
	try {
		return new Uint8Array(readFileSync(path));
	} catch (err) {
		throw new UsageError(`${NAME}: ${what} ${path} cannot be read (${(err as Error).message})`);
	}
}

export const scan = defineCommand<ScanResult>({
	name: 'scan',
	summary:
		'check a model folder: file digests and the manifest signature, and with --neural-cleanse a backdoor scan',
	options: [
		{ name: 'model', kind: 'string', help: 'the tfjs model folder (model.json and weights)' },
		{
			name: 'manifest',
			kind: 'string',
			help: `the signed manifest (default: ${MANIFEST_FILE} in the model folder)`
		},
		{
			name: 'public-key',
			kind: 'string',
			help: 'the publisher’s Ed25519 public key, 32 bytes base64, in a file'
		},
		{
			name: 'neural-cleanse',
			kind: 'flag',
			help: `reverse-engineer a trigger for every class (Wang et al. 2019; ${NC.steps} steps)`
		}
	],
	needsBackend: true,
	async run(options, ctx) {
		const dir = options.model as string | undefined;
		if (!dir) throw new UsageError(`${NAME}: --model is required (a tfjs model folder)`);
		if (!existsSync(dir) || !statSync(dir).isDirectory())
			throw new UsageError(`${NAME}: --model ${dir} is not a folder`);
		const keyFile = options['public-key'] as string | undefined;
		if (!keyFile) throw new UsageError(`${NAME}: --public-key is required (the signer's key file)`);
		const manifestFile = (options.manifest as string | undefined) ?? join(dir, MANIFEST_FILE);

		const manifestText = new TextDecoder().decode(readNamed(manifestFile, 'the manifest'));
		let manifest;
		try {
			manifest = parseManifest(manifestText, manifestFile);
		} catch (err) {
			throw new UsageError(`${NAME}: ${(err as Error).message}`);
		}
		const keyText = new TextDecoder().decode(readNamed(keyFile, 'the public key'));
		let key: CryptoKey;
		try {
			key = await importPublicKey(keyText);
		} catch (err) {
			throw new UsageError(`${NAME}: ${keyFile}: ${(err as Error).message}`);
		}
		const files: Record<string, Uint8Array<ArrayBuffer>> = {};
		for (const name of readdirSync(dir).sort()) {
			const path = join(dir, name);
			if (name === MANIFEST_FILE || !statSync(path).isFile()) continue;
			files[name] = readNamed(path, 'the file');
		}
		const report = await verifyModel(files, manifest, key);
		const failed = [
			...new Set([
				...report.files.filter((f) => f.verdict !== 'ok').map((f) => f.verdict),
				...(report.signature === 'valid' ? [] : [report.signature])
			])
		];

		let cleanse: ScanResult['neuralCleanse'] = null;
		if (options['neural-cleanse']) {
			let model;
			try {
				model = await modelFromArtifacts(readModelFolder(dir));
			} catch (err) {
				throw new UsageError(
					`${NAME}: ${dir} does not load as a tfjs model: ${(err as Error).message}`
				);
			}
			const classifier = classifierFromModel(model);
			try {
				const test = await loadMnist('test', readStaticAsset);
				const r = await neuralCleanse(classifier, {
					clean: digitBatch(test, 0, Math.min(NC.cleanDigits, test.count)),
					steps: NC.steps,
					batchSize: NC.batchSize,
					learningRate: NC.learningRate,
					lambda: NC.lambda
				});
				cleanse = {
					steps: NC.steps,
					classes: r.triggers.map((t, c) => ({
						class: t.target,
						maskNorm: t.maskNorm,
						anomalyIndex: r.anomalyIndex[c],
						success: t.success
					})),
					flagged: r.flagged,
					threshold: ANOMALY_THRESHOLD,
					ms: Math.round(r.ms)
				};
			} finally {
				classifier.dispose();
			}
		}
		return {
			model: dir,
			manifest: manifestFile,
			publicKey: keyFile,
			files: report.files,
			signature: report.signature,
			failed,
			integrityOk: report.ok,
			neuralCleanse: cleanse,
			backend: ctx.backend
		};
	},
	text(r) {
		const lines = [`scanning ${r.model} against ${r.manifest} (key ${r.publicKey})`, ''];
		for (const f of r.files)
			lines.push(`  ${f.verdict.padEnd(9)} ${f.name}  ${f.digest ?? '(absent)'}`);
		lines.push('', `signature: ${r.signature}`);
		lines.push(
			r.integrityOk
				? 'integrity: every file matches its signed digest'
				: `integrity: FAILED (${r.failed.join(', ')})`
		);
		const nc = r.neuralCleanse;
		if (nc) {
			lines.push(
				'',
				`Neural Cleanse (Wang et al. 2019), ${nc.steps} steps, ${(nc.ms / 1000).toFixed(1)} s:`
			);
			lines.push('  class   mask norm   anomaly index   trigger success');
			for (const c of nc.classes)
				lines.push(
					`  ${String(c.class).padStart(5)}   ${c.maskNorm.toFixed(1).padStart(9)}   ${c.anomalyIndex.toFixed(2).padStart(13)}   ${(100 * c.success).toFixed(0).padStart(13)} %`
				);
			lines.push(
				nc.flagged.length
					? `flagged: class ${nc.flagged.join(', ')} (anomaly index above ${nc.threshold}): a likely backdoor target`
					: `flagged: none (no anomaly index above ${nc.threshold})`
			);
		}
		return lines.join('\n');
	}
});
