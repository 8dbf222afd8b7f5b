/**
 * lab certify: randomized smoothing's CERTIFY (Cohen, Rosenfeld, Kolter 2019) on held-out digits
 * with the shipped base classifier trained under noise of --sigma (src/lib/ml/adversarial/
 * smoothing.ts): per digit the smoothed prediction and its certified L2 radius, and certified
 * accuracy against radius.
 */
import { digitBatch, loadMnist, MNIST_PIXELS } from '../../../src/lib/data/mnist';
import { classifierFromModel } from '../../../src/lib/ml/classifier';
import { modelFromArtifacts } from '../../../src/lib/ml/models';
import {
	SMOOTHING_SIGMAS,
	smoothedModelId,
	type SmoothingSigma
} from '../../../src/lib/ml/model-ids';
import {
	certifiedCurve,
	certify as certifyDigit,
	CERTIFY_DEFAULTS,
	type CertifiedPoint
} from '../../../src/lib/ml/adversarial/smoothing';
import { readModelArtifacts, readModelCard } from '../../lib/model-files';
import { readStaticAsset } from '../../lib/paths';
import { UsageError } from '../args';
import { defineCommand } from '../command';

const NAME = 'lab certify';
/** The radii of the curve: 0 to 2 in steps of 0.25 (Cohen et al. chart 0 to 4 on ImageNet). */
const RADII = Array.from({ length: 9 }, (_, i) => i * 0.25);

interface CertifiedDigit {
	index: number;
	label: number;
	/** the smoothed prediction, null when CERTIFY abstains */
	prediction: number | null;
	countTop: number;
	n: number;
	radius: number;
	abstained: boolean;
}

interface CertifyResult {
	sigma: SmoothingSigma;
	model: string;
	/** the base classifier's clean accuracy, from its card */
	cleanAccuracy: number;
	samples: number;
	n0: number;
	n: number;
	alpha: number;
	seed: number;
	backend: string;
	points: CertifiedPoint[];
	digits: CertifiedDigit[];
	/** share of digits CERTIFY abstained on */
	abstainRate: number;
	/** mean wall time of one certificate */
	msPerDigit: number;
	ms: number;
}

export const certify = defineCommand<CertifyResult>({
	name: 'certify',
	summary:
		'randomized smoothing: certified L2 radius per held-out digit, certified accuracy against radius',
	options: [
		{
			name: 'sigma',
			kind: 'choice',
			choices: SMOOTHING_SIGMAS.map(String),
			help: `noise level, and the base classifier trained for it (${SMOOTHING_SIGMAS.join(', ')}; required)`
		},
		{
			name: 'samples',
			kind: 'integer',
			min: 1,
			max: 2000,
			default: 100,
			help: 'held-out digits certified, from the first'
		},
		{
			name: 'n0',
			kind: 'integer',
			min: 1,
			max: 100000,
			default: CERTIFY_DEFAULTS.n0,
			help: 'noisy copies that choose the class'
		},
		{
			name: 'n',
			kind: 'integer',
			min: 1,
			max: 1000000,
			default: CERTIFY_DEFAULTS.n,
			help: 'noisy copies that bound its probability'
		},
		{
			name: 'alpha',
			kind: 'number',
			min: 0,
			max: 1,
			default: CERTIFY_DEFAULTS.alpha,
			help: 'the certificate is wrong with probability at most alpha, in (0, 1)'
		},
		{ name: 'seed', kind: 'integer', min: 0, default: 1, help: 'seeds the noise' }
	],
	needsBackend: true,
	async run(options, ctx) {
		if (options.sigma === undefined)
			throw new UsageError(`${NAME}: --sigma is required (one of ${SMOOTHING_SIGMAS.join(', ')})`);
		const sigma = Number(options.sigma) as SmoothingSigma;
		const alpha = options.alpha as number;
		if (!(alpha > 0 && alpha < 1))
			throw new UsageError(`${NAME}: --alpha must be in (0, 1), got ${alpha}`);
		const id = smoothedModelId(sigma);
		const card = readModelCard(id);
		const classifier = classifierFromModel(await modelFromArtifacts(readModelArtifacts(id)));
		try {
			const test = await loadMnist('test', readStaticAsset);
			const samples = Math.min(options.samples as number, test.count);
			const pixels = digitBatch(test, 0, samples);
			const o = {
				n0: options.n0 as number,
				n: options.n as number,
				alpha,
				seed: options.seed as number
			};
			const started = performance.now();
			const digits: CertifiedDigit[] = [];
			const certificates = [];
			for (let i = 0; i < samples; i++) {
				const c = await certifyDigit(
					classifier,
					pixels.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS),
					{ ...o, sigma, seed: o.seed * 100003 + i }
				);
				certificates.push(c);
				digits.push({
					index: i,
					label: test.labels[i],
					prediction: c.prediction,
					countTop: c.countTop,
					n: c.n,
					radius: c.radius,
					abstained: c.abstained
				});
			}
			const ms = performance.now() - started;
			return {
				sigma,
				model: id,
				cleanAccuracy: card.testAccuracy,
				samples,
				...o,
				backend: ctx.backend,
				points: certifiedCurve(certificates, test.labels.subarray(0, samples), RADII),
				digits,
				abstainRate: digits.filter((d) => d.abstained).length / samples,
				msPerDigit: ms / samples,
				ms: Math.round(ms)
			};
		} finally {
			classifier.dispose();
		}
	},
	text(r) {
		const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
		return [
			`randomized smoothing (Cohen et al. 2019), sigma ${r.sigma}: ${r.model} (clean accuracy ${pct(r.cleanAccuracy)})`,
			`  ${r.samples} held-out digits, n0 ${r.n0}, n ${r.n}, alpha ${r.alpha}, seed ${r.seed}; ${r.backend}, ${(r.ms / 1000).toFixed(1)} s (${r.msPerDigit.toFixed(0)} ms a digit); abstained on ${pct(r.abstainRate)}`,
			'',
			'  radius   certified accuracy',
			...r.points.map(
				(p) => `  ${p.radius.toFixed(2).padStart(6)}   ${pct(p.certifiedAccuracy).padStart(8)}`
			)
		].join('\n');
	}
});
