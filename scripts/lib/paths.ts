// Where things live on disk, for the Node front doors (CLI, training, data prep, bench).
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STATIC_DIR = join(ROOT, 'static');
export const MODELS_DIR = join(ROOT, 'models');
export const BUILD_DIR = join(ROOT, 'build');

/** The Node counterpart of the browser's fetch of a site asset (see AssetReader). */
export async function readStaticAsset(path: string): Promise<Uint8Array> {
	try {
		return new Uint8Array(await readFile(join(STATIC_DIR, path)));
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new Error(`static/${path} is missing; run \`npm run data\` to create it`, {
				cause: err
			});
		}
		throw err;
	}
}
