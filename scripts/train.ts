/**
 * npm run train [-- --only <id>|hub]: trains the three shipped digit models on the training split
 * and writes models/<id>/{model.json, weights.bin, card.json, MODEL_CARD.md}, then the
 * supply-chain lab's hub of signed mnist-cnn copies (scripts/hub.ts). Runs on the WASM
 * backend in Node (the lab's own Conv2DBackpropFilter kernel makes CNN training possible there);
 * seeded, so a rerun reproduces the committed weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../src/lib/data/mnist';
import { classifierFromModel } from '../src/lib/ml/classifier';
import { evaluateAccuracy } from '../src/lib/ml/evaluate';
import { renderModelCard, type ModelCard } from '../src/lib/ml/model-card';
import { buildCnn, buildSoftmax, MODEL_IDS, type ModelId } from '../src/lib/ml/models';
import {
	SMOOTHED_MODEL_IDS,
	SMOOTHING_SIGMAS,
	smoothedModelId,
	type SmoothedModelId
} from '../src/lib/ml/model-ids';
import { fgsmRobustness } from '../src/lib/ml/adversarial/robustness';
import { trainClassifier, type TrainOptions } from '../src/lib/ml/train';
import { parseOptions } from './cli/args';
import { initNodeBackend } from './lib/node-tf';
import { saveModelFiles } from './lib/model-files';
import { MODELS_DIR, readStaticAsset } from './lib/paths';
import { SPLIT_SEED } from './data-split';
import { writeHub } from './hub';

interface Recipe {
	build: (seed: number) => tfl.LayersModel;
	options: Omit<TrainOptions, 'signal' | 'onProgress' | 'onEpoch'>;
}

const SEED = 1412; // arXiv:1412.6572, for remembering
const CNN_RECIPE: Recipe['options'] = {
	epochs: 20,
	batchSize: 64,
	learningRate: 3e-3,
	finalLearningRateFraction: 0.03,
	maxShift: 2,
	seed: SEED
};

const RECIPES: Record<ModelId | SmoothedModelId, Recipe> = {
	'mnist-softmax': {
		build: buildSoftmax,
		options: { epochs: 10, batchSize: 64, learningRate: 2e-3, seed: SEED }
	},
	'mnist-cnn': { build: buildCnn, options: CNN_RECIPE },
	'mnist-cnn-adv': {
		build: buildCnn,
		options: {
			epochs: 20,
			batchSize: 64,
			learningRate: 3e-3,
			finalLearningRateFraction: 0.03,
			maxShift: 2,
			seed: SEED,
			adversarial: { eps: 0.25, weight: 0.5 }
		}
	},
	// randomized smoothing's base classifiers: the CNN's recipe under Gaussian noise
	...(Object.fromEntries(
		SMOOTHING_SIGMAS.map((sigma) => [
			smoothedModelId(sigma),
			{ build: buildCnn, options: { ...CNN_RECIPE, noise: sigma } }
		])
	) as Record<SmoothedModelId, Recipe>)
};
const TRAINED = [...MODEL_IDS, ...SMOOTHED_MODEL_IDS] as const;

function describeLayers(model: tfl.LayersModel): string[] {
	return model.layers.map((layer) => {
		const cfg = layer.getConfig() as Record<string, unknown>;
		const shape = JSON.stringify(layer.outputShape)
			.replace(/null,?/g, '')
			.replace(/,/g, 'x');
		const detail =
			layer.getClassName() === 'Conv2D'
				? ` ${cfg.filters} filters ${JSON.stringify(cfg.kernelSize)} stride ${JSON.stringify(cfg.strides)} ${cfg.padding}, ${cfg.activation}`
				: layer.getClassName() === 'Dense'
					? ` ${cfg.units} units`
					: layer.getClassName() === 'Activation'
						? ` ${cfg.activation}`
						: '';
		return `${layer.getClassName()}${detail} -> ${shape} (${layer.countParams()} parameters)`;
	});
}

async function main() {
	let only: string | undefined;
	try {
		const options = parseOptions(
			process.argv.slice(2),
			[
				{
					name: 'only',
					kind: 'choice',
					choices: [...TRAINED, 'hub'],
					help: 'train just this model, or just rebuild the supply-chain hub from mnist-cnn'
				}
			],
			'npm run train'
		);
		only = options.only as string | undefined;
	} catch (err) {
		console.error((err as Error).message);
		process.exit(2);
	}
	await initNodeBackend('wasm');
	const train = await loadMnist('train', readStaticAsset);
	const test = await loadMnist('test', readStaticAsset);
	const started = performance.now();
	for (const id of TRAINED) {
		if (only && id !== only) continue;
		const recipe = RECIPES[id];
		const model = recipe.build(recipe.options.seed);
		const classifier = classifierFromModel(model);
		console.log(`${id}: ${model.countParams()} parameters, ${recipe.options.epochs} epochs`);
		const t0 = performance.now();
		await trainClassifier(classifier, train, {
			...recipe.options,
			onEpoch: (r) =>
				console.log(`  epoch ${r.epoch}: loss ${r.loss.toFixed(4)} (${(r.ms / 1000).toFixed(1)} s)`)
		});
		const ms = performance.now() - t0;
		const clean = await evaluateAccuracy(classifier, test);
		const [attacked] = await fgsmRobustness(classifier, test, [0.25]);
		const dir = join(MODELS_DIR, id);
		const sha = await saveModelFiles(model, dir);
		const card: ModelCard = {
			id,
			architecture: describeLayers(model),
			parameters: model.countParams(),
			seed: recipe.options.seed,
			data: {
				source: 'the 10,000 MNIST digits of the mnist npm package',
				trainCount: train.count,
				testCount: test.count,
				splitSeed: SPLIT_SEED
			},
			training: {
				epochs: recipe.options.epochs,
				batchSize: recipe.options.batchSize,
				learningRate: recipe.options.learningRate,
				finalLearningRateFraction: recipe.options.finalLearningRateFraction ?? null,
				optimizer: 'Adam',
				adversarial: recipe.options.adversarial ?? null,
				...(recipe.options.noise ? { noise: recipe.options.noise } : {}),
				maxShift: recipe.options.maxShift ?? 0,
				backend: tf.getBackend(),
				ms: Math.round(ms)
			},
			testAccuracy: clean.accuracy,
			testCorrect: clean.correct,
			fgsm025: {
				errorRate: attacked.errorRate,
				meanConfidenceOnErrors: attacked.meanConfidenceOnErrors
			},
			weightsSha256: sha,
			trainedAt: new Date().toISOString()
		};
		writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, '\t') + '\n');
		writeFileSync(join(dir, 'MODEL_CARD.md'), renderModelCard(card));
		console.log(
			`  test accuracy ${(100 * clean.accuracy).toFixed(2)} %, FGSM eps 0.25 error ${(100 * attacked.errorRate).toFixed(1)} %, ` +
				`${(ms / 1000).toFixed(1)} s`
		);
		model.dispose();
	}
	if (!only || only === 'hub' || only === 'mnist-cnn') await writeHub(train, test);
	console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
	console.error(`npm run train: ${(err as Error).message}`);
	process.exit(1);
});
