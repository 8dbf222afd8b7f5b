import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../scripts/cli/registry';
import { labProcess } from '../helpers/lab-cli';
import { signedCopy } from '../helpers/signed-model';

// scan reads a signed model folder: a copy of mnist-softmax signed here by a fresh key
const SCAN_ROOT = join(tmpdir(), `lab-smoke-scan-${process.pid}`);
beforeAll(() => signedCopy('mnist-softmax', SCAN_ROOT));
afterAll(() => rmSync(SCAN_ROOT, { recursive: true, force: true }));

// One real `npm run lab` process per command: the shell entry, exit code and JSON shape. The
// commands' behaviour is tested in-process (tests/unit/cli.test.ts, tests/slow/*-cli.test.ts).
// minBytes: an answer longer than a pipe's 64 KiB buffer, which an exit before the pipe drains
// would cut short (the shell entry waits for it)
const SMOKE: Record<string, { argv: string[]; keys: string[]; minBytes?: number }> = {
	info: { argv: [], keys: ['models', 'datasets', 'backends'] },
	robustness: {
		argv: ['--model', 'mnist-softmax', '--eps', '0,0.1', '--samples', '50'],
		keys: ['model', 'attack', 'points', 'ms']
	},
	certify: {
		argv: ['--sigma', '0.5', '--samples', '3', '--n', '200'],
		keys: ['points', 'digits', 'cleanAccuracy', 'abstainRate']
	},
	epsilon: {
		argv: ['--q', '0.01', '--steps', '100', '--sigma', '1', '--delta', '1e-5'],
		keys: ['epsilon', 'order', 'q', 'steps']
	},
	poison: {
		argv: ['--attack', 'random', '--rates', '0', '--seeds', '1'],
		keys: ['attack', 'points', 'seeds']
	},
	backdoor: {
		argv: ['--rates', '0', '--train', '200', '--epochs', '1', '--samples', '100'],
		keys: ['target', 'points', 'trigger']
	},
	'dp-train': { argv: ['--epochs', '1'], keys: ['accuracy', 'epsilon', 'miaAuc', 'private'] },
	extract: {
		argv: ['--victim', 'fraud-logreg', '--strategy', 'equation', '--budget', '11'],
		keys: ['queries', 'agreement', 'maxParamError']
	},
	invert: {
		// all ten classes, 784 pixels each
		argv: ['--model', 'few-shot', '--per-class', '1', '--steps', '10', '--class', 'all'],
		keys: ['points', 'attackAccuracy', 'recoveredRate', 'meanDistanceGap'],
		minBytes: 65_537
	},
	costs: {
		// every defence at a tiny size
		argv: [
			...[
				'--digits',
				'5',
				'--latency-digits',
				'2',
				'--smoothing-n',
				'20',
				'--smoothing-digits',
				'1'
			],
			...[
				'--dp-members',
				'60',
				'--dp-epochs',
				'1',
				'--prada-budget',
				'110',
				'--prada-clients',
				'1'
			],
			...['--poison-train', '300', '--poison-test', '200']
		],
		keys: ['backend', 'options', 'defences', 'ms']
	},
	scan: {
		argv: [
			'--model',
			join(SCAN_ROOT, 'mnist-softmax'),
			'--public-key',
			join(SCAN_ROOT, 'mnist-softmax.pub')
		],
		keys: ['files', 'signature', 'failed', 'integrityOk']
	}
};

describe('npm run lab, as a process', () => {
	it('has a smoke test for every command', () => {
		expect(Object.keys(SMOKE).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
	});

	it.each(Object.entries(SMOKE))('%s --json exits 0 with its JSON', (name, smoke) => {
		const { argv, keys, minBytes = 0 } = smoke;
		const run = labProcess(name, ...argv, '--json');
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout.length).toBeGreaterThanOrEqual(minBytes);
		const result = JSON.parse(run.stdout);
		for (const key of keys) expect(result, key).toHaveProperty(key);
	});

	it('a usage error is one line on stderr and exit code 2', () => {
		const run = labProcess('robustness', '--model', 'mnist-cnn', '--eps', '2');
		expect(run.code).toBe(2);
		expect(run.stderr.trim().split('\n')).toEqual([
			'lab robustness: --eps (item 1) must be a number from 0 to 0.5, got "2"'
		]);
	});
});
