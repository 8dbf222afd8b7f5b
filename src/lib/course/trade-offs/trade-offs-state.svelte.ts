/**
 * The lesson's trade-off miniatures: privacy against utility, robustness against accuracy,
 * security against speed and transparency against security, each measured on demand on the
 * running backend by the labs' own core (src/lib/ml/trade-offs.ts, src/lib/ml/defence-costs.ts),
 * one at a time through the job runner.
 *
 * Results are kept in memory, per backend, for the life of the tab: leaving /learn and coming
 * back shows them again without measuring. They are not put on the run shelf, which keeps one
 * lab's runs with the command that reproduces them; these are measurements of this device
 * across labs, with no lab to file them under.
 */
import { Job } from '$lib/labs/job.svelte';
import { BACKEND_NOTES } from '$lib/ml/backend';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { registerTestHook } from '$lib/runtime/test-hooks';
import type { ModelId } from '$lib/ml/models';
import type { SmoothedModelId } from '$lib/ml/model-ids';
import {
	measureDefenceCosts,
	type CostInputs,
	type DefenceCostResult
} from '$lib/ml/defence-costs';
import {
	measurePrivacyUtility,
	measureRobustnessAccuracy,
	measureTransparencySecurity,
	type PrivacyPoint,
	type RobustnessRow,
	type TransparencyResult
} from '$lib/ml/trade-offs';

export type MiniatureId = 'privacy' | 'robustness' | 'costs' | 'transparency';

export interface Measured {
	privacy: PrivacyPoint[];
	robustness: RobustnessRow[];
	costs: DefenceCostResult[];
	/** filled in part by part: the logistic regression and the audit first, then the MLP */
	transparency: Partial<TransparencyResult>;
	/** wall time of each finished measurement, ms */
	ms: Partial<Record<MiniatureId, number>>;
}

const empty = (): Measured => ({
	privacy: [],
	robustness: [],
	costs: [],
	transparency: {},
	ms: {}
});

/** What was measured on each backend in this tab (module state: it outlives the page). */
class MeasuredCache {
	byBackend = $state.raw<Record<string, Measured>>({});

	of(backend: string | null): Measured {
		return (backend && this.byBackend[backend]) || empty();
	}

	update(backend: string, change: (m: Measured) => Partial<Measured>) {
		const now = this.of(backend);
		this.byBackend = { ...this.byBackend, [backend]: { ...now, ...change(now) } };
	}
}

const cache = new MeasuredCache();

/** The page's models and digits, from the runtime's per-backend caches. */
const inputs: CostInputs = {
	classifier: (id: ModelId | SmoothedModelId) => runtime.classifier(id),
	test: () => runtime.digits('test'),
	train: () => runtime.digits('train')
};

const STATUS: Record<MiniatureId, string> = {
	privacy: 'training the digit MLP at each noise level…',
	robustness: 'attacking each model with PGD…',
	costs: 'measuring each defence…',
	transparency: 'training the fraud victims and stealing them with and without explanations…'
};

export class TradeOffRuns {
	readonly job = new Job<MiniatureId>({ cancelled: 'cancelled; finished measurements stay' });
	/** the miniature the job's status and progress belong to */
	last = $state<MiniatureId | null>(null);
	#unhook: () => void;

	constructor() {
		this.#unhook = registerTestHook('tradeOffs', {
			/** what is on screen for the current backend, as plain data */
			measured: () => $state.snapshot(this.measured)
		});
	}

	/** the measurements of the backend in use */
	get measured(): Measured {
		return cache.of(runtime.backend);
	}

	/** true when a button may start a measurement */
	get ready(): boolean {
		return this.job.running === null && runtime.status === 'ready';
	}

	destroy() {
		this.job.destroy();
		this.#unhook();
	}

	measure(id: MiniatureId): Promise<boolean> {
		this.last = id;
		return this.job.run(id, async (ctx) => {
			const backend = runtime.backend;
			if (!backend) throw new Error('no backend is running yet; wait for the badge to show one');
			ctx.status(STATUS[id]);
			const hooks = {
				signal: ctx.signal,
				onProgress: (f: number, status: string) => {
					ctx.progress(f);
					if (status !== 'done') ctx.status(status);
				}
			};
			const t0 = performance.now();
			// finished parts are shown as they come; a cancelled run keeps them
			const keep = (change: (m: Measured) => Partial<Measured>) => {
				if (ctx.current) cache.update(backend, change);
			};
			if (id === 'privacy') {
				keep(() => ({ privacy: [] }));
				await measurePrivacyUtility(
					inputs,
					{},
					{
						...hooks,
						onPoint: (p) => keep((m) => ({ privacy: [...m.privacy, p] }))
					}
				);
			} else if (id === 'robustness') {
				keep(() => ({ robustness: [] }));
				await measureRobustnessAccuracy(
					inputs,
					{},
					{
						...hooks,
						onRow: (r) => keep((m) => ({ robustness: [...m.robustness, r] }))
					}
				);
			} else if (id === 'transparency') {
				keep(() => ({ transparency: {} }));
				await measureTransparencySecurity(
					{},
					{
						...hooks,
						onPart: (part) => keep((m) => ({ transparency: { ...m.transparency, ...part } }))
					}
				);
			} else {
				keep(() => ({ costs: [] }));
				await measureDefenceCosts(
					inputs,
					{},
					{
						...hooks,
						onResult: (r) => keep((m) => ({ costs: [...m.costs, r] }))
					}
				);
			}
			const ms = performance.now() - t0;
			keep((m) => ({ ms: { ...m.ms, [id]: ms } }));
			ctx.status(`done on ${BACKEND_NOTES[backend].label} in ${(ms / 1000).toFixed(1)} s`);
		});
	}
}
