import { describe, expect, it } from 'vitest';
import { lab as labCli } from '../helpers/lab-cli';

const lab = labCli;
import { TF_PRIVACY_CLI_ORDERS } from '../../src/lib/ml/privacy/rdp';

describe('npm run lab -- epsilon', () => {
	it('--json reproduces the TF Privacy CLI vector: q 150/60000, sigma 1.3, 6000 steps -> 0.7242234026109595', async () => {
		const run = await lab(
			'epsilon',
			'--q',
			String(150 / 60000),
			'--sigma',
			'1.3',
			'--steps',
			'6000',
			'--delta',
			'1e-5',
			'--orders',
			TF_PRIVACY_CLI_ORDERS.join(','),
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		expect(Math.abs(result.epsilon - 0.7242234026109595)).toBeLessThanOrEqual(1e-6);
		expect(result).toMatchObject({
			order: 19,
			q: 0.0025,
			sigma: 1.3,
			steps: 6000,
			delta: 1e-5,
			conversion: 'current',
			orders: 'custom'
		});
	});

	it('--n --batch --epochs count steps as TF Privacy does, with the Opacus orders by default', async () => {
		const run = await lab(
			'epsilon',
			'--n',
			'60000',
			'--batch',
			'256',
			'--epochs',
			'60',
			'--sigma',
			'1.1',
			'--delta',
			'1e-5',
			'--conversion',
			'older',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		expect(result.steps).toBe(14063);
		expect(result.orders).toBe('opacus');
		expect(result.epsilon).toBeCloseTo(3.008, 3);
	});

	it('--target-epsilon prints the smallest sigma whose epsilon does not exceed it', async () => {
		// the setting above (60000 digits, batch 256, 60 epochs, older conversion) reaches epsilon
		// 3.008 at sigma 1.1
		const args = [
			...['--n', '60000', '--batch', '256', '--epochs', '60'],
			...['--delta', '1e-5', '--conversion', 'older']
		];
		const run = await lab('epsilon', ...args, '--target-epsilon', '3.008', '--json');
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r.targetEpsilon).toBe(3.008);
		expect(r.epsilon).toBeLessThanOrEqual(3.008);
		expect(r.sigma).toBeGreaterThan(1.09);
		expect(r.sigma).toBeLessThan(1.11);
		// and back: that sigma's epsilon, asked the usual way, is the one reported
		const back = await lab('epsilon', ...args, '--sigma', String(r.sigma), '--json');
		expect(JSON.parse(back.stdout).epsilon).toBe(r.epsilon);
		const text = await lab('epsilon', ...args, '--target-epsilon', '1');
		expect(text.stdout).toMatch(
			/^sigma \d+\.\d{6}: the smallest noise multiplier whose epsilon \(\d\.\d{6}\) does not exceed 1 at delta/
		);
	});

	it.each([
		[
			['--q', '0.01', '--steps', '100', '--sigma', '1', '--target-epsilon', '2', '--delta', '1e-5'],
			'lab epsilon: give --sigma (to get epsilon) or --target-epsilon (to get sigma), not both'
		],
		[
			['--q', '0.01', '--steps', '100', '--delta', '1e-5'],
			'lab epsilon: --sigma is required (or --target-epsilon to solve for it)'
		],
		[
			['--q', '0.01', '--steps', '100', '--target-epsilon', '0', '--delta', '1e-5'],
			'lab epsilon: target epsilon must be a number > 0, got 0'
		],
		[
			['--q', '0.01', '--steps', '100', '--n', '60000', '--sigma', '1', '--delta', '1e-5'],
			'lab epsilon: give either --q and --steps, or --n, --batch and --epochs, not both (got --q, --steps, --n)'
		],
		[
			['--q', '0.01', '--sigma', '1', '--delta', '1e-5'],
			'lab epsilon: missing --steps (give --q and --steps, or --n, --batch and --epochs)'
		],
		[['--q', '0.01', '--steps', '100', '--sigma', '1'], 'lab epsilon: --delta is required'],
		[
			['--q', '0.01', '--steps', '100', '--sigma', '1', '--delta', '1'],
			'lab epsilon: delta must be a number in (0, 1), got 1'
		],
		[
			['--q', '2', '--steps', '100', '--sigma', '1', '--delta', '1e-5'],
			'lab epsilon: --q must be at most 1, got 2'
		]
	])('a bad argument %j exits 2 with one line on stderr', async (argv, message) => {
		const run = await lab('epsilon', ...argv, '--json');
		expect(run.code).toBe(2);
		expect(run.stdout).toBe('');
		expect(run.stderr.trim().split('\n')).toEqual([message]);
	});
});
