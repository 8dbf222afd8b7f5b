/**
 * Is this model the one its publisher shipped? A manifest lists the SHA-256 digest (FIPS 180-4)
 * of every file of a model folder, and the publisher signs the manifest with Ed25519 (RFC 8032);
 * both through Web Crypto, the same code in the browser and in Node. A file that changed fails
 * its digest; a manifest that changed, or that another key signed, fails the signature. What
 * neither catches: an insider with the key who signs a trojaned model (the behaviour scans of
 * src/lib/ml/supply-chain/ are for that).
 *
 * Framework-free; the manifest is canonical JSON (sorted keys, no spaces), so its bytes, and the
 * signature over them, do not depend on who wrote it.
 */

export interface Manifest {
	/** the model's id, e.g. "mnist-cnn" */
	model: string;
	/** file name -> lowercase hex SHA-256 of its bytes */
	files: Record<string, string>;
}

export interface SignedManifest extends Manifest {
	/** base64 Ed25519 signature over canonicalManifest(manifest) */
	signature: string;
}

export type FileVerdict = 'ok' | 'mismatch' | 'missing' | 'unlisted';

export interface IntegrityReport {
	files: { name: string; digest: string | null; expected: string | null; verdict: FileVerdict }[];
	signature: 'valid' | 'invalid signature';
	/** every file ok and the signature valid */
	ok: boolean;
}

const hex = (bytes: ArrayBuffer) =>
	Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

function toBase64(bytes: Uint8Array): string {
	let s = '';
	for (const b of bytes) s += String.fromCharCode(b);
	return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
	const s = atob(text);
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
	return out;
}

/** Lowercase hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
	return hex(await crypto.subtle.digest('SHA-256', bytes));
}

/** The bytes a signature covers: the manifest without its signature, keys sorted. */
export function canonicalManifest(m: Manifest): Uint8Array<ArrayBuffer> {
	const files = Object.fromEntries(
		Object.keys(m.files)
			.sort()
			.map((k) => [k, m.files[k]])
	);
	return new TextEncoder().encode(JSON.stringify({ files, model: m.model }));
}

/** The manifest of a model folder's files. */
export async function manifestOf(
	model: string,
	files: Record<string, Uint8Array<ArrayBuffer>>
): Promise<Manifest> {
	const digests: Record<string, string> = {};
	for (const name of Object.keys(files).sort()) digests[name] = await sha256Hex(files[name]);
	return { model, files: digests };
}

export async function generateSigningKey(): Promise<CryptoKeyPair> {
	return (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
		'sign',
		'verify'
	])) as CryptoKeyPair;
}

export async function signManifest(m: Manifest, privateKey: CryptoKey): Promise<SignedManifest> {
	const sig = await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, canonicalManifest(m));
	return { ...m, signature: toBase64(new Uint8Array(sig)) };
}

/** The raw 32-byte public key, base64: what ships with the lab. */
export async function exportPublicKey(key: CryptoKey): Promise<string> {
	return toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
}

export async function importPublicKey(base64: string): Promise<CryptoKey> {
	const raw = fromBase64(base64.trim());
	if (raw.length !== 32)
		throw new Error(`public key: an Ed25519 key is 32 bytes, this one is ${raw.length}`);
	return crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, true, ['verify']);
}

/** Parses a signed manifest's JSON; throws a message naming `source` and what is wrong. */
export function parseManifest(text: string, source: string): SignedManifest {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch {
		throw new Error(`${source}: not JSON`);
	}
	const m = raw as Partial<SignedManifest>;
	if (!m || typeof m !== 'object') throw new Error(`${source}: not a manifest object`);
	if (typeof m.model !== 'string') throw new Error(`${source}: "model" must be a string`);
	if (typeof m.signature !== 'string') throw new Error(`${source}: "signature" is missing`);
	if (!m.files || typeof m.files !== 'object')
		throw new Error(`${source}: "files" must map file names to digests`);
	for (const [name, d] of Object.entries(m.files))
		if (typeof d !== 'string' || !/^[0-9a-f]{64}$/.test(d))
			throw new Error(`${source}: the digest of ${name} is not 64 hex digits`);
	return { model: m.model, files: { ...m.files }, signature: m.signature };
}

/** Checks every file against the manifest and the manifest against the public key. */
export async function verifyModel(
	files: Record<string, Uint8Array<ArrayBuffer>>,
	manifest: SignedManifest,
	publicKey: CryptoKey
): Promise<IntegrityReport> {
	const names = [...new Set([...Object.keys(manifest.files), ...Object.keys(files)])].sort();
	const report: IntegrityReport['files'] = [];
	for (const name of names) {
		const expected = manifest.files[name] ?? null;
		const bytes = files[name];
		const digest = bytes ? await sha256Hex(bytes) : null;
		const verdict: FileVerdict = !bytes
			? 'missing'
			: expected === null
				? 'unlisted'
				: digest === expected
					? 'ok'
					: 'mismatch';
		report.push({ name, digest, expected, verdict });
	}
	let valid: boolean;
	try {
		valid = await crypto.subtle.verify(
			{ name: 'Ed25519' },
			publicKey,
			fromBase64(manifest.signature),
			canonicalManifest(manifest)
		);
	} catch {
		valid = false;
	}
	return {
		files: report,
		signature: valid ? 'valid' : 'invalid signature',
		ok: valid && report.every((f) => f.verdict === 'ok')
	};
}
