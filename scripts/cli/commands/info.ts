import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MNIST_SPLITS, mnistPath } from '../../../src/lib/data/mnist';
import { FRAUD_FEATURES } from '../../../src/lib/data/fraud';
import { BACKEND_NOTES } from '../../../src/lib/ml/backend';
import { MODEL_IDS, MODEL_INFO, modelPath } from '../../../src/lib/ml/models';
import { initNodeBackend, NODE_BACKENDS } from '../../lib/node-tf';
import { readModelCard } from '../../lib/model-files';
import { ROOT, STATIC_DIR } from '../../lib/paths';
import { defineCommand } from '../command';

interface InfoResult {
	tfjs: string;
	node: string;
	backends: { name: string; available: boolean; detail: string; limits: string[] }[];
	models: {
		id: string;
		title: string;
		path: string;
		parameters: number | null;
		testAccuracy: number | null;
		weightsSha256: string | null;
		problem?: string;
	}[];
	datasets: {
		id: string;
		description: string;
		count: number | null;
		bytes: number | null;
		path?: string;
	}[];
}

export const info = defineCommand<InfoResult>({
	name: 'info',
	summary: 'the shipped models, the data sets and the backends this machine can run',
	options: [],
	needsBackend: false,
	async run() {
		const backends: InfoResult['backends'] = [];
		for (const name of NODE_BACKENDS) {
			try {
				await initNodeBackend(name);
				backends.push({
					name,
					available: true,
					detail: BACKEND_NOTES[name].runsOn,
					limits: BACKEND_NOTES[name].limits
				});
			} catch (err) {
				backends.push({
					name,
					available: false,
					detail: (err as Error).message,
					limits: BACKEND_NOTES[name].limits
				});
			}
		}
		backends.push({
			name: 'webgl',
			available: false,
			detail: 'browser only (the site); Node has no WebGL',
			limits: BACKEND_NOTES.webgl.limits
		});
		const models = MODEL_IDS.map((id) => {
			try {
				const card = readModelCard(id);
				return {
					id,
					title: MODEL_INFO[id].title,
					path: modelPath(id),
					parameters: card.parameters,
					testAccuracy: card.testAccuracy,
					weightsSha256: card.weightsSha256
				};
			} catch (err) {
				return {
					id,
					title: MODEL_INFO[id].title,
					path: modelPath(id),
					parameters: null,
					testAccuracy: null,
					weightsSha256: null,
					problem: (err as Error).message
				};
			}
		});
		const manifest = JSON.parse(
			readFileSync(join(STATIC_DIR, 'data/mnist/manifest.json'), 'utf8')
		) as {
			files: Record<string, { count: number; bytes: number }>;
		};
		const datasets: InfoResult['datasets'] = MNIST_SPLITS.map((split) => ({
			id: `mnist-${split}`,
			description: `MNIST digits, ${split} split (28x28, uint8, gzip)`,
			count: manifest.files[split]?.count ?? null,
			bytes: statSync(join(STATIC_DIR, mnistPath(split))).size,
			path: `static/${mnistPath(split)}`
		}));
		datasets.push({
			id: 'fraud',
			description: `seeded synthetic card transactions, generated on demand (${FRAUD_FEATURES.map((f) => f.key).join(', ')})`,
			count: null,
			bytes: null
		});
		const pkg = JSON.parse(
			readFileSync(join(ROOT, 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8')
		);
		return { tfjs: pkg.version as string, node: process.version, backends, models, datasets };
	},
	text(r) {
		const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(2)} %`);
		return [
			`tfjs ${r.tfjs} on Node ${r.node}`,
			'',
			'Models:',
			...r.models.map(
				(m) =>
					`  ${m.id.padEnd(15)} ${m.title.padEnd(27)} ${String(m.parameters ?? '?').padStart(6)} params  held-out accuracy ${pct(m.testAccuracy)}${m.problem ? `  (${m.problem})` : ''}`
			),
			'',
			'Data sets:',
			...r.datasets.map(
				(d) => `  ${d.id.padEnd(12)} ${d.count ?? ''}${d.count ? ' items, ' : ''}${d.description}`
			),
			'',
			'Backends:',
			...r.backends.map(
				(b) => `  ${b.name.padEnd(6)} ${b.available ? 'available  ' : 'unavailable'} ${b.detail}`
			)
		].join('\n');
	}
});
