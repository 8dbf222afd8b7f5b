import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { APP_VERSION, newRunId, type Run } from '../../src/lib/runs/run';
import { runFile, shelfFile } from '../../src/lib/runs/run-file';
import { LabShelf, runFileStem } from '../../src/lib/runs/shelf.svelte';
import { ClassOverlay } from '../../src/lib/runs/class-overlay.svelte';
import { seriesCsv } from '../../src/lib/runs/series-csv';
import { deleteAllRuns, listRuns } from '../../src/lib/runs/shelf';

function run(name: string, accuracy = 0.5, over: Partial<Run> = {}): Run {
	return {
		id: newRunId('adversarial'),
		lab: 'adversarial',
		kind: 'robustness',
		name,
		createdAt: new Date().toISOString(),
		appVersion: APP_VERSION,
		settings: { attack: 'fgsm', samples: 100 },
		model: { id: 'mnist-cnn', sha256: 'b'.repeat(64) },
		backend: 'wasm',
		seed: 1,
		cli: 'npm run lab -- robustness --model mnist-cnn --attack fgsm --samples 100',
		chart: {
			x: 'eps',
			y: 'accuracy',
			series: [
				{
					label: 'mnist-cnn',
					points: [
						{ x: 0, y: 0.98 },
						{ x: 0.1, y: accuracy }
					]
				}
			]
		},
		data: null,
		...over
	};
}

const file = (text: string, name: string) => new File([text], name, { type: 'application/json' });

describe('LabShelf', () => {
	it('keeps, renames, ticks and deletes runs in IndexedDB', async () => {
		await deleteAllRuns('adversarial');
		const shelf = new LabShelf('adversarial');
		await shelf.load();
		expect(shelf.runs).toEqual([]);
		const a = run('first');
		expect(await shelf.add(a)).toBe(true);
		await shelf.add(run('second'));
		expect(shelf.overlay.map((r) => r.name)).toEqual(['first', 'second']);
		expect(await shelf.rename(a.id, '  ')).toMatch(/needs a name/);
		expect(await shelf.rename(a.id, 'FGSM\nclass A')).toBeNull();
		// a fresh shelf (a reload) reads what was saved
		const again = new LabShelf('adversarial');
		await again.load();
		expect(again.runs.map((r) => r.name)).toEqual(['FGSM class A', 'second']);
		await again.remove(a.id);
		expect((await listRuns('adversarial')).map((r) => r.name)).toEqual(['second']);
		await again.removeAll();
		expect(await listRuns('adversarial')).toEqual([]);
	});

	it("imports nothing when any file is damaged, another lab's or another version's", async () => {
		await deleteAllRuns('adversarial');
		const shelf = new LabShelf('adversarial');
		await shelf.load();
		await shelf.add(run('kept'));
		const good = file(runFile(run('good')), 'good.json');
		const broken = file('{"format": "ai-security-lab/run", "appVersion"', 'broken.json');
		await shelf.importFiles([good, broken]);
		expect(shelf.error).toMatch(/Nothing was imported\. broken\.json: is not JSON/);
		const other = file(runFile(run('p', 0.5, { lab: 'privacy', kind: 'privacy' })), 'p.json');
		await shelf.importFiles([other]);
		expect(shelf.error).toMatch(/p\.json: holds a run of the privacy lab/);
		const old = file(runFile(run('old')).replace(APP_VERSION, '0.0.1'), 'old.json');
		await shelf.importFiles([old]);
		expect(shelf.error).toMatch(/old\.json: was written by version "0\.0\.1"/);
		expect((await listRuns('adversarial')).map((r) => r.name)).toEqual(['kept']);
		await shelf.importFiles([
			good,
			file(shelfFile('adversarial', [run('b1'), run('b2')]), 'shelf.json')
		]);
		expect(shelf.error).toBeNull();
		expect(shelf.notice).toBe('Imported 3 runs (3 new).');
		expect((await listRuns('adversarial')).map((r) => r.name).sort()).toEqual([
			'b1',
			'b2',
			'good',
			'kept'
		]);
	});
});

describe('ClassOverlay', () => {
	it('loads 28 of 30 student files, names the 2 broken ones, and summarises the class', async () => {
		const overlay = new ClassOverlay();
		const files = Array.from({ length: 30 }, (_, i) =>
			i === 7
				? file('not json at all', `student-${i}.json`)
				: i === 19
					? file(
							runFile(run(`s${i}`, 0.3)).replace('"robustness"', '"curves"'),
							`student-${i}.json`
						)
					: file(runFile(run(`s${i}`, i / 30)), `student-${i}.json`)
		);
		await overlay.add(files);
		expect(overlay.runs).toHaveLength(28);
		expect(overlay.skipped.map((f) => f.name)).toEqual(['student-7.json', 'student-19.json']);
		expect(overlay.skipped[0].problem).toMatch(/is not JSON/);
		expect(overlay.skipped[1].problem).toMatch(
			/run\.kind must be one of robustness, transfer, got "curves"/
		);
		const [group] = overlay.groups;
		expect(group.key).toBe('adversarial/robustness');
		const at = group.summary[0].points.find((p) => p.x === 0.1)!;
		expect(at.n).toBe(28);
		// the median of i/30 over i = 0..29 without 7 and 19
		const ys = Array.from({ length: 30 }, (_, i) => i)
			.filter((i) => i !== 7 && i !== 19)
			.map((i) => i / 30);
		expect(at.median).toBeCloseTo((ys[13] + ys[14]) / 2, 12);
		// a toggle takes a student out of the chart and the median
		overlay.hidden.add(overlay.runs[0].id);
		expect(overlay.groups[0].shown).toHaveLength(27);
		expect(overlay.groups[0].summary[0].points[1].n).toBe(27);
		// the same file again adds no duplicate runs
		await overlay.add([files[0]]);
		expect(overlay.runs).toHaveLength(28);
	});
});

describe('series CSV and file names', () => {
	it("writes every run's stamp, then one row per point", () => {
		const a = run('A, "quoted"');
		const csv = seriesCsv([a, run('B')]);
		const lines = csv.split('\r\n');
		expect(lines.filter((l) => l.startsWith('# '))).toHaveLength(10);
		expect(lines).toContain('run,series,eps,accuracy');
		expect(lines).toContain('"A, ""quoted""",mnist-cnn,0.1,0.5');
		expect(runFileStem(a)).toBe('adversarial-robustness-A-quoted');
	});
});
