// The tfjs backends the Node front doors can use: WASM (fast, default) and plain CPU.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend, type BackendName } from '../../src/lib/ml/backend';

export const NODE_BACKENDS = ['wasm', 'cpu'] as const satisfies readonly BackendName[];
export type NodeBackend = (typeof NODE_BACKENDS)[number];

const require = createRequire(import.meta.url);

export async function initNodeBackend(name: NodeBackend): Promise<void> {
	// tfjs-core warns about tfjs-node on every start; the lab cannot install it and does not need it.
	tf.env().set('IS_NODE', true);
	tf.env().set('PROD', true);
	await activateBackend(name, async () => {
		if (name === 'wasm') {
			const wasm = await import('@tensorflow/tfjs-backend-wasm');
			const dir = dirname(
				require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')
			);
			wasm.setWasmPaths(dir + '/');
		} else {
			await import('@tensorflow/tfjs-backend-cpu');
		}
	});
}
