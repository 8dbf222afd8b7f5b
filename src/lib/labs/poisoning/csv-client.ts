// Hands a file to csv.worker.ts and waits for its rows or its one-line error.
import type { LabelledCsv } from '$lib/data/labelled-csv';

export function parseCsvOffThread(file: File): Promise<LabelledCsv> {
	const worker = new Worker(new URL('./csv.worker.ts', import.meta.url), { type: 'module' });
	return new Promise<LabelledCsv>((resolve, reject) => {
		worker.onmessage = (
			event: MessageEvent<{ ok: true; csv: LabelledCsv } | { ok: false; message: string }>
		) => {
			if (event.data.ok) resolve(event.data.csv);
			else reject(new Error(event.data.message));
		};
		worker.onerror = (event) => reject(new Error(`${file.name}: ${event.message}`));
		worker.postMessage({ file });
	}).finally(() => worker.terminate());
}
