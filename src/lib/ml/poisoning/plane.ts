/**
 * The poisoning lab's picture of the data: the training rows on their first two principal
 * components (pca.ts), a grid of points on that plane lifted back to feature space (so each model
 * can score it as a heat map of its decision regions), and a sample of rows to draw. Framework-
 * free; nothing here touches tensors.
 */
import { createRng, permutation } from '../../base/rng';
import type { PoisonData } from './experiment';
import { pca2, type Pca2 } from './pca';

/** Heat-map cells per side. */
export const GRID = 40;
/** Training points drawn on the projection: up to 800 fraud rows and a sample of the rest. */
const LEGIT_SHOWN = 1200;

export interface Plane {
	pca: Pca2;
	/** [GRID * GRID * dims] rows on the PCA plane, scaled like training, row by row from the top */
	grid: Float32Array;
	xMin: number;
	xMax: number;
	yMin: number;
	yMax: number;
	/** training rows drawn, and their 2-D positions [shown * 2] */
	shown: Int32Array;
	points: Float32Array;
}

function percentile(values: Float32Array, stride: number, offset: number, q: number): number {
	const xs = Float32Array.from(
		{ length: values.length / stride },
		(_, i) => values[i * stride + offset]
	);
	xs.sort();
	return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
}

export function buildPlane(data: PoisonData): Plane {
	const pca = pca2(data.train.features, data.dims);
	const all = pca.project(data.train.features);
	const pad = (lo: number, hi: number) => [lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo)];
	const [xMin, xMax] = pad(percentile(all, 2, 0, 0.01), percentile(all, 2, 0, 0.99));
	const [yMin, yMax] = pad(percentile(all, 2, 1, 0.01), percentile(all, 2, 1, 0.99));
	const cells = new Float32Array(GRID * GRID * 2);
	for (let r = 0; r < GRID; r++)
		for (let c = 0; c < GRID; c++) {
			cells[(r * GRID + c) * 2] = xMin + ((c + 0.5) / GRID) * (xMax - xMin);
			cells[(r * GRID + c) * 2 + 1] = yMax - ((r + 0.5) / GRID) * (yMax - yMin);
		}
	const legit: number[] = [];
	const fraud: number[] = [];
	data.train.labels.forEach((l, i) => (l ? fraud : legit).push(i));
	const order = permutation(legit.length, createRng(1));
	const shown = Int32Array.from([
		...Array.from(order.subarray(0, LEGIT_SHOWN), (k) => legit[k]),
		...fraud.slice(0, 800)
	]);
	const points = new Float32Array(shown.length * 2);
	shown.forEach((row, j) => points.set(all.subarray(row * 2, row * 2 + 2), j * 2));
	return { pca, grid: pca.lift(cells), xMin, xMax, yMin, yMax, shown, points };
}
