// Parses an uploaded CSV off the main thread: a thin wrapper around parseLabelledCsv.
import { CsvError, MAX_BYTES, parseLabelledCsv } from '$lib/data/labelled-csv';

self.onmessage = async (event: MessageEvent<{ file: File }>) => {
	const { file } = event.data;
	try {
		if (file.size > MAX_BYTES) {
			throw new CsvError(
				`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the lab reads at most ${MAX_BYTES / 1024 / 1024} MB (take a sample of the rows)`
			);
		}
		const csv = parseLabelledCsv(await file.text(), file.name);
		self.postMessage({ ok: true, csv }, { transfer: [csv.features.buffer, csv.labels.buffer] });
	} catch (e) {
		self.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
	}
};
