/**
 * The adversarial lab's randomized-smoothing panel: the smoothed prediction and certified L2
 * radius of the digit on screen (CERTIFY, src/lib/ml/adversarial/smoothing.ts) with the base CNN
 * trained under noise of the chosen sigma, and certified accuracy against radius on held-out
 * digits, one curve per sigma, beside each base CNN's clean accuracy (from its card).
 */
import { digitBatch, MNIST_PIXELS } from '$lib/data/mnist';
import {
	certifiedCurve,
	certify,
	CERTIFY_DEFAULTS,
	type Certificate,
	type CertifiedPoint
} from '$lib/ml/adversarial/smoothing';
import { SMOOTHING_SIGMAS, smoothedModelId, type SmoothingSigma } from '$lib/ml/model-ids';
import { Job } from '$lib/labs/job.svelte';
import { runtime } from '$lib/runtime/lab-runtime.svelte';

/** Held-out digits a page curve certifies (the CLI's `--samples`; the bench times 500). */
export const CURVE_DIGITS = 100;
/** The radii a curve is read at: 0 to 2 by 0.025, fine enough to show where each curve ends. */
export const CURVE_RADII = Array.from({ length: 81 }, (_, i) => Math.round(i * 25) / 1000);

export interface ShownCertificate extends Certificate {
	sigma: SmoothingSigma;
	/** which digit it certified (the lab's sourceKey) */
	sourceKey: string;
	ms: number;
}

export interface SmoothingCurve {
	sigma: SmoothingSigma;
	points: CertifiedPoint[];
	/** the base CNN's clean held-out accuracy, from its card */
	cleanAccuracy: number;
	samples: number;
	abstainRate: number;
	ms: number;
}

export class SmoothingRun {
	readonly job = new Job<'certify' | 'curve'>({ cancelled: 'cancelled; finished results stay' });
	sigma = $state<SmoothingSigma>(0.5);
	certificate = $state.raw<ShownCertificate | null>(null);
	curves = $state.raw<SmoothingCurve[]>([]);

	destroy() {
		this.job.destroy();
	}

	/** CERTIFY for `pixels` [784] at the chosen sigma (n0 100, n 1,000, alpha 0.001). */
	certifyDigit(pixels: Float32Array, sourceKey: string) {
		const sigma = this.sigma;
		return this.job.run('certify', async (ctx) => {
			ctx.status(`certifying with sigma ${sigma}…`);
			const classifier = await runtime.classifier(smoothedModelId(sigma));
			const t0 = performance.now();
			const c = await certify(classifier, pixels, {
				...CERTIFY_DEFAULTS,
				sigma,
				signal: ctx.signal
			});
			const ms = performance.now() - t0;
			if (!ctx.current) return;
			this.certificate = { ...c, sigma, sourceKey, ms };
			ctx.status(`certified in ${Math.round(ms)} ms`);
		});
	}

	/** Certified accuracy against radius on the first `samples` held-out digits, at the chosen sigma. */
	curve(samples = CURVE_DIGITS) {
		const sigma = this.sigma;
		return this.job.run('curve', async (ctx) => {
			const id = smoothedModelId(sigma);
			const [classifier, card, test] = await Promise.all([
				runtime.classifier(id),
				runtime.card(id),
				runtime.digits('test')
			]);
			const n = Math.min(samples, test.count);
			const pixels = digitBatch(test, 0, n);
			const t0 = performance.now();
			const certificates: Certificate[] = [];
			for (let i = 0; i < n; i++) {
				certificates.push(
					await certify(classifier, pixels.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), {
						...CERTIFY_DEFAULTS,
						sigma,
						seed: 100003 + i,
						signal: ctx.signal
					})
				);
				ctx.progress((i + 1) / n);
				ctx.status(`sigma ${sigma}: ${i + 1} of ${n} digits certified`);
			}
			const ms = performance.now() - t0;
			if (!ctx.current) return;
			const curve: SmoothingCurve = {
				sigma,
				points: certifiedCurve(certificates, test.labels.subarray(0, n), CURVE_RADII),
				cleanAccuracy: card.testAccuracy,
				samples: n,
				abstainRate: certificates.filter((c) => c.abstained).length / n,
				ms
			};
			this.curves = [...this.curves.filter((c) => c.sigma !== sigma), curve].sort(
				(a, b) => SMOOTHING_SIGMAS.indexOf(a.sigma) - SMOOTHING_SIGMAS.indexOf(b.sigma)
			);
			ctx.status(`sigma ${sigma}: ${n} digits in ${(ms / 1000).toFixed(1)} s`);
		});
	}
}

/**
 * What the bench times on the page (test-hook registry): one certificate of the digit on screen
 * (`certifyMs`, n = 1,000) and a curve over `samples` held-out digits (`certifiedCurveMs`).
 */
export function smoothingBenchHook(
	run: SmoothingRun,
	lab: { original: Float32Array | null; sourceKey: string }
) {
	return {
		async measure(sigma: SmoothingSigma, samples: number) {
			await runtime.start(window.location.search);
			run.sigma = sigma;
			if (!lab.original) throw new Error('no digit on screen');
			await run.certifyDigit(lab.original, lab.sourceKey);
			const certifyMs = run.certificate?.ms ?? NaN;
			await run.curve(samples);
			const curve = run.curves.find((c) => c.sigma === sigma);
			return { certifyMs, certifiedCurveMs: curve?.ms ?? NaN, points: curve?.points ?? [] };
		}
	};
}
