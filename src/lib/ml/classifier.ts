/**
 * A digit classifier as the attacks, training loops and metrics see it: a function from pixels
 * to logits. Wrapping the LayersModel once keeps every caller free of layer plumbing.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LOGITS_LAYER } from './models';

export interface Classifier {
	/** [n, 28, 28, 1] pixels in [0, 1] -> [n, 10] logits. Allocates; the caller owns tidy. */
	logits(x: tf.Tensor4D): tf.Tensor2D;
	/** The trainable variables, for optimisers. */
	readonly variables: tf.Variable[];
	/** Frees the weights. */
	dispose(): void;
}

export function classifierFromModel(model: tfl.LayersModel): Classifier {
	const logitsModel = tfl.model({
		inputs: model.inputs,
		outputs: model.getLayer(LOGITS_LAYER).output as tfl.SymbolicTensor
	});
	return {
		logits: (x) => logitsModel.apply(x, { training: false }) as tf.Tensor2D,
		get variables() {
			return model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
		},
		dispose: () => model.dispose()
	};
}
