/**
 * A tfjs model folder (model.json and the weight files it names) read from bytes, the same in
 * the browser (a hub download or files the learner picked) and in Node (scripts/lib/model-files.ts).
 * Every failure names the file and what is wrong with it, before tfjs sees anything.
 */
import type * as tf from '@tensorflow/tfjs-core';

const BYTES_PER: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

interface ModelJson {
	modelTopology: object;
	weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Parses model.json; throws a message naming `shown`. */
export function parseModelJson(bytes: Uint8Array, shown = 'model.json'): ModelJson {
	let json: Partial<ModelJson>;
	try {
		json = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		throw new Error(`${shown} is not JSON`);
	}
	if (!json || typeof json !== 'object' || typeof json.modelTopology !== 'object')
		throw new Error(`${shown} has no modelTopology: it is not a tfjs layers model`);
	if (
		!Array.isArray(json.weightsManifest) ||
		!json.weightsManifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))
	)
		throw new Error(`${shown} has no weightsManifest listing weight files`);
	return json as ModelJson;
}

/** The weight files model.json names, in order. */
export function weightFiles(json: ModelJson): string[] {
	return json.weightsManifest.flatMap((g) => g.paths);
}

/**
 * The artifacts tfjs loads, from model.json's bytes and the weight files it names (by name).
 * A missing weight file, or weights shorter or longer than model.json's shapes need, is an
 * error naming the file.
 */
export function artifactsFromFiles(
	files: Record<string, Uint8Array>,
	shown = (name: string) => name
): tf.io.ModelArtifacts {
	const jsonBytes = files['model.json'];
	if (!jsonBytes) throw new Error(`${shown('model.json')} is missing`);
	const json = parseModelJson(jsonBytes, shown('model.json'));
	const names = weightFiles(json);
	for (const name of names)
		if (!files[name]) throw new Error(`${shown(name)} is missing (model.json names it)`);
	const specs = json.weightsManifest.flatMap((g) => g.weights);
	let need = 0;
	for (const s of specs) {
		const per = BYTES_PER[s.dtype ?? 'float32'];
		if (!per) throw new Error(`${shown('model.json')}: weight ${s.name} has dtype ${s.dtype}`);
		need += per * s.shape.reduce((a, b) => a * b, 1);
	}
	const have = names.reduce((a, n) => a + files[n].length, 0);
	if (have !== need) {
		const which = names.length === 1 ? shown(names[0]) : names.map(shown).join(' + ');
		throw new Error(
			`${which} has ${have.toLocaleString('en-US')} bytes, but model.json's ${specs.length} weights need ${need.toLocaleString('en-US')}${have < need ? ': the file is truncated' : ''}`
		);
	}
	const weightData = new Uint8Array(have);
	let at = 0;
	for (const n of names) {
		weightData.set(files[n], at);
		at += files[n].length;
	}
	return { modelTopology: json.modelTopology, weightSpecs: specs, weightData: weightData.buffer };
}
