import { describe, expect, it } from 'vitest';
import { lab as labCli } from '../helpers/lab-cli';

const lab = labCli;

interface Point {
	rate: number;
	poisonedCount: number;
	cleanAccuracy: number;
	attackSuccessRate: number;
	triggeredTargetAccuracy: number;
	trainMs: number;
}

describe('npm run lab -- backdoor', () => {
	it('--json: poisoning 10 % of the digits plants a backdoor toward --target', async () => {
		const run = await lab(
			'backdoor',
			'--rates',
			'0,0.1',
			'--target',
			'3',
			'--seed',
			'2',
			'--train',
			'1500',
			'--samples',
			'400',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		expect(result).toMatchObject({
			target: 3,
			seed: 2,
			model: 'cnn',
			trainCount: 1500,
			testCount: 400,
			epochs: 3,
			backend: 'wasm'
		});
		expect(result.ms).toBeGreaterThan(0);
		const points = result.points as Point[];
		expect(points.map((p) => p.rate)).toEqual([0, 0.1]);
		expect(points.map((p) => p.poisonedCount)).toEqual([0, 150]);
		for (const p of points) {
			expect(Object.keys(p).sort()).toEqual(
				[
					'attackSuccessRate',
					'cleanAccuracy',
					'poisonedCount',
					'rate',
					'trainMs',
					'triggeredTargetAccuracy'
				].sort()
			);
			expect(p.cleanAccuracy).toBeGreaterThan(0.8);
		}
		expect(points[0].attackSuccessRate).toBeLessThan(0.1);
		expect(points[1].attackSuccessRate).toBeGreaterThan(0.7);
	});

	it('prints a table for people', async () => {
		const run = await lab(
			'backdoor',
			'--rates',
			'0.05',
			'--train',
			'200',
			'--epochs',
			'1',
			'--samples',
			'50'
		);
		expect(run.code, run.stderr).toBe(0);
		const lines = run.stdout.trim().split('\n');
		expect(lines[0]).toBe(
			'BadNets backdoor (Gu et al. 2017): 4x4 checkerboard, bottom-right corner -> class 7, seed 1'
		);
		expect(lines[1]).toMatch(
			/^cnn, 200 training digits x 1 epochs, 50 test digits, wasm, \d+\.\d\d s$/
		);
		expect(lines[3]).toMatch(/rate\s+poisoned\s+clean accuracy\s+attack success/);
		expect(lines.slice(4)).toHaveLength(1);
		expect(lines[4]).toMatch(/^ {4}5\.0 %\s+10\s+[\d.]+ %\s+[\d.]+ %$/);
	});
});
