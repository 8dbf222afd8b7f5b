/**
 * Equation-solving extraction of a logistic regression through its prediction API.
 * Framework-free float64 maths; the linear solver is written out so every step can be shown in
 * the lab.
 */
import type { Rng } from '../../base/rng';
import { type PredictFn, type PredictionApi } from './victim-api';
import { argmaxRows } from '../../base/argmax';

export interface LogisticParams {
	weights: Float64Array;
	bias: number;
}

export interface EquationSolvingResult extends LogisticParams {
	/** Queries this attack spent (d + 1). */
	queries: number;
}

export interface EquationSolvingOptions {
	rng: Rng;
	/** Lower corner of the box queries are drawn from: one number for every feature, or one each. */
	low: number | ArrayLike<number>;
	/** Upper corner of the box. */
	high: number | ArrayLike<number>;
}

/**
 * Solves A x = y for square A (n x n, row-major) by Gaussian elimination with partial pivoting,
 * in float64. A and y are left untouched. Throws when A is singular to working precision, which
 * for extraction means the queries were not linearly independent.
 */
export function solveLinearSystem(a: Float64Array, y: Float64Array, n: number): Float64Array {
	if (a.length !== n * n || y.length !== n) {
		throw new Error(`solveLinearSystem: expected a ${n}x${n} matrix and ${n} values`);
	}
	const m = Float64Array.from(a);
	const rhs = Float64Array.from(y);
	let scale = 0;
	for (const v of m) scale = Math.max(scale, Math.abs(v));
	const tiny = scale * n * Number.EPSILON;
	for (let col = 0; col < n; col++) {
		// Partial pivoting: the largest entry in this column becomes the pivot, which keeps the
		// multipliers <= 1 and the rounding errors from growing.
		let pivot = col;
		for (let r = col + 1; r < n; r++) {
			if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) pivot = r;
		}
		if (!(Math.abs(m[pivot * n + col]) > tiny)) {
			throw new Error(
				`solveLinearSystem: the system is singular at column ${col}; the queries are not linearly independent`
			);
		}
		if (pivot !== col) {
			for (let c = 0; c < n; c++) {
				const t = m[col * n + c];
				m[col * n + c] = m[pivot * n + c];
				m[pivot * n + c] = t;
			}
			const t = rhs[col];
			rhs[col] = rhs[pivot];
			rhs[pivot] = t;
		}
		const p = m[col * n + col];
		for (let r = col + 1; r < n; r++) {
			const f = m[r * n + col] / p;
			if (f === 0) continue;
			for (let c = col; c < n; c++) m[r * n + c] -= f * m[col * n + c];
			rhs[r] -= f * rhs[col];
		}
	}
	const x = new Float64Array(n);
	for (let r = n - 1; r >= 0; r--) {
		let s = rhs[r];
		for (let c = r + 1; c < n; c++) s -= m[r * n + c] * x[c];
		x[r] = s / m[r * n + r];
	}
	return x;
}

function corner(value: number | ArrayLike<number>, dims: number, name: string): Float64Array {
	if (typeof value === 'number') return new Float64Array(dims).fill(value);
	if (value.length !== dims) {
		throw new Error(
			`equation solving: ${name} has ${value.length} entries but there are ${dims} features`
		);
	}
	return Float64Array.from(value);
}

/**
 * Tramer, Zhang, Juels, Reiter, Ristenpart 2016, "Stealing Machine Learning Models via
 * Prediction APIs", section 4.1. A logistic regression answers p = sigmoid(w.x + b), so
 * logit(p) = log(p / (1 - p)) = w.x + b is linear in the d + 1 unknowns (w, b). d + 1 queries at
 * linearly independent points give d + 1 equations, and solving them recovers the model exactly
 * (up to float rounding) when the API returns confidences. This draws the points uniformly from
 * the box [low, high]^d, sends them as one batch and solves.
 */
export function equationSolvingAttack(
	api: PredictionApi,
	dims: number,
	{ rng, low, high }: EquationSolvingOptions
): EquationSolvingResult {
	if (api.outputMode.kind === 'label') {
		throw new Error(
			'equation solving needs confidence scores, but this API returns class labels only. ' +
				'Use an API with outputMode probs or round, or a label-only attack.'
		);
	}
	if (!Number.isInteger(dims) || dims < 1) {
		throw new Error(`equation solving: dims must be a whole number >= 1, got ${dims}`);
	}
	const lo = corner(low, dims, 'low');
	const hi = corner(high, dims, 'high');
	for (let j = 0; j < dims; j++) {
		if (!(hi[j] > lo[j])) {
			throw new Error(`equation solving: feature ${j} has an empty box [${lo[j]}, ${hi[j]}]`);
		}
	}

	const n = dims + 1;
	const points: number[][] = [];
	for (let i = 0; i < n; i++) {
		const row: number[] = [];
		for (let j = 0; j < dims; j++) row.push(lo[j] + (hi[j] - lo[j]) * rng());
		points.push(row);
	}
	const before = api.queries;
	const answers = api.query(points);

	// A probability rounded to k decimals can come back as exactly 0 or 1, whose logit is
	// infinite. The true value then lies within half a rounding step of 0 (or 1), so clamp to half
	// a step: the equation stays finite and is off by at most the rounding error. With full
	// confidences only an underflow to 0 can happen, so the smallest double is the floor.
	const mode = api.outputMode;
	const floor = mode.kind === 'round' ? 0.5 * 10 ** -mode.decimals : Number.MIN_VALUE;
	const a = new Float64Array(n * n);
	const y = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const probs = answers[i].probs;
		if (!probs) {
			throw new Error(
				'equation solving needs confidence scores, but the API answered a label only'
			);
		}
		if (probs.length !== 2) {
			throw new Error(
				`equation solving here targets a binary logistic regression; the API returned ${probs.length} classes`
			);
		}
		// log(p1) - log(p0) rather than log(p / (1 - p)): both come from the API, and this keeps
		// precision when p is close to 1.
		const p0 = Math.min(1, Math.max(floor, probs[0]));
		const p1 = Math.min(1, Math.max(floor, probs[1]));
		y[i] = Math.log(p1) - Math.log(p0);
		for (let j = 0; j < dims; j++) a[i * n + j] = points[i][j];
		a[i * n + dims] = 1;
	}
	const solution = solveLinearSystem(a, y, n);
	return {
		weights: solution.slice(0, dims),
		bias: solution[dims],
		queries: api.queries - before
	};
}

/** Largest absolute difference over the weights and the bias. */
export function maxParamError(truth: LogisticParams, recovered: LogisticParams): number {
	if (truth.weights.length !== recovered.weights.length) {
		throw new Error(
			`maxParamError: ${truth.weights.length} true weights but ${recovered.weights.length} recovered`
		);
	}
	let worst = Math.abs(truth.bias - recovered.bias);
	for (let j = 0; j < truth.weights.length; j++) {
		worst = Math.max(worst, Math.abs(truth.weights[j] - recovered.weights[j]));
	}
	return worst;
}

/**
 * Share of the inputs (`dims` features per row, row-major) on which victim and surrogate predict
 * the same class: the paper's test-set agreement, 1 - R_test.
 */
export function agreement(
	victimPredict: PredictFn,
	surrogatePredict: PredictFn,
	inputs: Float64Array | Float32Array,
	dims: number
): number {
	if (inputs.length % dims !== 0) {
		throw new Error(`agreement: ${inputs.length} values do not make rows of ${dims}`);
	}
	const n = inputs.length / dims;
	if (n === 0) throw new Error('agreement: no inputs to compare on');
	const a = argmaxRows(victimPredict(inputs, dims), n);
	const b = argmaxRows(surrogatePredict(inputs, dims), n);
	let same = 0;
	for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
	return same / n;
}
