import { describe, expect, it } from 'vitest';
import { lab as labCli } from '../helpers/lab-cli';

const lab = labCli;

const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'recallAt1Fpr'];

describe('npm run lab -- poison', () => {
	it('--json: per rate the mean and standard deviation of each metric; targeted flips cut recall', async () => {
		const run = await lab(
			'poison',
			'--attack',
			'targeted',
			'--rates',
			'0,0.5',
			'--seeds',
			'3',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		expect(result.attack).toBe('targeted');
		expect(result.model).toBe('logreg');
		expect(result.defence).toBe('none');
		expect(result.seeds).toEqual([1, 2, 3]);
		expect(result.points).toHaveLength(2);
		for (const p of result.points)
			expect(Object.keys(p).sort()).toEqual(
				['rate', ...METRICS, ...METRICS.map((m) => `${m}Std`)].sort()
			);
		const [clean, half] = result.points;
		expect(clean.rate).toBe(0);
		expect(half.rate).toBe(0.5);
		expect(half.recall).toBeLessThan(0.6 * clean.recall);
		expect(half.accuracy).toBeGreaterThan(clean.accuracy);
		expect(half.recallStd).toBeGreaterThan(0);
	}, 120_000);

	it('text output for the boundary attack says its spread is 0 by construction', async () => {
		const run = await lab('poison', '--attack', 'boundary', '--rates', '0,0.1', '--seeds', '2');
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toMatch(/recall@1%FPR/);
		expect(run.stdout).toMatch(/Spread is 0: the boundary attack always flips the same rows/);
		// Both seeds train the same model: every "±" in the 0.1 row reads 0.0.
		const row = run.stdout.split('\n').find((l) => l.trim().startsWith('0.100'));
		expect(row).toBeDefined();
		expect(row?.match(/±\s*[\d.]+/g)?.map((s) => s.replace(/\s/g, ''))).toEqual(
			Array(6).fill('±0.0')
		);
	}, 120_000);

	it('bad options: one line, exit code 2', async () => {
		for (const args of [
			['poison', '--rates', '0,0.1'],
			['poison', '--attack', 'sideways'],
			['poison', '--attack', 'random', '--rates', '0,0.7'],
			['poison', '--attack', 'random', '--defense', 'magic']
		]) {
			const run = await lab(...args);
			expect(run.code, args.join(' ')).toBe(2);
			expect(run.stderr.trim().split('\n')).toHaveLength(1);
		}
		expect((await lab('poison', '--rates', '0,0.1')).stderr).toMatch(/--attack is required/);
		expect((await lab('poison', '--attack', 'random', '--rates', '0,0.7')).stderr).toMatch(
			/--rates \(item 2\) must be a rate from 0 to 0.5/
		);
	}, 60_000);
});
