import { initNodeBackend, type NodeBackend } from '../../scripts/lib/node-tf';

/** Starts a tfjs backend for a test file (WASM unless the file needs the plain CPU one). */
export async function useBackend(name: NodeBackend = 'wasm') {
	await initNodeBackend(name);
}
