import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError, type OptionSpec } from '../../scripts/cli/args';
import { ROOT } from '../../scripts/lib/paths';

const specs: OptionSpec[] = [
	{ name: 'model', kind: 'choice', choices: ['a', 'b'], help: 'model' },
	{ name: 'samples', kind: 'integer', min: 1, default: 1000, help: 'samples' },
	{ name: 'eps', kind: 'numbers', min: 0, max: 1, help: 'eps list' },
	{ name: 'json', kind: 'flag', help: 'json' }
];

function lab(...args: string[]) {
	return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lab.ts', ...args], {
		cwd: ROOT,
		encoding: 'utf8'
	});
}

describe('lab CLI arguments', () => {
	it('parse values, lists and flags, with defaults', () => {
		expect(parseOptions(['--model', 'b', '--eps=0,0.1,0.25', '--json'], specs, 'lab x')).toEqual({
			model: 'b',
			samples: 1000,
			eps: [0, 0.1, 0.25],
			json: true
		});
	});

	it.each([
		[['--samples', 'ten'], 'lab x: --samples expects a number, got "ten"'],
		[['--samples', '2.5'], 'lab x: --samples expects a whole number, got "2.5"'],
		[['--samples', '0'], 'lab x: --samples must be at least 1, got 0'],
		[['--eps', '0,x'], 'lab x: --eps (item 2) expects a number, got "x"'],
		[['--model', 'c'], 'lab x: --model must be one of a, b, got "c"'],
		[['--model'], 'lab x: --model needs a value'],
		[
			['--colour', 'red'],
			'lab x: unknown option --colour (known: --model, --samples, --eps, --json)'
		],
		[['stray'], 'lab x: unexpected argument "stray" (options start with --; see --help)']
	])('reject %j with one clear message', (argv, message) => {
		expect(() => parseOptions(argv, specs, 'lab x')).toThrow(new UsageError(message));
	});
});

describe('npm run lab', () => {
	it('info --json prints valid JSON listing the models, data sets and backends', () => {
		const run = lab('info', '--json');
		expect(run.status, run.stderr).toBe(0);
		const info = JSON.parse(run.stdout);
		expect(info.models.map((m: { id: string }) => m.id)).toEqual([
			'mnist-softmax',
			'mnist-cnn',
			'mnist-cnn-adv'
		]);
		for (const m of info.models) expect(m.testAccuracy).toBeGreaterThan(0.9);
		expect(info.datasets.find((d: { id: string }) => d.id === 'mnist-test').count).toBe(2000);
		expect(info.backends.find((b: { name: string }) => b.name === 'wasm').available).toBe(true);
	});

	it('a bad argument is one line on stderr and exit code 2', () => {
		const unknown = lab('info', '--model', 'nope');
		expect(unknown.status).toBe(2);
		expect(unknown.stderr.trim().split('\n')).toEqual([
			'lab: lab info: unknown option --model (known: --json, --backend, --help)'
		]);
		const command = lab('frobnicate');
		expect(command.status).toBe(2);
		expect(command.stderr.trim()).toMatch(/^lab: unknown command "frobnicate" \(commands: info/);
		const backend = lab('info', '--backend', 'gpu');
		expect(backend.status).toBe(2);
		expect(backend.stderr.trim()).toBe(
			'lab: lab info: --backend must be one of wasm, cpu, got "gpu"'
		);
	});

	it('--help lists the commands and the options', () => {
		const help = lab('--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/Commands:\n {2}info/);
		expect(help.stdout).toContain('--json');
	});
});
