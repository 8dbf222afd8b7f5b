/**
 * npm run icons: draws the app icons (static/icon-192.png, static/icon-512.png) for the web app
 * manifest from the same shapes as static/favicon.svg (a rounded square, a caret, a dot), with 4x4
 * supersampling, and writes them as PNG (scripts/lib/png.ts). The output is committed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './lib/png';
import { STATIC_DIR } from './lib/paths';

type Rgb = [number, number, number];
const BACKGROUND: Rgb = [0x1d, 0x35, 0x57];
const INK: Rgb = [0xf1, 0xfa, 0xee];
const DOT: Rgb = [0xe6, 0x39, 0x46];

/** Distance from p to the segment a-b (in the favicon's 32-unit space). */
function toSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number) {
	const dx = bx - ax;
	const dy = by - ay;
	const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
	return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The colour at a point of the 32 x 32 design, or null outside the rounded square. */
function colourAt(x: number, y: number): Rgb | null {
	const r = 6;
	const cx = Math.min(Math.max(x, r), 32 - r);
	const cy = Math.min(Math.max(y, r), 32 - r);
	if (Math.hypot(x - cx, y - cy) > r) return null;
	if (Math.hypot(x - 16, y - 19) <= 2.5) return DOT;
	const stroke = Math.min(toSegment(x, y, 9, 22, 16, 8), toSegment(x, y, 16, 8, 23, 22));
	return stroke <= 1.5 ? INK : BACKGROUND;
}

function png(size: number): Buffer {
	const rgba = new Uint8Array(size * size * 4);
	const sub = 4;
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const sum = [0, 0, 0, 0];
			for (let i = 0; i < sub; i++)
				for (let j = 0; j < sub; j++) {
					const c = colourAt(
						((x + (i + 0.5) / sub) / size) * 32,
						((y + (j + 0.5) / sub) / size) * 32
					);
					if (!c) continue;
					sum[0] += c[0];
					sum[1] += c[1];
					sum[2] += c[2];
					sum[3] += 255;
				}
			const n = sub * sub;
			const covered = sum[3] / 255;
			const o = (y * size + x) * 4;
			for (let k = 0; k < 3; k++) rgba[o + k] = covered ? Math.round(sum[k] / covered) : 0;
			rgba[o + 3] = Math.round(sum[3] / n);
		}
	}
	return encodePng(size, size, rgba, 4);
}

for (const size of [192, 512]) {
	writeFileSync(join(STATIC_DIR, `icon-${size}.png`), png(size));
	console.log(`wrote static/icon-${size}.png`);
}
