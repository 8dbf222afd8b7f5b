/**
 * lab costs: what every lab defence costs on this backend and what it buys, measured in one run
 * (src/lib/ml/defence-costs.ts, the same run as the lesson's "Measure every defence").
 */
import { loadMnist, type DigitSet } from '../../../src/lib/data/mnist';
import { pct } from '../../../src/lib/base/format';
import { classifierFromModel, type Classifier } from '../../../src/lib/ml/classifier';
import { modelFromArtifacts, type ModelId } from '../../../src/lib/ml/models';
import type { SmoothedModelId } from '../../../src/lib/ml/model-ids';
import {
	checkCostOptions,
	COST_DEFAULTS,
	isFailure,
	measureDefenceCosts,
	type CostOptions,
	type DefenceCost,
	type DefenceCostResult
} from '../../../src/lib/ml/defence-costs';
import { readModelArtifacts } from '../../lib/model-files';
import { readStaticAsset } from '../../lib/paths';
import type { OptionSpec } from '../args';
import { UsageError } from '../args';
import { defineCommand } from '../command';

const NAME = 'lab costs';

interface CostsResult {
	backend: string;
	options: CostOptions;
	defences: DefenceCostResult[];
	ms: number;
}

/** The command-line name of each option (kebab case) and what it sets. */
const OPTIONS: { key: keyof CostOptions; name: string; help: string }[] = [
	{ key: 'digits', name: 'digits', help: 'held-out digits FGSM attacks, against the squeezers' },
	{ key: 'eps', name: 'eps', help: 'FGSM L-infinity budget against the squeezers' },
	{ key: 'latencyDigits', name: 'latency-digits', help: 'single-digit predictions timed' },
	{ key: 'smoothingN', name: 'smoothing-n', help: 'noise counts n certified (comma-separated)' },
	{ key: 'smoothingDigits', name: 'smoothing-digits', help: 'digits certified at each n' },
	{ key: 'radius', name: 'radius', help: 'L2 radius certified accuracy is read at' },
	{ key: 'dpMembers', name: 'dp-members', help: 'DP-SGD: training digits' },
	{ key: 'dpEpochs', name: 'dp-epochs', help: 'DP-SGD: epochs' },
	{ key: 'dpSigma', name: 'dp-sigma', help: 'DP-SGD: noise multiplier' },
	{ key: 'pradaBudget', name: 'prada-budget', help: "PRADA: the Jacobian attacker's queries" },
	{ key: 'pradaClients', name: 'prada-clients', help: 'PRADA: ordinary clients watched' },
	{ key: 'poisonTrain', name: 'poison-train', help: 'sanitizers: training transactions' },
	{ key: 'poisonTest', name: 'poison-test', help: 'sanitizers: held-out transactions' },
	{ key: 'randomRate', name: 'random-rate', help: 'kNN sanitization: random flip rate' },
	{ key: 'targetedRate', name: 'targeted-rate', help: 'loss filtering: targeted flip rate' },
	{ key: 'seed', name: 'seed', help: 'seeds data, attacks and training' }
];

const WHOLE = new Set<keyof CostOptions>([
	'digits',
	'latencyDigits',
	'smoothingDigits',
	'dpMembers',
	'dpEpochs',
	'pradaBudget',
	'pradaClients',
	'poisonTrain',
	'poisonTest',
	'seed'
]);

function optionSpec(o: (typeof OPTIONS)[number]): OptionSpec {
	const value = COST_DEFAULTS[o.key];
	if (Array.isArray(value)) return { name: o.name, kind: 'numbers', help: o.help, default: value };
	return {
		name: o.name,
		kind: WHOLE.has(o.key) ? 'integer' : 'number',
		help: o.help,
		default: value
	};
}

const ms = (x: number) =>
	x >= 100 ? `${Math.round(x).toLocaleString('en-US')} ms` : `${x.toPrecision(3)} ms`;

const times = (r: number) => `${r.toFixed(r < 10 ? 2 : 0)}x`;

function valueText(d: DefenceCost, v: number | null): string {
	if (d.unit === 'share') return pct(v ?? 0);
	if (d.unit === 'advantage') return (v ?? 0).toFixed(3);
	return v === null ? 'no alarm' : `alarm at query ${v}`;
}

export const costs = defineCommand<CostsResult>({
	name: 'costs',
	summary:
		"every lab defence's cost on this backend (ms per operation, with and without it) beside what it buys",
	options: OPTIONS.map(optionSpec),
	needsBackend: true,
	async run(options, ctx) {
		const o = Object.fromEntries(
			OPTIONS.map(({ key, name }) => [key, options[name]])
		) as unknown as CostOptions;
		try {
			checkCostOptions(o);
		} catch (err) {
			// the core names its option; the command line names the flag
			const message = (err as Error).message.replace(
				/^defence costs: (\w+)/,
				(_, key: string) => `--${OPTIONS.find((x) => x.key === key)?.name ?? key}`
			);
			throw new UsageError(`${NAME}: ${message}`);
		}
		const loaded = new Map<ModelId | SmoothedModelId, Classifier>();
		const sets = new Map<'train' | 'test', Promise<DigitSet>>();
		const digits = (split: 'train' | 'test') => {
			if (!sets.has(split)) sets.set(split, loadMnist(split, readStaticAsset));
			return sets.get(split)!;
		};
		try {
			const t0 = performance.now();
			const defences = await measureDefenceCosts(
				{
					async classifier(id) {
						if (!loaded.has(id))
							loaded.set(id, classifierFromModel(await modelFromArtifacts(readModelArtifacts(id))));
						return loaded.get(id)!;
					},
					test: () => digits('test'),
					train: () => digits('train')
				},
				o
			);
			return { backend: ctx.backend, options: o, defences, ms: Math.round(performance.now() - t0) };
		} finally {
			for (const c of loaded.values()) c.dispose();
		}
	},
	text(r) {
		const lines = [
			`defence costs on ${r.backend} in Node, ${(r.ms / 1000).toFixed(1)} s (ms per operation, without -> with the defence)`
		];
		for (const d of r.defences) {
			lines.push('', `  ${d.name}`);
			if (isFailure(d)) {
				lines.push(`    not measured: ${d.error}`);
				continue;
			}
			lines.push(`    cost per ${d.operation}: ${ms(d.baselineMs)} (${d.baseline})`);
			for (const p of d.points)
				lines.push(
					`      ${p.setting}: ${ms(p.ms)} (${times(p.ms / d.baselineMs)}); ${valueText(d, p.value)}, gain ${p.gain.toFixed(2)}`
				);
			lines.push(`    protection: ${d.measure}`);
			if (d.without !== null) lines.push(`      without: ${valueText(d, d.without)}`);
			lines.push(`    gain: ${d.gainMeaning}`);
			for (const note of d.notes) lines.push(`    ${note}`);
		}
		return lines.join('\n');
	}
});
