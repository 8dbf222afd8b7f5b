import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APP_VERSION, newRunId, settingsQuery, type Run } from '../../src/lib/runs/run';
import { readRunFile, RunFileError, runFile, shelfFile } from '../../src/lib/runs/run-file';
import { stampedCsv, stampLines } from '../../src/lib/runs/stamp';
import { paramToPixels, pixelsToParam } from '../../src/lib/runs/pixels';
import { classSummary, groupRuns, quantile } from '../../src/lib/runs/compare';
import { deleteAllRuns, deleteRun, listRuns, saveRun, saveRuns } from '../../src/lib/runs/shelf';

function run(over: Partial<Run> = {}): Run {
	return {
		id: newRunId('adversarial'),
		lab: 'adversarial',
		kind: 'robustness',
		name: 'FGSM, 1,000 digits',
		createdAt: '2026-12-01T10:00:00.000Z',
		appVersion: APP_VERSION,
		settings: { attack: 'fgsm', samples: 1000, randomStart: false },
		model: { id: 'mnist-cnn', sha256: 'a'.repeat(64) },
		backend: 'wasm',
		seed: 1,
		cli: 'npm run lab -- robustness --model mnist-cnn --attack fgsm --samples 1000',
		chart: {
			x: 'eps',
			y: 'accuracy',
			series: [
				{
					label: 'mnist-cnn',
					points: [
						{ x: 0, y: 0.98 },
						{ x: 0.1, y: 0.4 }
					]
				}
			]
		},
		data: { note: 'anything plain' },
		...over
	};
}

describe('run files', () => {
	it('a run exported then imported is the same run; a shelf file too', () => {
		const r = run();
		expect(readRunFile(runFile(r), 'r.json')).toEqual([r]);
		const rs = [r, run({ name: 'other' })];
		expect(readRunFile(shelfFile('adversarial', rs), 's.json')).toEqual(rs);
	});

	it.each([
		['not JSON', '{', /^x\.json: is not JSON/],
		['another format', '{"format":"other"}', /is not a run or shelf file/],
		[
			'another version',
			JSON.stringify({ format: 'ai-security-lab/run', appVersion: '0.0.1', run: run() }),
			/version "0\.0\.1" of the lab, and this is/
		],
		[
			'a bad point',
			runFile(
				run({
					chart: {
						x: 'eps',
						y: 'accuracy',
						series: [{ label: 'a', points: [{ x: 0, y: 'x' as unknown as number }] }]
					}
				})
			),
			/run\.chart\.series\[0\]\.points\[0\]\.y must be a number, got "x"/
		],
		[
			'an unknown lab',
			runFile(run({ lab: 'nope' as Run['lab'] })),
			/run\.lab must be one of adversarial/
		],
		[
			'a bad sha',
			runFile(run({ model: { id: 'm', sha256: 'xyz' } })),
			/run\.model\.sha256 must be a sha256 in hex/
		]
	])('refuses %s, naming the file and what is wrong', (_, content, message) => {
		expect(() => readRunFile(content, 'x.json')).toThrow(RunFileError);
		expect(() => readRunFile(content, 'x.json')).toThrow(message);
	});

	it('never throws anything but a RunFileError on any text, and reads no prototype keys (fuzzed)', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string(),
					fc.json(),
					fc.constant(runFile(run()).replace('"lab"', '"__proto__"'))
				),
				(content) => {
					try {
						readRunFile(content, 'f.json');
					} catch (err) {
						expect(err).toBeInstanceOf(RunFileError);
					}
				}
			),
			{ seed: 20261201, numRuns: 1000 }
		);
	});
});

describe('provenance', () => {
	it('names lab, settings, model and its sha256, seed, backend, version, date and the command', () => {
		const lines = stampLines(run()).join('\n');
		for (const part of [
			'adversarial lab',
			'attack=fgsm',
			'samples=1000',
			'mnist-cnn',
			'a'.repeat(64),
			'seed 1',
			'backend wasm',
			APP_VERSION,
			'2026-12-01',
			'npm run lab -- robustness'
		])
			expect(lines).toContain(part);
		const csv = stampedCsv(run(), 'eps,accuracy\r\n0,0.98\r\n');
		expect(csv.split('\r\n').filter((l) => l.startsWith('# '))).toHaveLength(5);
		expect(csv).toMatch(/\r\neps,accuracy\r\n/);
		expect(settingsQuery({ a: 1, b: true, c: 'x' })).toBe('?a=1&b=1&c=x');
	});
});

describe('a digit in a link', () => {
	it('round-trips 784 pixels at 8-bit precision in about a thousand characters', () => {
		const pixels = Float32Array.from({ length: 784 }, (_, i) => (i % 7) / 6);
		const text = pixelsToParam(pixels);
		expect(text.length).toBeLessThan(1100);
		const back = paramToPixels(text)!;
		back.forEach((v, i) => expect(Math.abs(v - pixels[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-6));
		expect(paramToPixels('abc')).toBeNull();
		expect(paramToPixels('%%%')).toBeNull();
	});
});

describe('a class overlay', () => {
	it('gives the median and quartiles per series and x', () => {
		const runs = [0.1, 0.2, 0.3, 0.4, 0.5].map((y) =>
			run({ chart: { x: 'eps', y: 'accuracy', series: [{ label: 'cnn', points: [{ x: 0, y }] }] } })
		);
		const [s] = classSummary(runs);
		expect(s.points[0]).toMatchObject({ x: 0, median: 0.3, n: 5 });
		expect(s.points[0].q1).toBeCloseTo(0.2, 10);
		expect(s.points[0].q3).toBeCloseTo(0.4, 10);
		expect(quantile([], 0.5)).toBeNaN();
		expect([...groupRuns([run(), run({ lab: 'privacy', kind: 'privacy' })]).keys()]).toEqual([
			'adversarial/robustness',
			'privacy/privacy'
		]);
	});
});

describe('the shelf (IndexedDB)', () => {
	it('keeps runs per lab in order, deletes one or all, imports all at once', async () => {
		await deleteAllRuns('adversarial');
		const a = run({ createdAt: '2026-12-01T10:00:00.000Z' });
		const b = run({ createdAt: '2026-12-01T11:00:00.000Z', name: 'second' });
		await saveRun(b);
		await saveRun(a);
		await saveRun(run({ lab: 'privacy', kind: 'privacy' }));
		expect((await listRuns('adversarial')).map((r) => r.name)).toEqual([a.name, 'second']);
		await deleteRun(a.id);
		expect((await listRuns('adversarial')).map((r) => r.id)).toEqual([b.id]);
		await saveRuns([run(), run()]);
		expect(await listRuns('adversarial')).toHaveLength(3);
		await deleteAllRuns('adversarial');
		expect(await listRuns('adversarial')).toEqual([]);
		expect(await listRuns('privacy')).toHaveLength(1);
	});
});
