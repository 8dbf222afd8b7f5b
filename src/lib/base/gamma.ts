/** ln Gamma: the accountant's binomial terms (ml/privacy/rdp.ts) and the beta function (beta.ts). */

// Lanczos approximation (g = 7, 9 terms), about 15 significant digits for x > 0.
const LANCZOS = [
	0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
	-176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
	1.5056327351493116e-7
];

/** ln Gamma(x) for x > 0. */
export function logGamma(x: number): number {
	if (x < 0.5) {
		// Reflection keeps the approximation in its accurate range.
		return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
	}
	const z = x - 1;
	let sum = LANCZOS[0];
	for (let k = 1; k < LANCZOS.length; k++) sum += LANCZOS[k] / (z + k);
	const t = z + 7.5;
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
