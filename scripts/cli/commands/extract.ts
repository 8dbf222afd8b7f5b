import { loadMnist } from '../../../src/lib/data/mnist';
import { classifierFromModel, type Classifier } from '../../../src/lib/ml/classifier';
import {
	evenCheckpoints,
	fidelityCurve,
	formatOutputMode,
	type FidelityPoint,
	type Strategy
} from '../../../src/lib/ml/extraction/learning';
import {
	AUDIT_SAMPLE,
	auditExplanations,
	compareGradientLearning,
	compareRecovery,
	comparisonCheckpoints,
	explanationAttackProblem,
	explanationsProblem,
	headlineSaving,
	type FeatureReliance,
	type Saving
} from '../../../src/lib/ml/extraction/explanations';
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
import { FRAUD_FEATURES } from '../../../src/lib/data/fraud';
import { SETTINGS } from '../../../src/lib/labs/extraction/settings';
import { fieldOption, UsageError } from '../args';
import { defineCommand } from '../command';
import { outputHelp, parseOutputOption } from '../output-option';
import type { OutputMode } from '../../../src/lib/ml/extraction/victim-api';

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
	/** --explanations: the API also answered with input gradients; what they gave away */
	explanations?: ExplanationResults;
	backend: string;
	/** wall time of the attack, without training or loading the victim */
	ms: number;
}

interface ExplanationResults {
	/**
	 * fraud-logreg: the one-query attack (w = g / (p (1 - p)), b = logit(p) - w.x) beside
	 * equation solving on the same API without explanations
	 */
	recovery?: {
		queries: number;
		maxParamError: number;
		maxRelativeError: number;
		agreement: number;
		/** equation solving, when the budget allows its d + 1 queries */
		equationQueries?: number;
		equationMaxParamError?: number;
		/** why equation solving could not run */
		equationProblem?: string;
	};
	/** fraud-logreg: why the one-query attack could not run (label-only answers carry no p) */
	recoveryProblem?: string;
	/**
	 * learning attacks: agreement against queries with and without fitting the gradients (same
	 * strategy, seed and checkpoints 10, 20, 50, ... up to the budget), and where each run first
	 * reached the agreement the run without gradients ends at
	 */
	curve?: {
		strategy: Strategy;
		gradientWeight: number;
		with: FidelityPoint[];
		without: FidelityPoint[];
		saving: Saving;
	};
	/** the auditor's view: 200 ordinary transactions explained, features ranked */
	audit: { sample: number; features: FeatureReliance[] };
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
		fieldOption('explanations', F.explanations, {
			help: 'the API also answers with dP(fraud)/dx (fraud victims; learning attacks then fit it too); adds what it gives away: the one-query recovery of fraud-logreg, a learning attack with and without the gradients, the features the model relies on'
		}),
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
		const explain = options.explanations as boolean;
		const unexplained = explain ? explanationsProblem(victimId) : null;
		if (unexplained) throw new UsageError(`${NAME}: --explanations: ${unexplained}`);

		const seed = options.seed as number;
		const { victim, free } = await loadVictim(victimId, seed);
		try {
			const api = victim.api({ outputMode: mode, budget, explanations: explain });
			const explained = () => explanationResults(victim, strategy, mode, budget, seed);
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
					ms: Math.round(performance.now() - started),
					...(explain ? { explanations: await explained() } : {})
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
				ms,
				...(explain ? { explanations: await explained() } : {})
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
		if (r.explanations) lines.push('', ...explanationLines(r.explanations, pct));
		return lines.join('\n');
	}
});

/**
 * What the explanations gave away, each on its own API with the command's output mode and budget
 * (Milli, Schmidt, Dragan, Hardt 2019, "Model Reconstruction from Model Explanations").
 */
async function explanationResults(
	victim: Victim,
	strategy: Attack,
	mode: OutputMode,
	budget: number,
	seed: number
): Promise<ExplanationResults> {
	const out: ExplanationResults = { audit: { sample: 0, features: [] } };
	const refused = victim.id === 'fraud-logreg' ? explanationAttackProblem(victim.id, mode) : null;
	if (refused) out.recoveryProblem = refused;
	else if (victim.id === 'fraud-logreg') {
		const r = compareRecovery(victim, { outputMode: mode, budget }, seed);
		out.recovery = {
			queries: r.explanations.queries,
			maxParamError: r.explanations.maxParamError,
			maxRelativeError: r.explanations.maxRelativeError,
			agreement: r.explanations.agreement,
			...(r.equation
				? {
						equationQueries: r.equation.queries,
						equationMaxParamError: r.equation.maxParamError
					}
				: { equationProblem: r.equationProblem ?? undefined })
		};
	}
	if (strategy !== 'equation') {
		const c = await compareGradientLearning(victim, { outputMode: mode, budget }, strategy, {
			checkpoints: comparisonCheckpoints(budget),
			seed
		});
		out.curve = {
			strategy,
			gradientWeight: c.gradientWeight,
			with: c.with,
			without: c.without,
			saving: headlineSaving(c)
		};
	}
	const audit = auditExplanations(
		victim.api({ outputMode: mode, explanations: true }),
		victim.benign(AUDIT_SAMPLE, seed),
		FRAUD_FEATURES.map((f) => f.label)
	);
	out.audit = { sample: audit.sample, features: audit.features };
	return out;
}

function explanationLines(e: ExplanationResults, pct: (x: number) => string): string[] {
	const lines = ['Explanations (Milli, Schmidt, Dragan, Hardt 2019):'];
	if (e.recoveryProblem) lines.push(`  one-query recovery refused: ${e.recoveryProblem}`);
	if (e.recovery)
		lines.push(
			`  one-query recovery: ${e.recovery.queries} quer${e.recovery.queries === 1 ? 'y' : 'ies'}, largest parameter error ${e.recovery.maxParamError.toExponential(2)} (relative ${e.recovery.maxRelativeError.toExponential(2)}), agreement ${pct(e.recovery.agreement)}`,
			e.recovery.equationQueries !== undefined && e.recovery.equationMaxParamError !== undefined
				? `  equation solving without explanations: ${e.recovery.equationQueries} queries, largest parameter error ${e.recovery.equationMaxParamError.toExponential(2)}`
				: `  equation solving without explanations could not run: ${e.recovery.equationProblem}`
		);
	if (e.curve) {
		const { saving } = e.curve;
		lines.push(
			`  ${e.curve.strategy} copy fitted to answers and gradients (lambda ${e.curve.gradientWeight}) against answers alone:`,
			'    queries   with gradients   without'
		);
		e.curve.with.forEach((p, k) =>
			lines.push(
				`    ${String(p.queries).padStart(7)}   ${pct(p.agreement).padStart(14)}   ${pct(e.curve!.without[k].agreement).padStart(7)}`
			)
		);
		lines.push(
			`    agreement ${pct(saving.level)}: ${saving.with === null ? 'not reached' : `${saving.with} queries`} with gradients, ${saving.without === null ? 'not reached' : `${saving.without}`} without`
		);
	}
	lines.push(
		`  features the model relies on (${e.audit.sample} ordinary transactions; |dP(fraud)/dx| x spread):`
	);
	e.audit.features.forEach((f, k) =>
		lines.push(
			`    ${String(k + 1).padStart(2)}. ${f.feature.padEnd(32)} ${f.sensitivity.toFixed(4)} ${f.direction >= 0 ? 'raises' : 'lowers'} P(fraud)`
		)
	);
	return lines;
}
