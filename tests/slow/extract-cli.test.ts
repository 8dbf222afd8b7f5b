import { describe, expect, it } from 'vitest';
import { lab as labCli } from '../helpers/lab-cli';

const lab = (...args: string[]) => labCli('extract', ...args);

describe('npm run lab -- extract', () => {
	it('--json: equation solving steals fraud-logreg exactly with d + 1 = 11 queries', async () => {
		const run = await lab(
			'--victim',
			'fraud-logreg',
			'--strategy',
			'equation',
			'--budget',
			'50',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r.queries).toBe(11);
		expect(r.agreement).toBe(1);
		expect(r.maxParamError).toBeLessThan(1e-6);
		expect(r.surrogateAccuracy).toBeCloseTo(r.victimAccuracy, 12);
	});

	it('--json: a Jacobian surrogate of fraud-mlp on rounded answers, with its curve and PRADA verdict', async () => {
		const run = await lab(
			'--victim',
			'fraud-mlp',
			'--strategy',
			'jacobian',
			'--budget',
			'600',
			'--output',
			'round:2',
			'--points',
			'3',
			'--seed',
			'4',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		for (const key of ['queries', 'agreement', 'surrogateAccuracy', 'curve', 'prada'])
			expect(r, key).toHaveProperty(key);
		expect(r.output).toBe('round:2');
		expect(r.queries).toBe(600);
		expect(r.curve.map((p: { queries: number }) => p.queries)).toEqual([200, 400, 600]);
		expect(r.agreement).toBeGreaterThan(0.9);
		expect(r).not.toHaveProperty('maxParamError');
		expect(Object.keys(r.prada).sort()).toEqual(['alarmAt', 'benignFalseAlarmRate', 'delta']);
		expect(r.prada.delta).toBe(0.75);
		// The Jacobian attacker is flagged once PRADA starts testing (after 100 distances); at most
		// 2 of the 10 benign clients are (measured: 1 with victim seed 4).
		expect(r.prada.alarmAt).toBeGreaterThan(100);
		expect(r.prada.alarmAt).toBeLessThanOrEqual(600);
		expect(r.prada.benignFalseAlarmRate).toBeLessThanOrEqual(0.2);
	});

	it('prints a table for people', async () => {
		const run = await lab(
			'--victim',
			'fraud-logreg',
			'--strategy',
			'natural',
			'--budget',
			'200',
			'--output',
			'label',
			'--points',
			'2'
		);
		expect(run.code, run.stderr).toBe(0);
		const lines = run.stdout.trim().split('\n');
		expect(lines[0]).toBe('natural extraction of fraud-logreg through a label API, seed 1, wasm');
		expect(lines[1]).toMatch(
			/^200 queries of a budget of 200; victim accuracy \d+\.\d % on 1200 held-out inputs$/
		);
		expect(run.stdout).toMatch(/ {6}100 +\d+\.\d % +\d+\.\d %/);
		expect(run.stdout).toMatch(/PRADA \(delta 0\.75\)/);
	});
});
