/**
 * The supply-chain lab's state: the hub's copies as fetched (their bytes, the integrity
 * report of each, whether tfjs loads it and how it scores), the model in use, and the last
 * Neural Cleanse and STRIP results per model. The checks are the core's (src/lib/supply-chain/
 * for digests and signatures, src/lib/ml/supply-chain/ for the behaviour scans); this class
 * only fetches, remembers and disposes. The model in use is rebuilt from its bytes when the
 * backend changes. The scans run in the lab's worker, which builds its own copy of the model
 * from the same bytes.
 */
import { digitBatch, MNIST_PIXELS, type DigitSet } from '$lib/data/mnist';
import { classifierFromModel, type Classifier } from '$lib/ml/classifier';
import { evaluateAccuracy } from '$lib/ml/evaluate';
import { modelFromArtifacts } from '$lib/ml/models';
import { DEFAULT_TRIGGER_AT, triggerAll, type TriggerAt } from '$lib/ml/poisoning/backdoor';
import {
	NEURAL_CLEANSE_DEFAULTS,
	type NeuralCleanseResult
} from '$lib/ml/supply-chain/neural-cleanse';
import { stripRates, type StripRates } from '$lib/ml/supply-chain/strip';
import {
	importPublicKey,
	parseManifest,
	verifyModel,
	type IntegrityReport
} from '$lib/supply-chain/integrity';
import { artifactsFromFiles } from '$lib/supply-chain/model-folder';
import {
	MANIFEST_FILE,
	HUB,
	HUB_FILES,
	HUB_PUBLIC_KEY,
	hubDir,
	type HubCopy
} from '$lib/supply-chain/hub';
import { Job } from '$lib/labs/job.svelte';
import { fetchAsset } from '$lib/runtime/assets';
import { runtime } from '$lib/runtime/lab-runtime.svelte';
import { dataKey, offMainThread, whereText } from '$lib/runtime/worker/client';

/** STRIP: clean and triggered inputs tested, blends per input, the false-alarm rate it is set to. */
export const STRIP_SETTINGS = { inputs: 200, blends: 32, overlays: 200, frr: 0.01 } as const;

export const UPLOAD_ID = 'upload';

/** One model on the hub (or picked from disk), as checked. */
export interface CopyCheck {
	id: string;
	title: string;
	/** the hub's definition; null for a folder picked from disk */
	copy: HubCopy | null;
	/** the digests and the signature; null when there is no manifest to check against */
	report: IntegrityReport | null;
	/** why the manifest could not be checked (missing or malformed), else null */
	manifestProblem: string | null;
	verifyMs: number;
	/** what the card claims, when there is a readable card */
	claimedAccuracy: number | null;
	/** tfjs loads it: the accuracy measured here; or the message naming the broken file */
	load: { ok: true; accuracy: number; scoredOn: number } | { ok: false; message: string };
}

export interface StripResult extends StripRates {
	trigger: TriggerAt;
	inputs: number;
	blends: number;
	ms: number;
}

type Files = Record<string, Uint8Array<ArrayBuffer>>;

export class SupplyChainLab {
	/** checking the hub: fetch, verify and load every copy */
	readonly checkJob = new Job<'check'>({ stopOnBackendChange: false });
	/** Neural Cleanse and STRIP on the model in use */
	readonly scanJob = new Job<'scan' | 'strip'>({ cancelled: 'cancelled; finished results stay' });

	checks = $state.raw<CopyCheck[]>([]);
	/** the model the scans run on */
	currentId = $state<string>('original');
	/** the last load that failed (the model in use did not change) */
	loadProblem = $state<string | null>(null);
	scans = $state.raw<Record<string, NeuralCleanseResult>>({});
	strips = $state.raw<Record<string, StripResult>>({});
	/** where the last scan ran ("in a background worker on WASM") */
	ranIn = $state<string | null>(null);

	// A plain cache, deliberately not reactive: the page shows `checks` instead.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#files = new Map<string, Files>();
	#current: { id: string; generation: number; classifier: Classifier } | null = null;
	#key: Promise<CryptoKey> | null = null;
	#destroyed = false;

	get current(): CopyCheck | undefined {
		return this.checks.find((c) => c.id === this.currentId);
	}

	get busy(): boolean {
		return this.checkJob.running !== null || this.scanJob.running !== null;
	}

	destroy() {
		this.#destroyed = true;
		this.checkJob.destroy();
		this.scanJob.destroy();
		this.#dropCurrent();
	}

	#dropCurrent() {
		try {
			this.#current?.classifier.dispose();
		} catch {
			// a lost context cannot free GPU memory
		}
		this.#current = null;
	}

	#publicKey(): Promise<CryptoKey> {
		this.#key ??= fetchAsset(HUB_PUBLIC_KEY).then((b) =>
			importPublicKey(new TextDecoder().decode(b))
		);
		this.#key.catch(() => (this.#key = null));
		return this.#key;
	}

	/** Fetches every hub copy, checks its files and signature, loads and scores it. */
	checkHub(): Promise<boolean> {
		return this.checkJob.run(
			'check',
			async (ctx) => {
				const key = await this.#publicKey();
				const test = await runtime.digits('test');
				const out: CopyCheck[] = [];
				for (const [i, copy] of HUB.entries()) {
					ctx.status(`checking ${copy.title}…`);
					const files: Files = {};
					for (const name of [...HUB_FILES, MANIFEST_FILE])
						files[name] = (await fetchAsset(
							`${hubDir(copy.id)}/${name}`
						)) as Uint8Array<ArrayBuffer>;
					const { [MANIFEST_FILE]: manifestBytes, ...modelFiles } = files;
					this.#files.set(copy.id, modelFiles);
					out.push(
						await this.#check(copy.id, copy.title, copy, modelFiles, manifestBytes, key, test)
					);
					ctx.progress((i + 1) / HUB.length);
					if (!ctx.current) return;
				}
				const upload = this.checks.find((c) => c.id === UPLOAD_ID);
				this.checks = upload ? [...out, upload] : out;
				await this.use(this.currentId);
			},
			{ done: `checked ${HUB.length} copies` }
		);
	}

	async #check(
		id: string,
		title: string,
		copy: HubCopy | null,
		files: Files,
		manifestBytes: Uint8Array | undefined,
		key: CryptoKey,
		test: DigitSet
	): Promise<CopyCheck> {
		let report: IntegrityReport | null = null;
		let manifestProblem: string | null = null;
		let verifyMs = 0;
		if (!manifestBytes) manifestProblem = `no ${MANIFEST_FILE}: nothing to check the files against`;
		else {
			try {
				const manifest = parseManifest(new TextDecoder().decode(manifestBytes), MANIFEST_FILE);
				const t0 = performance.now();
				report = await verifyModel(files, manifest, key);
				verifyMs = performance.now() - t0;
			} catch (err) {
				manifestProblem = (err as Error).message;
			}
		}
		let claimedAccuracy: number | null = null;
		if (files['card.json']) {
			try {
				const card = JSON.parse(new TextDecoder().decode(files['card.json']));
				if (typeof card.testAccuracy === 'number') claimedAccuracy = card.testAccuracy;
			} catch {
				// an unreadable card claims nothing
			}
		}
		let load: CopyCheck['load'];
		try {
			const model = await modelFromArtifacts(artifactsFromFiles(files));
			const classifier = classifierFromModel(model);
			try {
				// all held-out digits, as the cards were scored (no copy was trained on them)
				const r = await evaluateAccuracy(classifier, test);
				load = { ok: true, accuracy: r.accuracy, scoredOn: test.count };
			} finally {
				classifier.dispose();
			}
		} catch (err) {
			load = { ok: false, message: (err as Error).message };
		}
		return { id, title, copy, report, manifestProblem, verifyMs, claimedAccuracy, load };
	}

	/**
	 * Makes `id` the model the scans use. A copy that does not load leaves the model in use as it
	 * was, with a message naming the file.
	 */
	async use(id: string): Promise<boolean> {
		const check = this.checks.find((c) => c.id === id);
		const files = this.#files.get(id);
		if (!check || !files) return false;
		if (!check.load.ok) {
			this.loadProblem = `${check.title} does not load: ${check.load.message}. Still using ${this.current?.title ?? 'the previous model'}.`;
			return false;
		}
		this.loadProblem = null;
		this.currentId = id;
		await this.#classifier();
		return true;
	}

	/** The bytes of a checked copy (what the worker builds its own classifier from). */
	#filesOf(id: string): Files {
		const files = this.#files.get(id);
		if (!files) throw new Error(`no files for ${id}: check the hub first`);
		return files;
	}

	/** The classifier of the model in use, on the current backend. */
	async #classifier(): Promise<Classifier> {
		const id = this.currentId;
		if (this.#current?.id === id && this.#current.generation === runtime.generation)
			return this.#current.classifier;
		this.#dropCurrent();
		const files = this.#files.get(id);
		if (!files) throw new Error(`no files for ${id}: check the hub first`);
		const classifier = classifierFromModel(await modelFromArtifacts(artifactsFromFiles(files)));
		if (this.#destroyed) {
			classifier.dispose();
			throw new Error('the page was closed');
		}
		this.#current = { id, generation: runtime.generation, classifier };
		return classifier;
	}

	/**
	 * Loads a model folder the learner picked (model.json, its weight files, and optionally
	 * card.json and manifest.json). A folder that does not load changes nothing but the message.
	 */
	async upload(picked: readonly File[]): Promise<boolean> {
		const files: Files = {};
		for (const f of picked) files[f.name] = new Uint8Array(await f.arrayBuffer());
		if (!files['model.json']) {
			this.loadProblem = `No model.json among the ${picked.length} file${picked.length === 1 ? '' : 's'} picked: pick a tfjs model folder's model.json and its weight files.`;
			return false;
		}
		const { [MANIFEST_FILE]: manifestBytes, ...modelFiles } = files;
		try {
			const model = await modelFromArtifacts(artifactsFromFiles(modelFiles));
			model.dispose();
		} catch (err) {
			this.loadProblem = `The picked folder does not load: ${(err as Error).message}. Still using ${this.current?.title ?? 'the previous model'}.`;
			return false;
		}
		const check = await this.#check(
			UPLOAD_ID,
			`your model (${picked.length} files)`,
			null,
			modelFiles,
			manifestBytes,
			await this.#publicKey(),
			await runtime.digits('test')
		);
		this.#files.set(UPLOAD_ID, modelFiles);
		const { [UPLOAD_ID]: _s, ...scans } = this.scans;
		const { [UPLOAD_ID]: _t, ...strips } = this.strips;
		this.scans = scans;
		this.strips = strips;
		this.checks = [...this.checks.filter((c) => c.id !== UPLOAD_ID), check];
		return this.use(UPLOAD_ID);
	}

	/** Neural Cleanse on the model in use (all ten classes). */
	scan(): Promise<boolean> {
		const id = this.currentId;
		return this.scanJob.run('scan', async (ctx) => {
			ctx.status('Neural Cleanse: reverse-engineering a trigger for each class…');
			const files = this.#filesOf(id);
			const test = await runtime.digits('test');
			const { result: r, where } = await offMainThread(
				'neuralCleanse',
				{
					key: dataKey(files),
					files,
					options: {
						clean: digitBatch(test, 0, Math.min(NEURAL_CLEANSE_DEFAULTS.cleanDigits, test.count)),
						steps: NEURAL_CLEANSE_DEFAULTS.steps,
						batchSize: NEURAL_CLEANSE_DEFAULTS.batchSize,
						learningRate: NEURAL_CLEANSE_DEFAULTS.learningRate,
						lambda: NEURAL_CLEANSE_DEFAULTS.lambda
					}
				},
				{ signal: ctx.signal, onProgress: (f) => ctx.progress(f) }
			);
			if (!ctx.current) return;
			this.scans = { ...this.scans, [id]: r };
			this.ranIn = whereText(where);
			ctx.status(
				`scanned in ${(r.ms / 1000).toFixed(1)} s: ${r.flagged.length ? `class ${r.flagged.join(', ')} flagged` : 'no class flagged'}`
			);
		});
	}

	/**
	 * STRIP on the model in use: clean held-out digits and the same digits with a trigger (the
	 * planted one for the trojaned copy, else the lab's default corner trigger).
	 */
	strip(trigger: TriggerAt = this.current?.copy?.backdoor?.trigger ?? DEFAULT_TRIGGER_AT) {
		const id = this.currentId;
		return this.scanJob.run('strip', async (ctx) => {
			ctx.status('STRIP: blending each input with clean digits…');
			const files = this.#filesOf(id);
			const test = await runtime.digits('test');
			const t0 = performance.now();
			const s = STRIP_SETTINGS;
			// past Neural Cleanse's clean digits
			const from = NEURAL_CLEANSE_DEFAULTS.cleanDigits;
			const inputs = sliceSet(test, from, s.inputs);
			const overlays = digitBatch(test, from + s.inputs, from + s.inputs + s.overlays);
			const triggered = triggerAll(inputs, trigger);
			const {
				result: { clean, triggered: hot },
				where
			} = await offMainThread(
				'stripEntropies',
				{
					key: dataKey(files),
					files,
					clean: scaled(inputs),
					triggered: scaled(triggered),
					options: { overlays, blends: s.blends }
				},
				{ signal: ctx.signal, onProgress: (f) => ctx.progress(f) }
			);
			if (!ctx.current) return;
			this.ranIn = whereText(where);
			const rates = stripRates(clean, hot, s.frr);
			this.strips = {
				...this.strips,
				[id]: { ...rates, trigger, inputs: s.inputs, blends: s.blends, ms: performance.now() - t0 }
			};
			ctx.status(
				`STRIP done: ${(100 * rates.detectionRate).toFixed(0)} % of triggered inputs flagged, ${(100 * rates.falseAlarmRate).toFixed(0)} % of clean ones`
			);
		});
	}
}

function sliceSet(set: DigitSet, from: number, count: number): DigitSet {
	const n = Math.max(0, Math.min(count, set.count - from));
	return {
		count: n,
		labels: set.labels.slice(from, from + n),
		pixels: set.pixels.slice(from * MNIST_PIXELS, (from + n) * MNIST_PIXELS)
	};
}

/** A DigitSet's bytes as [0, 1] floats. */
function scaled(set: DigitSet): Float32Array {
	return digitBatch(set, 0, set.count);
}
