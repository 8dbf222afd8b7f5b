// The messages between the page (client.ts) and the lab's worker (ml.worker.ts).
import type { BackendName } from '$lib/ml/backend';
import type { TaskName } from './tasks';

export type ToWorker =
	| { type: 'run'; id: number; task: TaskName; args: unknown; backend: BackendName }
	| { type: 'cancel'; id: number }
	| { type: 'memory'; id: number };

export type FromWorker =
	| { type: 'progress'; id: number; fraction: number }
	| { type: 'event'; id: number; payload: unknown }
	| { type: 'done'; id: number; result: unknown; backend: BackendName; numTensors: number }
	| { type: 'failed'; id: number; name: string; message: string; numTensors: number }
	| {
			type: 'memory';
			id: number;
			numTensors: number;
			backend: BackendName | null;
			wasm: { simd: boolean; threaded: boolean; threads: number } | null;
	  };
