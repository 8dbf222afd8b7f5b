/**
 * The black-box attack that extraction enables: craft adversarial examples on the stolen
 * surrogate, where gradients are free, and replay them against the victim. Papernot et al. 2017,
 * section 5 (transferability of substitute-crafted examples); the step is FGSM, Goodfellow,
 * Shlens, Szegedy 2015, eq. (3): x' = x + eps * sign(grad_x J(surrogate, x, y)).
 *
 * Digits: untargeted, on the held-out digits the victim reads correctly, pixels clipped to [0, 1];
 * the step comes from attacks/fgsm.ts (lossGradientSign + stepAlong) on the surrogate wrapped as a
 * Classifier. Transactions: evasion, on the held-out frauds the victim flags; eps is in the
 * attacker's z-score units (eps * the attacker's std per feature), clipped to the feature ranges,
 * so success means a caught fraud now passes as legitimate.
 */
import * as tf from '@tensorflow/tfjs-core';
import { lossGradientSign, stepAlong } from '../adversarial/fgsm';
import type { Classifier } from '../classifier';
import { mlpLogits, mlpVariables } from '../mlp';
import { throwIfAborted, yieldToEventLoop } from '../yield';
import { surrogateLossSign, surrogatePredict, type Surrogate } from './surrogate';
import { heldOutVictimLabels } from './learning';
import {} from './victim-api';
import { argmaxRows } from '../../base/argmax';
import { victimLabelsFor, type Victim } from './victims';

export interface TransferPoint {
	eps: number;
	/** Share of the attacked inputs whose victim label changed. */
	victimSuccess: number;
	/** The same on the surrogate itself (the white-box number, for comparison). */
	surrogateSuccess: number;
}

export interface TransferResult {
	points: TransferPoint[];
	/** How many held-out inputs were attacked. */
	attacked: number;
}

export const TRANSFER_EPS = {
	tabular: [0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2],
	pixels: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
};

/** A digit surrogate as a Classifier, so the shared FGSM code can attack it. */
function asClassifier(s: Surrogate): Classifier {
	return {
		logits: (x) => mlpLogits(s.mlp, tf.reshape(x, [x.shape[0], s.dims]) as tf.Tensor2D),
		variables: mlpVariables(s.mlp),
		dispose: () => {}
	};
}

/**
 * Success rate against eps of surrogate-crafted FGSM examples on the victim (and on the
 * surrogate). `limit` caps the inputs attacked (the first ones that qualify).
 */
export async function transferCurve(
	victim: Victim,
	surrogate: Surrogate,
	{
		eps = victim.tabular ? TRANSFER_EPS.tabular : TRANSFER_EPS.pixels,
		limit = 500,
		signal
	}: { eps?: number[]; limit?: number; signal?: AbortSignal } = {}
): Promise<TransferResult> {
	const d = victim.dims;
	const { heldOut } = victim;
	const victimLabels = heldOutVictimLabels(victim);
	const chosen: number[] = [];
	for (let i = 0; i < heldOut.count && chosen.length < limit; i++) {
		const right = victimLabels[i] === heldOut.labels[i];
		if (right && (!victim.tabular || heldOut.labels[i] === 1)) chosen.push(i);
	}
	const n = chosen.length;
	if (n === 0)
		return {
			points: eps.map((e) => ({ eps: e, victimSuccess: 0, surrogateSuccess: 0 })),
			attacked: 0
		};
	const x = new Float64Array(n * d);
	const y = new Uint8Array(n);
	chosen.forEach((i, k) => {
		x.set(heldOut.inputs.subarray(i * d, (i + 1) * d), k * d);
		y[k] = heldOut.labels[i];
	});

	let direction: Float32Array;
	if (victim.tabular) {
		direction = await surrogateLossSign(surrogate, x, y);
	} else {
		const classifier = asClassifier(surrogate);
		const t = tf.tidy(() =>
			lossGradientSign(
				classifier,
				tf.tensor4d(Float32Array.from(x), [n, 28, 28, 1]),
				tf.tensor1d(Int32Array.from(y), 'int32')
			)
		);
		try {
			direction = (await t.data()) as Float32Array;
		} finally {
			t.dispose();
		}
	}

	const points: TransferPoint[] = [];
	for (const e of eps) {
		throwIfAborted(signal);
		let adv: Float64Array;
		if (victim.tabular) {
			adv = new Float64Array(n * d);
			for (let i = 0; i < adv.length; i++) {
				const j = i % d;
				const v = x[i] + e * surrogate.scale[j] * direction[i];
				adv[i] = Math.min(victim.high[j], Math.max(victim.low[j], v));
			}
		} else {
			const t = tf.tidy(() =>
				stepAlong(
					tf.tensor4d(Float32Array.from(x), [n, 28, 28, 1]),
					tf.tensor4d(direction, [n, 28, 28, 1]),
					e
				)
			);
			try {
				adv = Float64Array.from(await t.data());
			} finally {
				t.dispose();
			}
		}
		const onVictim = victimLabelsFor(victim, adv);
		const onSurrogate = argmaxRows(await surrogatePredict(surrogate, adv), n);
		let fooledVictim = 0;
		let fooledSurrogate = 0;
		for (let i = 0; i < n; i++) {
			if (onVictim[i] !== y[i]) fooledVictim++;
			if (onSurrogate[i] !== y[i]) fooledSurrogate++;
		}
		points.push({ eps: e, victimSuccess: fooledVictim / n, surrogateSuccess: fooledSurrogate / n });
		await yieldToEventLoop();
	}
	return { points, attacked: n };
}
