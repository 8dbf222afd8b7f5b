/**
 * PRADA: Juuti, Szyller, Marchal, Asokan 2019, "PRADA: Protecting Against DNN Model Stealing
 * Attacks", section 4. The service keeps, per client, the minimum L2 distance of each new query to
 * that client's earlier queries. Natural queries give distances that look roughly normally
 * distributed; synthetic extraction queries (small perturbations of earlier ones, grid-like or
 * random sweeps) distort the distribution. A Shapiro-Wilk test on the distances raises the alarm
 * when W < delta. Framework-free float64.
 *
 * Distances are measured on inputs scaled as the service scales them; the test starts once
 * `minDistances` distances are in (the paper: more than 100), and, as in the paper's Algorithm 1,
 * runs on D' = the distances within 3 standard deviations of their mean (outliers removed).
 */
import { pacedYield, throwIfAborted } from '../yield';
import { shapiroWilk } from './shapiro-wilk';

export interface PradaOptions {
	/** Alarm threshold on W. Default 0.9; the paper tunes it per model (the lab: PRADA_DELTA, run.ts). */
	delta?: number;
	/** Distances needed before the test starts. Default 100, as in the paper. */
	minDistances?: number;
	/** The service's input scaling, (x - shift) / scale per feature. Default: none. */
	shift?: ArrayLike<number>;
	scale?: ArrayLike<number>;
}

export interface PradaVerdict {
	/** W on the distances so far, null while there are too few. */
	w: number | null;
	alarm: boolean;
}

/**
 * Juuti et al. 2019, Algorithm 1: D' = {z in D : |z - mean(D)| <= 3 std(D)}, so that a few
 * isolated far-away queries do not decide the test on their own.
 */
export function withoutOutliers(values: readonly number[]): number[] {
	const n = values.length;
	let mean = 0;
	for (const v of values) mean += v / n;
	let variance = 0;
	for (const v of values) variance += (v - mean) ** 2 / n;
	const limit = 3 * Math.sqrt(variance);
	return values.filter((v) => Math.abs(v - mean) <= limit);
}

/** One client's monitor. Feed it every query the client sends, in order, with its answer. */
export class PradaMonitor {
	readonly delta: number;
	readonly minDistances: number;
	/** Queries seen. */
	count = 0;
	/** Query number (1-based) of the first alarm, or null. */
	alarmAt: number | null = null;
	/** W after each query (null before the test starts). */
	readonly wHistory: (number | null)[] = [];
	readonly #dims: number;
	readonly #shift: Float64Array;
	readonly #scale: Float64Array;
	/** Per predicted class: the growing set G_c (scaled rows), its distances D_c, threshold T_c. */
	readonly #classes = new Map<number, { points: number[][]; kept: number[]; threshold: number }>();
	/** D: every query's minimum distance, the sample Shapiro-Wilk tests. */
	readonly #distances: number[] = [];

	constructor(dims: number, options: PradaOptions = {}) {
		this.delta = options.delta ?? 0.9;
		this.minDistances = options.minDistances ?? 100;
		if (!(this.delta > 0 && this.delta < 1)) {
			throw new Error(`PRADA: delta must be between 0 and 1, got ${this.delta}`);
		}
		if (!(Number.isInteger(this.minDistances) && this.minDistances >= 3)) {
			throw new Error(`PRADA: minDistances must be a whole number >= 3, got ${this.minDistances}`);
		}
		this.#dims = dims;
		this.#shift = options.shift ? Float64Array.from(options.shift) : new Float64Array(dims);
		this.#scale = options.scale ? Float64Array.from(options.scale) : new Float64Array(dims).fill(1);
	}

	/**
	 * Records one query and the class the service answered. Juuti et al. 2019, Algorithm 1: the
	 * query's minimum distance to the growing set of its class joins D; the query joins the set
	 * only when that distance exceeds the class threshold T_c = max(T_c, mean(D_c) - std(D_c)),
	 * so near-duplicates do not crowd it. Returns W so far and whether the alarm is raised.
	 */
	observe(input: ArrayLike<number>, label = 0): PradaVerdict {
		const d = this.#dims;
		if (input.length !== d) {
			throw new Error(
				`PRADA: query ${this.count + 1} of this client has ${input.length} values, not ${d}`
			);
		}
		const x: number[] = [];
		for (let j = 0; j < d; j++) x.push((input[j] - this.#shift[j]) / this.#scale[j]);
		let cls = this.#classes.get(label);
		if (!cls) {
			// The first member enters with distance 0 (as in the authors' code), so T_c starts from
			// mean - std of {0, d}, i.e. 0, rather than jumping to the first distance and freezing G_c.
			cls = { points: [x], kept: [0], threshold: 0 };
			this.#classes.set(label, cls);
		} else {
			let best = Infinity;
			for (const p of cls.points) {
				let sum = 0;
				for (let j = 0; j < d && sum < best; j++) sum += (p[j] - x[j]) ** 2;
				if (sum < best) best = sum;
			}
			const dMin = Math.sqrt(best);
			this.#distances.push(dMin);
			if (dMin > cls.threshold) {
				cls.points.push(x);
				cls.kept.push(dMin);
				let mean = 0;
				for (const v of cls.kept) mean += v / cls.kept.length;
				let variance = 0;
				for (const v of cls.kept) variance += (v - mean) ** 2 / cls.kept.length;
				cls.threshold = Math.max(cls.threshold, mean - Math.sqrt(variance));
			}
		}
		this.count++;
		let w: number | null = null;
		if (this.#distances.length >= this.minDistances) {
			const kept = withoutOutliers(this.#distances);
			if (kept.length >= 3 && kept.length <= 5000) {
				w = shapiroWilk(kept).w;
				if (w < this.delta && this.alarmAt === null) this.alarmAt = this.count;
			}
		}
		this.wHistory.push(w);
		return { w, alarm: this.alarmAt !== null };
	}

	/** Feeds rows (dims values each) in order, with their answered labels. */
	observeAll(rows: ArrayLike<number>, labels?: ArrayLike<number>): void {
		const d = this.#dims;
		const values = Array.from(rows);
		for (let i = 0; i + d <= values.length; i += d)
			this.observe(values.slice(i, i + d), labels ? labels[i / d] : 0);
	}
}

/**
 * PRADA over one client's whole query log, in chunks of 20 queries with a paced yield (one every
 * YIELD_EVERY_MS of work), so a page stays responsive: the query number of the first alarm, or
 * null. Stops on the signal.
 */
export async function pradaAlarmAt(
	dims: number,
	options: PradaOptions,
	queried: Float64Array,
	answered: ArrayLike<number>,
	signal?: AbortSignal
): Promise<number | null> {
	const monitor = new PradaMonitor(dims, options);
	const n = answered.length;
	const pace = pacedYield();
	for (let start = 0; start < n; start += 20) {
		throwIfAborted(signal);
		const end = Math.min(n, start + 20);
		const labels = Array.from({ length: end - start }, (_, i) => answered[start + i]);
		monitor.observeAll(queried.subarray(start * dims, end * dims), labels);
		await pace.due();
	}
	return monitor.alarmAt;
}

/**
 * The share of benign clients that PRADA flags: `clients` clients each sending `queries` natural
 * queries (from `traffic(count, seed)`, answered by `label`), each watched by its own monitor.
 * Yields between clients and stops on the signal.
 */
export async function pradaFalseAlarmRate(
	dims: number,
	traffic: (count: number, seed: number) => Float64Array,
	label: (rows: Float64Array) => ArrayLike<number>,
	{
		clients = 10,
		queries = 300,
		seed = 1,
		signal,
		...options
	}: PradaOptions & {
		clients?: number;
		queries?: number;
		seed?: number;
		signal?: AbortSignal;
	} = {}
): Promise<{ rate: number; alarmed: number; clients: number; queries: number }> {
	let alarmed = 0;
	for (let c = 0; c < clients; c++) {
		throwIfAborted(signal);
		const rows = traffic(queries, seed * 1000 + c);
		if ((await pradaAlarmAt(dims, options, rows, label(rows), signal)) !== null) alarmed++;
	}
	return { rate: alarmed / clients, alarmed, clients, queries };
}
