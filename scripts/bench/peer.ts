/**
 * `npm run bench -- --peer`: our FGSM slider path against the approach in-browser peers take
 * (adversarial.js and similar demos compute a fresh tf.grad of the loss on every eps change),
 * written here from the published algorithm (Goodfellow et al. 2015, eq. 3), on the same model,
 * digits and backend (WASM, in Node). Ours computes the gradient sign once per digit and then
 * costs one forward pass per eps. Reports medians and the ratio; never fails on time.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadMnist, digitPixels } from '../../src/lib/data/mnist';
import { classifierFromModel, type Classifier } from '../../src/lib/ml/classifier';
import { meanCrossEntropy } from '../../src/lib/ml/losses';
import { modelFromArtifacts } from '../../src/lib/ml/models';
import {
	attackDirection,
	digitTensorOf,
	stepAndClassify
} from '../../src/lib/ml/adversarial/one-digit';
import { initNodeBackend } from '../lib/node-tf';
import { readModelArtifacts } from '../lib/model-files';
import { readStaticAsset } from '../lib/paths';

/** The peer's update: a fresh gradient for every eps, then the step and a forward pass. */
async function peerUpdate(
	classifier: Classifier,
	pixels: Float32Array,
	label: number,
	eps: number
) {
	const probs = tf.tidy(() => {
		const x = digitTensorOf(pixels);
		const y = tf.tensor1d([label], 'int32');
		const grad = tf.grad((input) => meanCrossEntropy(classifier.logits(input as tf.Tensor4D), y))(
			x
		);
		const adv = tf.clipByValue(tf.add(x, tf.mul(tf.sign(grad), eps)), 0, 1);
		return tf.softmax(classifier.logits(adv as tf.Tensor4D));
	});
	await probs.data();
	probs.dispose();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function peerComparison(moves = 300) {
	await initNodeBackend('wasm');
	const test = await loadMnist('test', readStaticAsset);
	const cnn = classifierFromModel(await modelFromArtifacts(readModelArtifacts('mnist-cnn')));
	const ours: number[] = [];
	const peer: number[] = [];
	try {
		for (let d = 0; d < 10; d++) {
			const pixels = digitPixels(test, d);
			const label = test.labels[d];
			// ours: the direction once per digit (counted in the first move), then forward passes
			let t0 = performance.now();
			const direction = attackDirection(cnn, pixels, { label });
			for (let i = 0; i < moves / 10; i++) {
				if (i > 0) t0 = performance.now();
				await stepAndClassify(cnn, pixels, direction, 0.005 * (i % 100));
				ours.push(performance.now() - t0);
			}
			direction.dispose();
			for (let i = 0; i < moves / 10; i++) {
				t0 = performance.now();
				await peerUpdate(cnn, pixels, label, 0.005 * (i % 100));
				peer.push(performance.now() - t0);
			}
		}
	} finally {
		cnn.dispose();
	}
	const a = median(ours);
	const b = median(peer);
	return {
		peerSliderMs: {
			ours: +a.toFixed(3),
			perCallGrad: +b.toFixed(3),
			ratio: +(b / a).toFixed(1),
			moves
		}
	};
}
