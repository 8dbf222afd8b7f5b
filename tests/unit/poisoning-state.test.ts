import { describe, expect, it, vi } from 'vitest';
import { parseLabelledCsv } from '../../src/lib/data/labelled-csv';
import { preparePoisonData } from '../../src/lib/ml/poisoning/experiment';

// The lab's state in Node: the runtime only times calls, and the CSV worker is the parser itself.
vi.mock('$lib/runtime/lab-runtime.svelte', () => ({
	runtime: {
		generation: 0,
		timed: <T>(_label: string, call: () => Promise<T>) => call(),
		onBackendChange: () => () => {}
	}
}));
vi.mock('../../src/lib/labs/poisoning/csv-client', () => ({
	parseCsvOffThread: async (file: File) => parseLabelledCsv(await file.text(), file.name)
}));

const csvFile = (name: string, lines: string[]) =>
	new File([lines.join('\n')], name, { type: 'text/csv' });

describe('PoisoningLab data', () => {
	it('a data set that fails to build replaces nothing; a good upload replaces everything', async () => {
		const { PoisoningLab } = await import('../../src/lib/labs/poisoning/poisoning-state.svelte');
		const lab = new PoisoningLab();
		lab.loadDefault();
		const before = lab.data;
		const plane = lab.plane;
		expect(before?.name).toBe('20,000 generated transactions');

		// One feature column: the PCA plane cannot be built, so setData throws before assigning.
		const x = Float32Array.from({ length: 40 }, (_, i) => i);
		const y = Uint8Array.from({ length: 40 }, (_, i) => i % 2);
		const oneFeature = preparePoisonData(
			'one column',
			['x'],
			{ features: x, labels: y },
			{
				features: x,
				labels: y
			}
		);
		expect(() => lab.setData(oneFeature)).toThrow(/pca2: needs >= 2 columns/);
		expect(lab.data).toBe(before);
		expect(lab.plane).toBe(plane);

		// Through the upload path the same files get a clear message and the data stays.
		await lab.upload(
			csvFile('one.csv', ['x,Class', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`)])
		);
		expect(lab.uploadError).toMatch(/^one.csv: the first line names 1 feature column/);
		await lab.upload(
			csvFile('tiny.csv', [
				'a,b,Class',
				...Array.from({ length: 12 }, (_, i) => `${i},${i * 2},${i % 2}`)
			])
		);
		expect(lab.uploadError).toMatch(/leaves 10 training rows; the lab needs at least 11/);
		expect(lab.data).toBe(before);
		expect(lab.plane).toBe(plane);

		await lab.upload(
			csvFile('good.csv', [
				'a,b,Class',
				...Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 37) % 11},${i % 5 === 0 ? 1 : 0}`)
			])
		);
		expect(lab.uploadError).toBeNull();
		expect(lab.data?.name).toBe('good.csv (60 rows, label "Class")');
		expect(lab.plane).not.toBe(plane);
	});
});
