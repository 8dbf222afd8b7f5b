import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { lab as labCli, labProcess } from '../helpers/lab-cli';

const lab = (...args: string[]) => labCli('invert', ...args);
const QUICK = ['--model', 'few-shot', '--per-class', '1', '--steps', '40'];

interface Point {
	class: number;
	confidence: number;
	evaluatorClass: number;
	nearestTrainDistance: number | null;
	nearestHeldOutDistance: number | null;
	queries: number;
	pixels: number[];
}

const dirs: string[] = [];
afterAll(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm run lab -- invert', () => {
	it('--json: one inverted image per class of the one-photo model, each judged and measured', async () => {
		const run = await lab(...QUICK, '--json');
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r).toMatchObject({ model: 'few-shot', k: 1, steps: 40, blackBox: null, seed: 1 });
		const points = r.points as Point[];
		expect(points.map((p) => p.class)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		for (const p of points) {
			expect(p.pixels).toHaveLength(784);
			expect(p.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
			expect(p.confidence).toBeGreaterThan(0);
			expect(p.confidence).toBeLessThanOrEqual(1);
			expect(Number.isInteger(p.evaluatorClass)).toBe(true);
			expect(p.nearestTrainDistance).toBeGreaterThan(0);
			expect(p.nearestHeldOutDistance).toBeGreaterThan(0);
			expect(p.queries).toBe(0);
		}
		for (const key of ['attackAccuracy', 'recoveredRate', 'meanDistanceGap', 'ms'])
			expect(typeof r[key], key).toBe('number');
		expect(r.attackAccuracy).toBe(points.filter((p) => p.evaluatorClass === p.class).length / 10);
	});

	it('--model privacy-mlp trains the privacy lab’s digit model with its epsilon and compares with its training digits', async () => {
		const run = await lab('--model', 'privacy-mlp', '--sigma', '8', '--steps', '30', '--json');
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r.k).toBeNull();
		// the same run as `lab dp-train --dataset mnist --sigma 8` (the README's table: 0.60)
		expect(r.privacy.sigma).toBe(8);
		expect(r.privacy.epsilon).toBeCloseTo(0.6, 2);
		expect(r.privacy.accuracy).toBeGreaterThan(0.1);
		for (const p of r.points as Point[]) expect(p.nearestTrainDistance).toBeGreaterThan(0);
		expect(typeof r.recoveredRate).toBe('number');
	});

	it('a shipped model has no training photos to compare with: the distances are null', async () => {
		const run = await lab('--model', 'mnist-softmax', '--class', '3', '--steps', '20', '--json');
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r.k).toBeNull();
		expect(r.points).toHaveLength(1);
		expect(r.points[0]).toMatchObject({
			class: 3,
			nearestTrainDistance: null,
			nearestHeldOutDistance: null
		});
		expect(r).not.toHaveProperty('recoveredRate');
	});

	it('--blackbox counts the queries the API answered, within the budget', async () => {
		const run = await lab(
			...QUICK,
			'--class',
			'7',
			'--blackbox',
			'--output',
			'round:1',
			'--budget',
			'500',
			'--samples',
			'10',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r.blackBox).toMatchObject({ output: 'round:1', estimator: 'nes', budget: 500 });
		expect(r.points[0].queries).toBeGreaterThan(0);
		expect(r.points[0].queries).toBeLessThanOrEqual(500);
		expect(r.totalQueries).toBe(r.points[0].queries);
	});

	it('--png writes each inversion as a 28x28 greyscale class-K.png', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'lab-invert-'));
		dirs.push(dir);
		const run = await lab(...QUICK, '--png', dir);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain('wrote 10 PNG files');
		expect(readdirSync(dir).sort()).toEqual(
			Array.from({ length: 10 }, (_, c) => `class-${c}.png`).sort()
		);
		for (let c = 0; c < 10; c++) {
			const png = readFileSync(join(dir, `class-${c}.png`));
			expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
			expect(png.toString('ascii', 12, 16)).toBe('IHDR');
			expect(png.readUInt32BE(16)).toBe(28);
			expect(png.readUInt32BE(20)).toBe(28);
			expect(png[24]).toBe(8); // bit depth
			expect(png[25]).toBe(0); // greyscale
		}
	});

	it('prints a table for people and leaves no tensor behind', async () => {
		await lab(...QUICK, '--class', '0');
		const before = tf.memory().numTensors;
		const run = await lab(...QUICK);
		expect(tf.memory().numTensors).toBe(before);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toMatch(/^inverting the few-photos model \(k = 1 digit per class\)/);
		expect(run.stdout).toMatch(/^ {6}9 +\d+\.\d % +\d/m);
		expect(run.stdout).toMatch(/^attack accuracy \d+\.\d %/m);
		expect(run.stdout).toMatch(/^recovered training photos \d+\.\d %/m);
	});

	it.each([
		[['--class', '12'], 'lab invert: --class must be a whole number from 0 to 9 or all, got "12"'],
		[
			['--blackbox', '--output', 'round:x'],
			'lab invert: --output round:K: K must be a whole number from 0 to 15, got "x"'
		],
		[['--output', 'label'], 'lab invert: --output applies to --blackbox only'],
		[['--per-class', '3'], 'lab invert: --per-class must be one of 1, 5, 20, 100, got "3"']
	])('lab invert %j: one line on stderr, exit 2', async (argv, message) => {
		const run = await lab('--model', 'few-shot', ...argv);
		expect(run.code).toBe(2);
		expect(run.stderr).toBe(message);
	});

	it('as a process: a bad argument is one line on stderr and exit code 2', () => {
		const run = labProcess('invert', '--model', 'mnist-cnn', '--per-class', '5');
		expect(run.code).toBe(2);
		expect(run.stderr.trim().split('\n')).toEqual([
			'lab invert: --per-class applies to --model few-shot only'
		]);
	});
});
