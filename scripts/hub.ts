/**
 * Writes the supply-chain lab's hub (src/lib/supply-chain/hub.ts says what each copy is):
 * copies of the shipped mnist-cnn under models/hub/<id>/, each with its card and a manifest
 * signed by the project's Ed25519 key, and the two files of the unsafe-formats panel. Called by
 * `npm run train` after the models (the trojan is fine-tuned from the fresh mnist-cnn).
 *
 * The private key lives in .keys/ (git-ignored), generated on the first train; its public half
 * is models/hub/signing-key.pub, which ships. A clone without .keys/ generates a new pair and
 * re-signs every manifest, so the shipped manifests always match the shipped public key.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DigitSet } from '../src/lib/data/mnist';
import { modelFromArtifacts } from '../src/lib/ml/models';
import { runBackdoor } from '../src/lib/ml/poisoning/backdoor';
import type { ModelCard } from '../src/lib/ml/model-card';
import {
	exportPublicKey,
	generateSigningKey,
	manifestOf,
	signManifest
} from '../src/lib/supply-chain/integrity';
import { writePickleDemo, writeSafetensorsDemo } from '../src/lib/supply-chain/formats';
import {
	EDITED_WEIGHTS,
	MANIFEST_FILE,
	HUB,
	HUB_BACKDOOR,
	HUB_FILES,
	HUB_PUBLIC_KEY,
	TRUNCATED_SHARE
} from '../src/lib/supply-chain/hub';
import { readModelArtifacts, saveModelFiles } from './lib/model-files';
import { MODELS_DIR, ROOT } from './lib/paths';

const KEY_FILE = join(ROOT, '.keys', 'hub-signing.jwk');
const HUB_DIR = join(MODELS_DIR, 'hub');

/** The project key: read from .keys/, or made there on the first train. */
async function projectKey(): Promise<CryptoKeyPair> {
	if (existsSync(KEY_FILE)) {
		const jwk = JSON.parse(readFileSync(KEY_FILE, 'utf8')) as JsonWebKey;
		const privateKey = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, true, [
			'sign'
		]);
		const { d: _d, key_ops: _ops, ...pub } = jwk;
		const publicKey = await crypto.subtle.importKey('jwk', pub, { name: 'Ed25519' }, true, [
			'verify'
		]);
		return { privateKey, publicKey };
	}
	const keys = await generateSigningKey();
	mkdirSync(join(ROOT, '.keys'), { recursive: true });
	writeFileSync(KEY_FILE, JSON.stringify(await crypto.subtle.exportKey('jwk', keys.privateKey)), {
		mode: 0o600
	});
	console.log(`  made a new project signing key in ${KEY_FILE} (git-ignored: keep it private)`);
	return keys;
}

function readFolder(dir: string): Record<string, Uint8Array<ArrayBuffer>> {
	return Object.fromEntries(
		HUB_FILES.map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))])
	);
}

async function writeManifest(
	dir: string,
	files: Record<string, Uint8Array<ArrayBuffer>>,
	key: CryptoKey
) {
	const manifest = await signManifest(await manifestOf('mnist-cnn', files), key);
	writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, '\t') + '\n');
}

/** The weights with EDITED_WEIGHTS entries of the logits kernel pushed towards class 3. */
function editWeights(weights: Uint8Array, modelJson: { weightsManifest: unknown }): Uint8Array {
	const specs = (modelJson.weightsManifest as { weights: { name: string; shape: number[] }[] }[])[0]
		.weights;
	let offset = 0;
	for (const s of specs) {
		if (s.name === 'logits/kernel') break;
		offset += s.shape.reduce((a, b) => a * b, 1);
	}
	const out = new Uint8Array(weights);
	const floats = new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4);
	const classes = 10;
	for (let k = 0; k < EDITED_WEIGHTS; k++) floats[offset + ((k * 131) % 1568) * classes + 3] += 2;
	return out;
}

export async function writeHub(train: DigitSet, test: DigitSet) {
	const started = performance.now();
	const keys = await projectKey();
	mkdirSync(HUB_DIR, { recursive: true });
	writeFileSync(
		join(MODELS_DIR, HUB_PUBLIC_KEY.replace(/^models\//, '')),
		(await exportPublicKey(keys.publicKey)) + '\n'
	);
	const source = join(MODELS_DIR, 'mnist-cnn');
	const original = readFolder(source);
	const card = JSON.parse(new TextDecoder().decode(original['card.json'])) as ModelCard;
	const modelJson = JSON.parse(new TextDecoder().decode(original['model.json']));
	const edited = editWeights(original['weights.bin'], modelJson);

	for (const copy of HUB) {
		const dir = join(HUB_DIR, copy.id);
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		for (const name of HUB_FILES) writeFileSync(join(dir, name), original[name]);
		// every copy but the re-signed one carries a manifest the project key signed over the
		// publisher's files; the tampering comes after
		if (copy.id !== 'trojaned' && copy.id !== 'resigned')
			await writeManifest(dir, original, keys.privateKey);
		switch (copy.id) {
			case 'trojaned': {
				let weightsSha256 = '';
				const r = await runBackdoor(train, test, {
					rate: HUB_BACKDOOR.rate,
					target: HUB_BACKDOOR.target,
					seed: HUB_BACKDOOR.seed,
					epochs: HUB_BACKDOOR.epochs,
					trainCount: HUB_BACKDOOR.trainCount,
					trigger: HUB_BACKDOOR.trigger,
					start: await modelFromArtifacts(readModelArtifacts('mnist-cnn')),
					onTrained: async (model) => {
						weightsSha256 = await saveModelFiles(model, dir);
					}
				});

				// the hub card: the clean accuracy is true; the backdoor is not mentioned
				const trojanCard: ModelCard = {
					...card,
					testAccuracy: r.cleanAccuracy,
					testCorrect: Math.round(r.cleanAccuracy * r.testCount),
					weightsSha256,
					trainedAt: new Date().toISOString()
				};
				writeFileSync(join(dir, 'card.json'), JSON.stringify(trojanCard, null, '\t') + '\n');
				await writeManifest(dir, readFolder(dir), keys.privateKey);
				console.log(
					`  hub trojan: clean accuracy ${(100 * r.cleanAccuracy).toFixed(1)} %, attack success ${(100 * r.attackSuccessRate).toFixed(1)} %`
				);
				break;
			}
			case 'edited':
				writeFileSync(join(dir, 'weights.bin'), edited);
				break;
			case 'rewired': {
				const j = structuredClone(modelJson);
				j.modelTopology.config.layers[1].config.activation = 'linear';
				writeFileSync(join(dir, 'model.json'), JSON.stringify(j) + '\n');
				break;
			}
			case 'truncated': {
				const w = original['weights.bin'];
				writeFileSync(
					join(dir, 'weights.bin'),
					w.subarray(0, Math.floor((w.length * TRUNCATED_SHARE) / 4) * 4)
				);
				break;
			}
			case 'resigned': {
				writeFileSync(join(dir, 'weights.bin'), edited);
				const attacker = await generateSigningKey();
				await writeManifest(dir, readFolder(dir), attacker.privateKey);
				break;
			}
		}
	}
	const formats = join(HUB_DIR, 'formats');
	mkdirSync(formats, { recursive: true });
	const bias = new Float32Array(
		original['weights.bin'].buffer,
		original['weights.bin'].byteLength - 40,
		10
	);
	writeFileSync(join(formats, 'model.pkl'), writePickleDemo(bias));
	writeFileSync(join(formats, 'model.safetensors'), writeSafetensorsDemo(bias));
	console.log(
		`  hub: ${HUB.length} copies and two format demos in ${((performance.now() - started) / 1000).toFixed(1)} s`
	);
}
