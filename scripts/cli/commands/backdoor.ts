import { loadMnist } from '../../../src/lib/data/mnist';
import {
	runBackdoor,
	TRIGGER_SIDE,
	type BackdoorModel
} from '../../../src/lib/ml/poisoning/backdoor';
import { readStaticAsset } from '../../lib/paths';
import { BACKDOOR_SETTINGS } from '../../../src/lib/labs/poisoning/settings';
import { fieldOption } from '../args';
import { defineCommand } from '../command';

const DEFAULT_RATES = [0, 0.01, 0.05, 0.1];
const F = BACKDOOR_SETTINGS.fields;

interface BackdoorPoint {
	rate: number;
	/** training digits that carried the trigger */
	poisonedCount: number;
	cleanAccuracy: number;
	attackSuccessRate: number;
	/** triggered test digits of the target class still read as the target */
	triggeredTargetAccuracy: number;
	trainMs: number;
}

interface BackdoorCliResult {
	target: number;
	seed: number;
	model: BackdoorModel;
	trainCount: number;
	testCount: number;
	epochs: number;
	trigger: string;
	backend: string;
	points: BackdoorPoint[];
	/** wall time of all runs, without loading the digits */
	ms: number;
}

export const backdoor = defineCommand<BackdoorCliResult>({
	name: 'backdoor',
	summary: 'BadNets backdoor: clean accuracy and attack success rate against the poisoning rate',
	options: [
		fieldOption('rates', F.rate, { list: true, default: DEFAULT_RATES }),
		fieldOption('target', F.target),
		fieldOption('seed', F.seed),
		fieldOption('model', F.model),
		fieldOption('train', F.trainCount),
		fieldOption('epochs', F.epochs),
		fieldOption('samples', F.samples)
	],
	needsBackend: true,
	async run(options, ctx) {
		const rates = options.rates as number[];
		const train = await loadMnist('train', readStaticAsset);
		const test = await loadMnist('test', readStaticAsset);
		const trainCount = options.train as number;
		const samples = options.samples as number;
		const common = {
			target: options.target as number,
			seed: options.seed as number,
			model: options.model as BackdoorModel,
			trainCount,
			testCount: samples,
			epochs: options.epochs as number
		};
		const started = performance.now();
		const points: BackdoorPoint[] = [];
		for (const rate of rates) {
			const r = await runBackdoor(train, test, { ...common, rate });
			points.push({
				rate,
				poisonedCount: r.poisonedCount,
				cleanAccuracy: r.cleanAccuracy,
				attackSuccessRate: r.attackSuccessRate,
				triggeredTargetAccuracy: r.triggeredTargetAccuracy,
				trainMs: Math.round(r.trainMs)
			});
		}
		return {
			...common,
			trigger: `${TRIGGER_SIDE}x${TRIGGER_SIDE} checkerboard, bottom-right corner`,
			backend: ctx.backend,
			points,
			ms: Math.round(performance.now() - started)
		};
	},
	text(r) {
		const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
		return [
			`BadNets backdoor (Gu et al. 2017): ${r.trigger} -> class ${r.target}, seed ${r.seed}`,
			`${r.model}, ${r.trainCount} training digits x ${r.epochs} epochs, ${r.testCount} test digits, ${r.backend}, ${(r.ms / 1000).toFixed(2)} s`,
			'',
			'    rate   poisoned   clean accuracy   attack success',
			...r.points.map(
				(p) =>
					`  ${(100 * p.rate).toFixed(1).padStart(5)} %   ${String(p.poisonedCount).padStart(8)}          ${pct(p.cleanAccuracy)}          ${pct(p.attackSuccessRate)}`
			)
		].join('\n');
	}
});
