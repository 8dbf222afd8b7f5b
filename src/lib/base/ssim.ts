/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004, "Image Quality Assessment: From
 * Error Visibility to Structural Similarity"), the mean SSIM over every 7 x 7 window of two
 * greyscale images with values in [0, 1] (K1 = 0.01, K2 = 0.03, L = 1, uniform windows with the
 * sample covariance, as scikit-image's structural_similarity does by default). 1 means identical.
 */
const K1 = 0.01;
const K2 = 0.03;
const C1 = K1 * K1;
const C2 = K2 * K2;
const WIN = 7;

export function ssim(
	a: ArrayLike<number>,
	b: ArrayLike<number>,
	width: number,
	height: number
): number {
	if (a.length !== width * height || b.length !== width * height)
		throw new Error(
			`ssim: images must have ${width} x ${height} values, got ${a.length} and ${b.length}`
		);
	if (width < WIN || height < WIN) throw new Error(`ssim: images must be at least ${WIN} x ${WIN}`);
	const n = WIN * WIN;
	const cov = n / (n - 1);
	let total = 0;
	let windows = 0;
	for (let y = 0; y + WIN <= height; y++)
		for (let x = 0; x + WIN <= width; x++) {
			let sa = 0;
			let sb = 0;
			let saa = 0;
			let sbb = 0;
			let sab = 0;
			for (let dy = 0; dy < WIN; dy++)
				for (let dx = 0; dx < WIN; dx++) {
					const i = (y + dy) * width + x + dx;
					const va = a[i];
					const vb = b[i];
					sa += va;
					sb += vb;
					saa += va * va;
					sbb += vb * vb;
					sab += va * vb;
				}
			const ma = sa / n;
			const mb = sb / n;
			const va = cov * (saa / n - ma * ma);
			const vb = cov * (sbb / n - mb * mb);
			const vab = cov * (sab / n - ma * mb);
			total += ((2 * ma * mb + C1) * (2 * vab + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
			windows++;
		}
	return total / windows;
}
