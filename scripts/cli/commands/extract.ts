import { loadMnist } from '../../../src/lib/data/mnist';
import { classifierFromModel, type Classifier } from '../../../src/lib/ml/classifier';
import {
	evenCheckpoints,
	fidelityCurve,
	formatOutputMode,
	type FidelityPoint,
	type Strategy
} from '../../../src/lib/ml/extraction/learning';
import { pradaAlarmAt, pradaFalseAlarmRate } from '../../../src/lib/ml/extraction/prada';
import {
	ATTACKS,
	attackProblem,
	PRADA_DELTA,
	pradaOptions,
	runEquation,
	type Attack
} from '../../../src/lib/ml/extraction/run';
import { disposeSurrogate } from '../../../src/lib/ml/extraction/surrogate';
import {
	cnnVictim,
	trainFraudVictim,
	VICTIM_IDS,
	victimLabelsFor,
	type Victim,
	type VictimId
} from '../../../src/lib/ml/extraction/victims';
import { modelFromArtifacts } from '../../../src/lib/ml/models';
import { readModelArtifacts } from '../../lib/model-files';
import { readStaticAsset } from '../../lib/paths';
import { SETTINGS } from '../../../src/lib/labs/extraction/settings';
import { fieldOption, UsageError } from '../args';
import { defineCommand } from '../command';
import { outputHelp, parseOutputOption } from '../output-option';

const NAME = 'lab extract';
const F = SETTINGS.fields;

interface ExtractResult {
	victim: VictimId;
	strategy: Attack;
	output: string;
	budget: number;
	seed: number;
	/** queries the API answered */
	queries: number;
	/** share of held-out inputs where the stolen copy and the victim agree */
	agreement: number;
	/** the stolen copy's accuracy on the held-out true labels */
	surrogateAccuracy: number;
	victimAccuracy: number;
	heldOut: number;
	/** equation solving only: largest |true - recovered| over weights and bias, raw units */
	maxParamError?: number;
	/** learning attacks: the fidelity curve */
	curve?: FidelityPoint[];
	/** learning attacks: the PRADA monitor on this client's queries */
	prada?: { delta: number; alarmAt: number | null; benignFalseAlarmRate: number };
	backend: string;
	/** wall time of the attack, without training or loading the victim */
	ms: number;
}

async function loadVictim(id: VictimId, seed: number): Promise<{ victim: Victim; free(): void }> {
	if (id !== 'mnist-cnn') return { victim: await trainFraudVictim(id, { seed }), free() {} };
	const [train, test] = await Promise.all([
		loadMnist('train', readStaticAsset),
		loadMnist('test', readStaticAsset)
	]);
	const classifier: Classifier = classifierFromModel(
		await modelFromArtifacts(readModelArtifacts('mnist-cnn'))
	);
	return { victim: cnnVictim(classifier, train, test), free: () => classifier.dispose() };
}

export const extract = defineCommand<ExtractResult>({
	name: 'extract',
	summary: 'steal a victim model through its prediction API (equation solving or a surrogate)',
	options: [
		fieldOption('victim', F.victim, { required: true }),
		fieldOption('strategy', F.strategy, { required: true }),
		fieldOption('budget', F.budget, { required: true, help: 'queries the attacker may send' }),
		{ name: 'output', kind: 'string', default: 'probs', help: outputHelp(F.decimals) },
		fieldOption('seed', F.seed),
		fieldOption('points', F.points)
	],
	needsBackend: true,
	async run(options, ctx) {
		const victimId = options.victim as VictimId | undefined;
		const strategy = options.strategy as Attack | undefined;
		const budget = options.budget as number | undefined;
		if (!victimId)
			throw new UsageError(`${NAME}: --victim is required (one of ${VICTIM_IDS.join(', ')})`);
		if (!strategy)
			throw new UsageError(`${NAME}: --strategy is required (one of ${ATTACKS.join(', ')})`);
		if (budget === undefined)
			throw new UsageError(`${NAME}: --budget is required (queries the attacker may send)`);
		const mode = parseOutputOption(options.output as string, NAME, F.decimals);
		const problem = attackProblem(strategy, victimId, mode, budget);
		if (problem) throw new UsageError(`${NAME}: ${problem}`);

		const seed = options.seed as number;
		const { victim, free } = await loadVictim(victimId, seed);
		try {
			const api = victim.api({ outputMode: mode, budget });
			const base = {
				victim: victimId,
				strategy,
				output: formatOutputMode(mode),
				budget,
				seed,
				victimAccuracy: victim.accuracy,
				heldOut: victim.heldOut.count,
				backend: ctx.backend
			};
			const started = performance.now();
			if (strategy === 'equation') {
				const r = runEquation(victim, api, seed);
				return {
					...base,
					queries: api.queries,
					agreement: r.agreement,
					surrogateAccuracy: r.accuracy,
					maxParamError: r.maxParamError,
					ms: Math.round(performance.now() - started)
				};
			}
			const points = options.points as number;
			const result = await fidelityCurve(victim, api, strategy as Strategy, {
				checkpoints: evenCheckpoints(budget, Math.min(points, budget)),
				seed
			});
			disposeSurrogate(result.surrogate);
			const ms = Math.round(performance.now() - started);
			const alarmAt = await pradaAlarmAt(
				victim.dims,
				pradaOptions(victim),
				result.queried,
				result.answered
			);
			const labelOf = (rows: Float64Array) => victimLabelsFor(victim, rows);
			const benign = await pradaFalseAlarmRate(victim.dims, victim.benign, labelOf, {
				...pradaOptions(victim),
				clients: 10,
				queries: Math.min(500, Math.max(budget, 150)),
				seed
			});
			const last = result.points[result.points.length - 1];
			return {
				...base,
				queries: api.queries,
				agreement: last.agreement,
				surrogateAccuracy: last.accuracy,
				curve: result.points,
				prada: { delta: PRADA_DELTA, alarmAt, benignFalseAlarmRate: benign.rate },
				ms
			};
		} finally {
			free();
		}
	},
	text(r) {
		const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
		const lines = [
			`${r.strategy} extraction of ${r.victim} through a ${r.output} API, seed ${r.seed}, ${r.backend}`,
			`${r.queries} queries of a budget of ${r.budget}; victim accuracy ${pct(r.victimAccuracy)} on ${r.heldOut} held-out inputs`,
			`agreement with the victim ${pct(r.agreement)}, stolen copy's accuracy ${pct(r.surrogateAccuracy)}, ${(r.ms / 1000).toFixed(2)} s`
		];
		if (r.maxParamError !== undefined)
			lines.push(`largest parameter error ${r.maxParamError.toExponential(2)} (raw units)`);
		if (r.curve) {
			lines.push('', '  queries   agreement   accuracy');
			for (const p of r.curve)
				lines.push(
					`  ${String(p.queries).padStart(7)}   ${pct(p.agreement).padStart(9)}   ${pct(p.accuracy).padStart(8)}`
				);
		}
		if (r.prada)
			lines.push(
				'',
				`PRADA (delta ${r.prada.delta}): ${r.prada.alarmAt === null ? 'no alarm' : `alarm at query ${r.prada.alarmAt}`}; benign clients flagged ${pct(r.prada.benignFalseAlarmRate)}`
			);
		return lines.join('\n');
	}
});
