import { describe, expect, it } from 'vitest';
import { lab as labCli } from '../helpers/lab-cli';

const lab = labCli;

interface Point {
	eps: number;
	accuracy: number;
	errorRate: number;
	meanConfidenceOnErrors: number;
}

describe('npm run lab -- robustness', () => {
	it('--json: FGSM at eps 0.25 takes softmax regression from ~90 % to almost nothing', async () => {
		const run = await lab(
			'robustness',
			'--model',
			'mnist-softmax',
			'--attack',
			'fgsm',
			'--eps',
			'0,0.25',
			'--samples',
			'200',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		for (const key of ['model', 'attack', 'samples', 'seed', 'points', 'ms'])
			expect(result, key).toHaveProperty(key);
		expect(result.model).toBe('mnist-softmax');
		expect(result.attack).toEqual({ kind: 'fgsm' });
		expect(result.samples).toBe(200);
		expect(result.ms).toBeGreaterThan(0);
		const points = result.points as Point[];
		expect(points.map((p) => p.eps)).toEqual([0, 0.25]);
		for (const p of points) {
			expect(Object.keys(p).sort()).toEqual(
				['accuracy', 'eps', 'errorRate', 'meanConfidenceOnErrors'].sort()
			);
			expect(p.accuracy + p.errorRate).toBeCloseTo(1, 12);
		}
		expect(points[0].accuracy).toBeGreaterThan(0.85);
		// Goodfellow et al. 2015: 99.9 % error at eps 0.25 on a shallow softmax model
		expect(points[1].accuracy).toBeLessThan(0.05);
		expect(points[1].meanConfidenceOnErrors).toBeGreaterThan(0.5);
	});

	it('prints a table for people, and runs PGD with a seed', async () => {
		const run = await lab(
			'robustness',
			'--model',
			'mnist-softmax',
			'--attack',
			'pgd',
			'--eps',
			'0,0.1',
			'--samples',
			'50',
			'--steps',
			'3',
			'--random-start',
			'--seed',
			'9'
		);
		expect(run.code, run.stderr).toBe(0);
		const lines = run.stdout.trim().split('\n');
		expect(lines[0]).toBe(
			'mnist-softmax under PGD (Madry et al. 2018), seed 9, 3 steps of 2.5 eps / steps'
		);
		expect(lines[1]).toMatch(/^50 held-out digits, no defence, wasm, \d+\.\d\d s$/);
		expect(lines[3]).toMatch(/eps\s+accuracy\s+error/);
		expect(lines.slice(4)).toHaveLength(2);
		expect(lines[4]).toMatch(/^ {2}0\.000 /);
		expect(lines[5]).toMatch(/^ {2}0\.100 /);
	});

	it('--checks --json: the honest checks pass for softmax regression under FGSM, with their numbers', async () => {
		const run = await lab(
			'robustness',
			'--model',
			'mnist-softmax',
			'--eps',
			'0,0.1',
			'--samples',
			'60',
			'--checks',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		const checks = result.checks as { id: string; name: string; passed: boolean; detail: string }[];
		// no defence, so no adaptive check; mnist-cnn is the transfer source
		expect(checks.map((c) => c.id)).toEqual([
			'monotone',
			'unbounded',
			'iterative',
			'convergence',
			'transfer'
		]);
		for (const c of checks) {
			expect(Object.keys(c).sort()).toEqual(['detail', 'id', 'name', 'passed']);
			// a linear model has no gradients to mask: FGSM is already close to the worst case
			expect(c.passed, `${c.name}: ${c.detail}`).toBe(true);
		}
		expect(result.checkRun.transferFrom).toBe('mnist-cnn');
		expect(result.checkRun.samples).toBe(60);
		expect(result.checkRun.claimed.at(-1)).toEqual({ eps: 0.5, accuracy: 0 });
	});

	it('--transfer-from needs --checks and another model', async () => {
		const alone = await lab(
			'robustness',
			'--model',
			'mnist-cnn',
			'--transfer-from',
			'mnist-cnn-adv'
		);
		expect(alone.code).not.toBe(0);
		expect(alone.stderr).toMatch(/--transfer-from applies with --checks only/);
		const same = await lab(
			'robustness',
			'--model',
			'mnist-cnn',
			'--checks',
			'--transfer-from',
			'mnist-cnn'
		);
		expect(same.code).not.toBe(0);
		expect(same.stderr).toMatch(/--transfer-from must be another model/);
	});
});
