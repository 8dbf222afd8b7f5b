import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS_DIR } from '../../scripts/lib/paths';
import {
	exportPublicKey,
	generateSigningKey,
	manifestOf,
	signManifest
} from '../../src/lib/supply-chain/integrity';

export interface SignedFolder {
	dir: string;
	/** the file holding the signer's public key (base64) */
	publicKey: string;
	keys: CryptoKeyPair;
}

/**
 * A copy of a shipped model's folder (or of `from`) in `into` (default: a fresh temporary
 * folder), with a manifest.json signed by a fresh Ed25519 key whose public half is written beside
 * it: a publisher's model as a hub would serve it.
 */
export async function signedCopy(
	id: string,
	into = mkdtempSync(join(tmpdir(), `${id}-`)),
	from = join(MODELS_DIR, id)
): Promise<SignedFolder> {
	const dir = join(into, id);
	cpSync(from, dir, { recursive: true });
	const files: Record<string, Uint8Array<ArrayBuffer>> = {};
	for (const name of readdirSync(dir).sort())
		files[name] = new Uint8Array(readFileSync(join(dir, name)));
	const keys = await generateSigningKey();
	const manifest = await signManifest(await manifestOf(id, files), keys.privateKey);
	writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, '\t') + '\n');
	const publicKey = join(into, `${id}.pub`);
	writeFileSync(publicKey, (await exportPublicKey(keys.publicKey)) + '\n');
	return { dir, publicKey, keys };
}
