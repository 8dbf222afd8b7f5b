// Reading and writing tfjs LayersModels as files in Node (tfjs-node's file:// handler is not
// available here, so this is the small equivalent).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelPath, type ModelId } from '../../src/lib/ml/models';
import { parseModelCard, type ModelCard } from '../../src/lib/ml/model-card';
import { MODELS_DIR, ROOT } from './paths';

const WEIGHTS_FILE = 'weights.bin';

/** Writes model.json and weights.bin into dir; returns the sha256 of the weights. */
export async function saveModelFiles(model: tfl.LayersModel, dir: string): Promise<string> {
	mkdirSync(dir, { recursive: true });
	let sha256 = '';
	await model.save({
		save: async (artifacts: tf.io.ModelArtifacts) => {
			const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
			sha256 = createHash('sha256').update(weights).digest('hex');
			writeFileSync(join(dir, WEIGHTS_FILE), weights);
			const json = {
				format: 'layers-model',
				generatedBy: artifacts.generatedBy,
				convertedBy: null,
				modelTopology: artifacts.modelTopology,
				weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }]
			};
			writeFileSync(join(dir, 'model.json'), JSON.stringify(json) + '\n');
			return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
		}
	});
	return sha256;
}

/** The stored artifacts of a shipped model, as the browser would fetch them. */
export function readModelArtifacts(id: ModelId): tf.io.ModelArtifacts {
	const file = join(ROOT, modelPath(id));
	let json: {
		modelTopology: object;
		weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
	};
	try {
		json = JSON.parse(readFileSync(file, 'utf8'));
	} catch (err) {
		throw new Error(
			`${modelPath(id)} cannot be read (${(err as Error).message}); run \`npm run train\``,
			{ cause: err }
		);
	}
	const parts = json.weightsManifest.flatMap((group) =>
		group.paths.map((p) => readFileSync(join(MODELS_DIR, id, p)))
	);
	const weightData = new Uint8Array(Buffer.concat(parts)).buffer;
	return {
		modelTopology: json.modelTopology,
		weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
		weightData
	};
}

export function readModelCard(id: ModelId): ModelCard {
	const path = `models/${id}/card.json`;
	return parseModelCard(readFileSync(join(ROOT, path), 'utf8'), path);
}
