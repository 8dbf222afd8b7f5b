import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnist, MNIST_PIXELS } from '../../src/lib/data/mnist';
import { classifierFromModel } from '../../src/lib/ml/classifier';
import { evaluateAccuracy } from '../../src/lib/ml/evaluate';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import { attackSuccessRate, triggerAll } from '../../src/lib/ml/poisoning/backdoor';
import { readModelFolder } from '../../scripts/lib/model-files';
import { readStaticAsset } from '../../scripts/lib/paths';
import type { BackdoorCard } from '../../scripts/cli/commands/backdoor';
import { lab as labCli } from '../helpers/lab-cli';

const dirs: string[] = [];
afterAll(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

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

	it('--save writes the trojan as a model folder that, loaded again, still answers the trigger with its target', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'trojan-'));
		dirs.push(dir);
		const args = ['--rates', '0.1', '--target', '2', '--trigger-row', '2', '--trigger-col', '2'];
		const run = await lab(
			'backdoor',
			...args,
			'--train',
			'1000',
			'--samples',
			'300',
			'--save',
			dir,
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		expect(result.triggerAt).toEqual({ row: 2, col: 2 });
		expect(result.saved).toBe(dir);
		const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as BackdoorCard;
		expect(card).toMatchObject({ kind: 'backdoored', target: 2, rate: 0.1, testCount: 300 });
		expect(card.trigger).toEqual({ row: 2, col: 2, side: 4, pattern: 'checkerboard' });
		expect(card.attackSuccessRate).toBe(result.points[0].attackSuccessRate);

		// the folder alone reproduces the run's attack success on the same triggered digits
		const classifier = classifierFromModel(await modelFromArtifacts(readModelFolder(dir)));
		try {
			const test = await loadMnist('test', readStaticAsset);
			const n = 300;
			const head = {
				count: n,
				labels: test.labels.subarray(0, n),
				pixels: test.pixels.subarray(0, n * MNIST_PIXELS)
			};
			const { predictions } = await evaluateAccuracy(
				classifier,
				triggerAll(head, { row: 2, col: 2 })
			);
			expect(attackSuccessRate(predictions, head.labels, 2).rate).toBe(card.attackSuccessRate);
		} finally {
			classifier.dispose();
		}
	});

	it('--save keeps one model: several rates, or none given, is a usage error', async () => {
		const run = await lab('backdoor', '--save', '/tmp/never-written');
		expect(run.code).toBe(2);
		expect(run.stderr).toBe(
			'lab backdoor: --save keeps one model: give one rate, e.g. --rates 0.05'
		);
	});

	it('--from: a folder that is not a model, or --model beside it, is one line and exit 2', async () => {
		const missing = await lab('backdoor', '--from', '/tmp/no-such-model-folder', '--rates', '0.1');
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(
			/^lab backdoor: --from: \/tmp\/no-such-model-folder\/model\.json cannot be read \(.*\); give a tfjs model folder$/
		);
		const both = await lab('backdoor', '--from', 'mnist-cnn', '--model', 'softmax');
		expect(both.code).toBe(2);
		expect(both.stderr).toBe('lab backdoor: --from fine-tunes that model; leave out --model');
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
