import { describe, expect, it } from 'vitest';
import {
	fieldOption,
	parseOptions,
	UsageError,
	wasGiven,
	type OptionSpec
} from '../../scripts/cli/args';
import { lab } from '../helpers/lab-cli';
import { COMMANDS } from '../../scripts/cli/registry';
import { defineSettings, problemOf, type FieldSpec } from '../../src/lib/labs/settings';
import { SETTINGS as ADVERSARIAL } from '../../src/lib/labs/adversarial/settings';
import { SETTINGS as EXTRACTION } from '../../src/lib/labs/extraction/settings';
import { SETTINGS as INVERSION } from '../../src/lib/labs/inversion/settings';
import { BACKDOOR_SETTINGS, SETTINGS as POISONING } from '../../src/lib/labs/poisoning/settings';
import { SETTINGS as PRIVACY } from '../../src/lib/labs/privacy/settings';

const specs: OptionSpec[] = [
	{ name: 'model', kind: 'choice', choices: ['a', 'b'], help: 'model' },
	{ name: 'samples', kind: 'integer', min: 1, default: 1000, help: 'samples' },
	{ name: 'eps', kind: 'numbers', min: 0, max: 1, help: 'eps list' },
	{ name: 'json', kind: 'flag', help: 'json' }
];

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

	it('options from a settings field take its bounds, default, list form and aliases', () => {
		const F = ADVERSARIAL.fields;
		const fields = [
			fieldOption('eps', F.eps, { list: true }),
			fieldOption('steps', F.steps),
			fieldOption('random-start', F.randomStart),
			fieldOption('defence', F.defence, { aliases: ['defense'] })
		];
		const parsed = parseOptions(['--eps', '0,0.25', '--defense', 'median-2'], fields, 'lab x');
		expect(parsed).toEqual({
			eps: [0, 0.25],
			steps: 10,
			'random-start': false,
			defence: 'median-2'
		});
		expect(wasGiven(parsed, 'defence')).toBe(true);
		expect(wasGiven(parsed, 'steps')).toBe(false);
		expect(() => parseOptions(['--eps', '0,0.9'], fields, 'lab x')).toThrow(
			'lab x: --eps (item 2) must be a number from 0 to 0.5, got "0.9"'
		);
		expect(() => parseOptions(['--steps', '500'], fields, 'lab x')).toThrow(
			'lab x: --steps must be a whole number from 1 to 100, got "500"'
		);
	});
});

describe('one range, the same words at every door', () => {
	// For each lab: a CLI option, the settings field behind it, and a value outside its range.
	const cases = [
		['dp-train', '--sigma', PRIVACY.fields.sigma, '100'],
		['dp-train', '--epochs', PRIVACY.fields.epochs, '1000'],
		['dp-train', '--clip', PRIVACY.fields.clip, '0'],
		['extract', '--budget', EXTRACTION.fields.budget, '25000'],
		['robustness', '--steps', ADVERSARIAL.fields.steps, '500'],
		['robustness', '--eps', ADVERSARIAL.fields.eps, '0.9'],
		['poison', '--rates', POISONING.fields.rate, '0.6'],
		['backdoor', '--target', BACKDOOR_SETTINGS.fields.target, '11'],
		['invert', '--steps', INVERSION.fields.steps, '6000'],
		['invert', '--tv', INVERSION.fields.tv, '11']
	] as const;

	it.each(cases)(
		'lab %s %s out of range: the CLI, the URL and the page all say "must be ..."',
		async (command, option, field, value) => {
			const message = problemOf(field as FieldSpec, Number(value))!;
			expect(message).toMatch(/^must be /);
			const run = await lab(command, option, value);
			expect(run.code).toBe(2);
			expect(run.stderr).toContain(`--${option.slice(2)}`);
			expect(run.stderr).toContain(message);
			const url = defineUrlRead(field as FieldSpec, value);
			expect(url).toContain(message);
		}
	);

	it('robustness says --defence, and takes --defense silently', async () => {
		const help = await lab('robustness', '--help');
		expect(help.stdout).toContain('--defence');
		expect(help.stdout).not.toContain('--defense');
		const poison = await lab('poison', '--help');
		expect(poison.stdout).toContain('--defence');
		const bad = await lab('poison', '--attack', 'random', '--defense', 'nope');
		expect(bad.stderr).toBe('lab poison: --defense must be one of none, knn, loss, got "nope"');
	});
});

/** What the URL reader says about `?<key>=value` for this field. */
function defineUrlRead(field: FieldSpec, value: string): string {
	const url = defineSettings({ x: field }).url();
	const key = field.key ?? 'x';
	return url.read(`?${key}=${encodeURIComponent(value)}`).problems[0]?.text ?? '';
}

describe('npm run lab, in this process', () => {
	it('info --json lists the models, data sets and backends', async () => {
		const run = await lab('info', '--json');
		expect(run.code, run.stderr).toBe(0);
		const info = JSON.parse(run.stdout);
		expect(info.models.map((m: { id: string }) => m.id)).toEqual([
			'mnist-softmax',
			'mnist-cnn',
			'mnist-cnn-adv'
		]);
		expect(info.datasets.find((d: { id: string }) => d.id === 'mnist-test').count).toBe(2000);
	});

	it('a bad argument is one line on stderr, named once, and exit code 2', async () => {
		const unknown = await lab('info', '--model', 'nope');
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toBe(
			'lab info: unknown option --model (known: --json, --backend, --help)'
		);
		const command = await lab('frobnicate');
		expect(command.code).toBe(2);
		expect(command.stderr).toMatch(/^lab: unknown command "frobnicate" \(commands: info/);
		const backend = await lab('info', '--backend', 'gpu');
		expect(backend.stderr).toBe('lab info: --backend must be one of wasm, cpu, got "gpu"');
	});

	it.each([
		[
			['robustness'],
			'lab robustness: --model is required (one of mnist-softmax, mnist-cnn, mnist-cnn-adv)'
		],
		[
			['robustness', '--model', 'mnist-cnn', '--steps', '5'],
			'lab robustness: --steps applies to --attack pgd only'
		],
		[
			['robustness', '--model', 'mnist-cnn', '--samples', '5000'],
			'lab robustness: --samples must be a whole number from 1 to 2000, got "5000"'
		],
		[['poison'], 'lab poison: --attack is required (one of random, targeted, boundary)'],
		[
			['backdoor', '--train', '9000'],
			'lab backdoor: --train must be a whole number from 100 to 8000, got "9000"'
		],
		[
			['backdoor', '--samples', '5000'],
			'lab backdoor: --samples must be a whole number from 1 to 2000, got "5000"'
		],
		[
			['dp-train', '--sigma', '1', '--no-privacy'],
			'lab dp-train: --sigma and --no-privacy exclude each other'
		],
		[
			['dp-train', '--delta', '1'],
			'lab dp-train: --delta must be a number from 0 (exclusive) to 0.001, got "1"'
		],
		[
			['dp-train', '--batch', '600'],
			'lab dp-train: --batch must be a whole number from 1 to 500, got "600"'
		],
		[
			['dp-train', '--dataset', 'fraud', '--batch', '501'],
			'lab dp-train: --batch must be a whole number from 1 to 500, got "501"'
		],
		[
			[
				'extract',
				'--victim',
				'fraud-logreg',
				'--strategy',
				'equation',
				'--budget',
				'11',
				'--output',
				'label'
			],
			'lab extract: equation solving needs confidence scores, but this API answers with class labels only (use probs or round:K, or a learning attack)'
		],
		[
			['extract', '--victim', 'fraud-mlp', '--strategy', 'equation', '--budget', '11'],
			'lab extract: equation solving recovers a logistic regression; fraud-mlp is not one (use fraud-logreg, or a learning attack: random, natural or jacobian)'
		],
		[
			['extract', '--victim', 'fraud-logreg', '--strategy', 'equation', '--budget', '5'],
			'lab extract: equation solving needs 11 queries (d + 1) but the budget is 5'
		],
		[
			[
				'extract',
				'--victim',
				'fraud-mlp',
				'--strategy',
				'random',
				'--budget',
				'100',
				'--output',
				'round:x'
			],
			'lab extract: --output round:K: K must be a whole number from 0 to 15, got "x"'
		],
		[
			['extract', '--victim', 'fraud-mlp', '--strategy', 'random'],
			'lab extract: --budget is required (queries the attacker may send)'
		],
		[
			['extract', '--victim', 'svm', '--strategy', 'random', '--budget', '10'],
			'lab extract: --victim must be one of fraud-logreg, fraud-mlp, mnist-cnn, got "svm"'
		],
		[
			[
				'extract',
				'--victim',
				'mnist-cnn',
				'--strategy',
				'natural',
				'--budget',
				'10',
				'--explanations'
			],
			'lab extract: --explanations: explanations are the gradient of P(class 1) of a binary victim; mnist-cnn has none here (use fraud-logreg or fraud-mlp)'
		],
		[
			[
				'extract',
				'--victim',
				'fraud-mlp',
				'--strategy',
				'natural',
				'--budget',
				'10',
				'--explanations=1'
			],
			'lab extract: --explanations is a flag and takes no value'
		],
		[
			['invert', '--steps', '10'],
			'lab invert: --model is required (one of mnist-softmax, mnist-cnn, mnist-cnn-adv, few-shot, privacy-mlp)'
		],
		[
			['invert', '--model', 'mnist-cnn', '--per-class', '5'],
			'lab invert: --per-class applies to --model few-shot only'
		],
		[
			['invert', '--model', 'few-shot', '--sigma', '2'],
			'lab invert: --sigma applies to --model privacy-mlp only'
		],
		[
			['invert', '--model', 'few-shot', '--budget', '100'],
			'lab invert: --budget applies to --blackbox only'
		],
		[
			['invert', '--model', 'few-shot', '--blackbox', '--output', 'round'],
			'lab invert: --output must be probs, round:K (K decimals) or label, got "round"'
		],
		[
			['epsilon', '--q', '0.01', '--sigma', '1', '--delta', '1e-5'],
			'lab epsilon: missing --steps (give --q and --steps, or --n, --batch and --epochs)'
		]
	])('lab %j: one line, exit 2', async (argv, message) => {
		const run = await lab(...argv);
		expect(run.stderr).toBe(message);
		expect(run.code).toBe(2);
	});

	it('--help lists every command, and each command lists its options with their defaults', async () => {
		const help = await lab('--help');
		expect(help.code).toBe(0);
		for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c.name}`);
		const robustness = await lab('robustness', '-h');
		expect(robustness.stdout).toMatch(
			/--steps <integer 1\.\.100> +BIM\/PGD: gradient steps|--steps <integer 1\.\.100> +pgd: iterations \(default 10\)/
		);
		expect(robustness.stdout).toContain('--model <mnist-softmax|mnist-cnn|mnist-cnn-adv>');
	});
});
