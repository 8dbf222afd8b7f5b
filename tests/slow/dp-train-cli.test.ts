import { describe, expect, it } from 'vitest';
import { lab as labCli } from '../helpers/lab-cli';

const lab = labCli;
import { epsilonFor } from '../../src/lib/ml/privacy/rdp';

describe('npm run lab -- dp-train', () => {
	it('--json reports accuracy, epsilon and the membership attack of a DP-SGD run on the fraud MLP', async () => {
		const run = await lab(
			'dp-train',
			'--dataset',
			'fraud',
			'--sigma',
			'2',
			'--clip',
			'1',
			'--batch',
			'50',
			'--epochs',
			'4',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r).toMatchObject({
			dataset: 'fraud',
			private: true,
			sigma: 2,
			members: 500,
			q: 0.1,
			steps: 40
		});
		expect(r.epsilon).toBeCloseTo(
			epsilonFor({ q: 0.1, sigma: 2, steps: 40, delta: 1e-5 }).epsilon,
			10
		);
		expect(r.accuracy).toBeGreaterThan(0.6);
		// no-leak standard error of the AUC, 500 against 500: sqrt(1001 / (12 * 500 * 500)) = 0.018
		expect(Math.abs(r.miaAuc - 0.5)).toBeLessThan(4 * Math.sqrt(1001 / (12 * 500 * 500)));
		expect(r.accountingNote).toBeNull();
		// e^eps - 1 holds only for pure eps-DP: named so, and never the run's bound
		expect(r).not.toHaveProperty('yeomBound');
		expect(r.pureDpAdvantageBound).toBe(1);
		expect(r.advantageBound).toBeLessThan(1);
		// the attack's measured edge stays under what (epsilon, delta)-DP allows
		expect(r.miaAdvantage).toBeLessThanOrEqual(r.advantageBound);
		expect(r.losses).toHaveLength(4);
	});

	it('sigma 0 is not private (epsilon null, private false); shuffled lots carry an accounting note', async () => {
		const zero = await lab('dp-train', '--sigma', '0', '--epochs', '1', '--json');
		expect(zero.code, zero.stderr).toBe(0);
		expect(JSON.parse(zero.stdout)).toMatchObject({
			sigma: 0,
			private: false,
			epsilon: null,
			accountingNote: null
		});
		const shuffled = await lab('dp-train', '--sampling', 'shuffle', '--epochs', '1', '--json');
		expect(JSON.parse(shuffled.stdout)).toMatchObject({ private: true, sampling: 'shuffle' });
		expect(JSON.parse(shuffled.stdout).accountingNote).toMatch(
			/accounted as if lots were Poisson-sampled.*approximation/
		);
		const text = await lab('dp-train', '--sampling', 'shuffle', '--epochs', '1');
		expect(
			text.stdout.split('\n').filter((l) => l.includes('note: epsilon is accounted'))
		).toHaveLength(1);
		expect((await lab('dp-train', '--epochs', '1')).stdout).not.toContain('note:');
		const help = await lab('dp-train', '--help');
		expect(help.stdout).toContain('"epsilon": null and "private": false');
		expect(help.stdout).toContain('"accountingNote"');
	});

	it('the same seed gives the same run; --no-privacy has no finite epsilon', async () => {
		const a = JSON.parse((await lab('dp-train', '--epochs', '2', '--seed', '7', '--json')).stdout);
		const b = JSON.parse((await lab('dp-train', '--epochs', '2', '--seed', '7', '--json')).stdout);
		expect(b.accuracy).toBe(a.accuracy);
		expect(b.miaAuc).toBe(a.miaAuc);
		const plain = await lab('dp-train', '--no-privacy', '--epochs', '2', '--json');
		expect(plain.code, plain.stderr).toBe(0);
		expect(JSON.parse(plain.stdout)).toMatchObject({
			private: false,
			epsilon: null,
			advantageBound: 1
		});
	});

	it('trains the digit MLP on 784 pixels', async () => {
		const run = await lab(
			'dp-train',
			'--dataset',
			'mnist',
			'--sigma',
			'1',
			'--epochs',
			'1',
			'--json'
		);
		expect(run.code, run.stderr).toBe(0);
		const r = JSON.parse(run.stdout);
		expect(r).toMatchObject({ dataset: 'mnist', members: 1000, steps: 20 });
		expect(r.accuracy).toBeGreaterThan(0.3);
	});
});
