/**
 * A 2-D principal-component view of tabular rows, for drawing the data and a model's decision
 * surface on one plane. Framework-free.
 *
 * Principal component analysis (Pearson 1901; Jolliffe, "Principal Component Analysis", 2002,
 * chapter 1): the two directions of largest variance are the top two eigenvectors of the
 * covariance matrix, found here by power iteration with deflation (Golub, Van Loan, "Matrix
 * Computations", section 8.2), which is plenty for ten columns.
 */
import { createRng } from '../../base/rng';

export interface Pca2 {
	dims: number;
	mean: Float64Array;
	/** Two unit vectors, [2 * dims] row-major. */
	components: Float64Array;
	/** Share of the total variance along each component. */
	explained: [number, number];
	/** Rows [n * dims] -> [n * 2] coordinates. */
	project(rows: Float32Array): Float32Array;
	/** Points on the plane [m * 2] -> rows [m * dims]: the mean plus u c1 + v c2. */
	lift(points: Float32Array): Float32Array;
}

export function pca2(rows: Float32Array, dims: number): Pca2 {
	if (!Number.isInteger(dims) || dims < 2) throw new Error(`pca2: needs >= 2 columns, got ${dims}`);
	if (rows.length % dims !== 0 || rows.length === 0)
		throw new Error(`pca2: ${rows.length} values do not make rows of ${dims}`);
	const n = rows.length / dims;
	const mean = new Float64Array(dims);
	for (let i = 0; i < rows.length; i++) mean[i % dims] += rows[i] / n;
	const cov = new Float64Array(dims * dims);
	const centred = new Float64Array(dims);
	for (let i = 0; i < n; i++) {
		for (let c = 0; c < dims; c++) centred[c] = rows[i * dims + c] - mean[c];
		for (let a = 0; a < dims; a++)
			for (let b = a; b < dims; b++) cov[a * dims + b] += (centred[a] * centred[b]) / n;
	}
	for (let a = 0; a < dims; a++) for (let b = 0; b < a; b++) cov[a * dims + b] = cov[b * dims + a];
	let total = 0;
	for (let c = 0; c < dims; c++) total += cov[c * dims + c];
	const rng = createRng(1);
	const components = new Float64Array(2 * dims);
	const explained: [number, number] = [0, 0];
	for (let k = 0; k < 2; k++) {
		let v = Float64Array.from({ length: dims }, () => rng() - 0.5);
		let lambda = 0;
		for (let it = 0; it < 500; it++) {
			const next = new Float64Array(dims);
			for (let a = 0; a < dims; a++)
				for (let b = 0; b < dims; b++) next[a] += cov[a * dims + b] * v[b];
			const norm = Math.hypot(...next) || 1;
			for (let a = 0; a < dims; a++) next[a] /= norm;
			const moved = next.reduce((s, x, a) => s + Math.abs(x - v[a]), 0);
			v = next;
			lambda = norm;
			if (moved < 1e-10) break;
		}
		// A fixed sign (largest entry positive) so the picture does not mirror between runs.
		let big = 0;
		for (let a = 1; a < dims; a++) if (Math.abs(v[a]) > Math.abs(v[big])) big = a;
		if (v[big] < 0) for (let a = 0; a < dims; a++) v[a] = -v[a];
		components.set(v, k * dims);
		explained[k] = total > 0 ? lambda / total : 0;
		// Deflate: remove this direction so the next power iteration finds the second one.
		for (let a = 0; a < dims; a++)
			for (let b = 0; b < dims; b++) cov[a * dims + b] -= lambda * v[a] * v[b];
	}
	return {
		dims,
		mean,
		components,
		explained,
		project(x) {
			const m = x.length / dims;
			const out = new Float32Array(m * 2);
			for (let i = 0; i < m; i++)
				for (let k = 0; k < 2; k++) {
					let s = 0;
					for (let c = 0; c < dims; c++)
						s += (x[i * dims + c] - mean[c]) * components[k * dims + c];
					out[i * 2 + k] = s;
				}
			return out;
		},
		lift(points) {
			const m = points.length / 2;
			const out = new Float32Array(m * dims);
			for (let i = 0; i < m; i++)
				for (let c = 0; c < dims; c++)
					out[i * dims + c] =
						mean[c] + points[2 * i] * components[c] + points[2 * i + 1] * components[dims + c];
			return out;
		}
	};
}
