// Reading and writing tfjs LayersModels as files in Node (tfjs-node's file:// handler is not
// available here, so this is the small equivalent).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelPath, type ModelId } from '../../src/lib/ml/models';
import type { SmoothedModelId } from '../../src/lib/ml/model-ids';
import { parseModelCard, type ModelCard } from '../../src/lib/ml/model-card';
import { MODELS_DIR, ROOT } from './paths';
import {
	artifactsFromFiles,
	parseModelJson,
	weightFiles
} from '../../src/lib/supply-chain/model-folder';

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
export function readModelArtifacts(id: ModelId | SmoothedModelId): tf.io.ModelArtifacts {
	return readModelFolder(join(MODELS_DIR, id), modelPath(id), 'run `npm run train`');
}

/**
 * The artifacts of a tfjs model folder (model.json and the weight files it names). `shown` is
 * the path messages name; `hint` says what to do about a missing or unreadable model.json.
 */
export function readModelFolder(
	dir: string,
	shown = join(dir, 'model.json'),
	hint = 'give a tfjs model folder'
): tf.io.ModelArtifacts {
	let jsonBytes: Uint8Array;
	try {
		jsonBytes = readFileSync(join(dir, 'model.json'));
	} catch (err) {
		throw new Error(`${shown} cannot be read (${(err as Error).message}); ${hint}`, {
			cause: err
		});
	}
	const shownFile = (name: string) => (name === 'model.json' ? shown : join(dir, name));
	const files: Record<string, Uint8Array> = { 'model.json': jsonBytes };
	for (const name of weightFiles(parseModelJson(jsonBytes, shown)))
		if (existsSync(join(dir, name))) files[name] = readFileSync(join(dir, name));
	return artifactsFromFiles(files, shownFile);
}

export function readModelCard(id: ModelId | SmoothedModelId): ModelCard {
	const path = `models/${id}/card.json`;
	return parseModelCard(readFileSync(join(ROOT, path), 'utf8'), path);
}
