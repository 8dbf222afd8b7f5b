import {
	epsilonFor,
	OPACUS_DEFAULT_ORDERS,
	sigmaFor,
	stepsFor,
	type Conversion
} from '../../../src/lib/ml/privacy/rdp';
import { UsageError, type ParsedOptions } from '../args';
import { defineCommand } from '../command';

const NAME = 'lab epsilon';

interface EpsilonResult {
	/** null in JSON when no order gives a finite bound */
	epsilon: number;
	order: number;
	q: number;
	sigma: number;
	steps: number;
	delta: number;
	conversion: Conversion;
	orders: 'opacus' | 'custom';
	/** --target-epsilon: the epsilon sigma was solved for (then `sigma` is the answer), else null */
	targetEpsilon: number | null;
}

/** q and steps from exactly one of the two forms: --q/--steps or --n/--batch/--epochs. */
function samplingFrom(options: ParsedOptions): { q: number; steps: number } {
	const direct = ['q', 'steps'].filter((k) => options[k] !== undefined);
	const dataset = ['n', 'batch', 'epochs'].filter((k) => options[k] !== undefined);
	if (direct.length > 0 && dataset.length > 0) {
		throw new UsageError(
			`${NAME}: give either --q and --steps, or --n, --batch and --epochs, not both (got ${[...direct, ...dataset].map((k) => `--${k}`).join(', ')})`
		);
	}
	if (dataset.length > 0) {
		const missing = ['n', 'batch', 'epochs'].filter((k) => !dataset.includes(k));
		if (missing.length > 0) {
			throw new UsageError(
				`${NAME}: --n, --batch and --epochs go together; missing --${missing.join(', --')}`
			);
		}
		return stepsFor(options.n as number, options.batch as number, options.epochs as number);
	}
	const missing = ['q', 'steps'].filter((k) => !direct.includes(k));
	if (missing.length > 0) {
		throw new UsageError(
			`${NAME}: missing --${missing.join(', --')} (give --q and --steps, or --n, --batch and --epochs)`
		);
	}
	return { q: options.q as number, steps: options.steps as number };
}

export const epsilon = defineCommand<EpsilonResult>({
	name: 'epsilon',
	summary: 'the (epsilon, delta) guarantee of DP-SGD from its sampling rate, noise and steps',
	options: [
		{ name: 'q', kind: 'number', min: 0, max: 1, help: 'sampling rate, batch / N' },
		{ name: 'steps', kind: 'integer', min: 0, help: 'training steps' },
		{ name: 'n', kind: 'integer', min: 1, help: 'training set size (with --batch, --epochs)' },
		{ name: 'batch', kind: 'integer', min: 1, help: 'batch size (with --n, --epochs)' },
		{ name: 'epochs', kind: 'number', min: 0, help: 'epochs (with --n, --batch)' },
		{
			name: 'sigma',
			kind: 'number',
			min: 0,
			help: 'noise multiplier (this or --target-epsilon)'
		},
		{
			name: 'target-epsilon',
			kind: 'number',
			help: 'solve for the smallest sigma whose epsilon does not exceed this (instead of --sigma)'
		},
		{ name: 'delta', kind: 'number', help: 'target delta in (0, 1) (required)' },
		{
			name: 'orders',
			kind: 'numbers',
			help: "Renyi orders to minimise over, each > 1 (default Opacus's 1.1..10.9, 12..63)"
		},
		{
			name: 'conversion',
			kind: 'choice',
			choices: ['current', 'older'],
			default: 'current',
			help: 'RDP to (eps, delta): Balle et al. 2020 (current) or Mironov 2017 (older)'
		}
	],
	needsBackend: false,
	async run(options) {
		const target = options['target-epsilon'] as number | undefined;
		if (target !== undefined && options.sigma !== undefined)
			throw new UsageError(
				`${NAME}: give --sigma (to get epsilon) or --target-epsilon (to get sigma), not both`
			);
		if (target === undefined && options.sigma === undefined)
			throw new UsageError(`${NAME}: --sigma is required (or --target-epsilon to solve for it)`);
		if (options.delta === undefined) throw new UsageError(`${NAME}: --delta is required`);
		const delta = options.delta as number;
		const conversion = options.conversion as Conversion;
		const custom = options.orders as number[] | undefined;
		try {
			const { q, steps } = samplingFrom(options);
			const orders = custom ?? OPACUS_DEFAULT_ORDERS;
			const sigma =
				target === undefined
					? (options.sigma as number)
					: sigmaFor({ targetEpsilon: target, q, steps, delta, orders, conversion }).sigma;
			const { epsilon, order } = epsilonFor({ q, sigma, steps, delta, orders, conversion });
			return {
				targetEpsilon: target ?? null,
				epsilon,
				order,
				q,
				sigma,
				steps,
				delta,
				conversion,
				orders: custom ? 'custom' : 'opacus'
			};
		} catch (err) {
			// The accountant's range checks name the parameter; they are usage errors here.
			if (err instanceof RangeError) throw new UsageError(`${NAME}: ${err.message}`);
			throw err;
		}
	},
	text(r) {
		const eps = Number.isFinite(r.epsilon) ? r.epsilon.toFixed(4) : 'infinity (no finite bound)';
		if (r.targetEpsilon !== null)
			return [
				`sigma ${r.sigma.toFixed(6)}: the smallest noise multiplier whose epsilon (${r.epsilon.toFixed(6)}) does not exceed ${r.targetEpsilon} at delta ${r.delta}`,
				`  q ${r.q}, ${r.steps} steps; ${r.conversion} conversion, ${r.orders === 'opacus' ? "Opacus's default" : 'custom'} orders`
			].join('\n');
		return [
			`epsilon ${eps} at delta ${r.delta}${Number.isNaN(r.order) ? '' : ` (best Renyi order ${r.order})`}`,
			`  q ${r.q}, sigma ${r.sigma}, ${r.steps} steps; ${r.conversion} conversion, ${r.orders === 'opacus' ? "Opacus's default" : 'custom'} orders`
		].join('\n');
	}
});
