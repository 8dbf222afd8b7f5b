/**
 * What the bench measures on each backend, in a real headless Chromium against the built site.
 * Each probe returns figures that land under backends.<name> in the JSON; a lab adds its probe to
 * PROBES. Probes report; they never fail on time.
 */
import type { Browser, Page } from '@playwright/test';
import { backdoorTrain } from './backdoor-probe';
import { defenceCosts } from './defence-costs-probe';
import { inversionGallery } from './inversion-probe';
import { supplyChain } from './supply-chain-probe';
import { offlineColdStart, sceneSwitch, shelfAndCompare } from './results-probes';
import { longTaskFigures, watchLongTasks } from './long-tasks';

export interface ProbeContext {
	page: Page;
	backend: string;
	/** opens a site path on this backend in a fresh page load */
	open(path: string): Promise<void>;
	/** a page in a brand-new browser context (empty caches), on this backend */
	coldPage(path: string): Promise<{ page: Page; close(): Promise<void> }>;
	/** the browser, for a probe that needs a context of its own (offline, service worker) */
	browser: Browser;
	/** a site path's full address on this backend */
	url(path: string): string;
}

export interface Probe {
	name: string;
	run(ctx: ProbeContext): Promise<Record<string, unknown>>;
}

/**
 * The pages' test hooks (src/lib/runtime/test-hooks.ts), which bench contexts ask for with an
 * init script (scripts/bench.ts).
 */
export interface BenchHooks {
	runtime: {
		numTensors(): number;
		backend(): string;
		/** the lab worker's state (src/lib/runtime/worker), null before its first task */
		worker(): Promise<{ numTensors: number } | null>;
	};
	privacy?: {
		measureSigmaSolve(targets: number[]): number[];
		measureEpochs(epochs: number): Promise<{
			dpEpochMs: number;
			dpExactEpochMs: number;
			plainEpochMs: number;
			dpRowsPerStep: number;
		}>;
	};
	backdoor?: {
		points: { rate: number; trainMs: number; attackSuccessRate: number; cleanAccuracy: number }[];
	};
	smoothing?: {
		measure(
			sigma: number,
			samples: number
		): Promise<{ certifyMs: number; certifiedCurveMs: number; points: unknown[] }>;
	};
	supplyChain?: {
		checks(): { id: string; report: object | null; verifyMs: number }[];
		/** Neural Cleanse on a hub copy with the lab's settings */
		scan(id: string): Promise<{ ms: number; flagged: number[] }>;
	};
	/** the lesson's trade-off miniatures (src/lib/course/trade-offs/trade-offs-state.svelte.ts) */
	tradeOffs?: {
		measured(): { costs: unknown[]; ms: { costs?: number } };
	};
	inversion?: {
		/** the white-box gallery: all ten classes batched, `steps` steps, patience and goal 0 */
		measureGallery(
			model: string,
			steps: number
		): Promise<{ ms: number; attackAccuracy: number; framesPerSecond: number }>;
	};
}

export const HOOKS_INIT = () => {
	(globalThis as unknown as { __aiLabHooks: object }).__aiLabHooks = {};
};

const numTensors = (page: Page) =>
	page.evaluate(() =>
		(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.runtime.numTensors()
	);

const COLD_RUNS = 3;
const INTERACTIONS = 50;

export const coldStart: Probe = {
	name: 'coldStart',
	async run({ coldPage }) {
		const runs: number[] = [];
		for (let i = 0; i < COLD_RUNS; i++) {
			// Each run in a new browser context: nothing cached, as for a first-time visitor.
			const { page, close } = await coldPage('');
			await page.getByTestId('prediction').waitFor({ timeout: 120_000 });
			await page.waitForFunction(() => performance.getEntriesByName('first-prediction').length > 0);
			runs.push(
				await page.evaluate(() => performance.getEntriesByName('first-prediction')[0].startTime)
			);
			await close();
		}
		const sorted = [...runs].sort((a, b) => a - b);
		return {
			coldStartMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
			coldStartRunsMs: runs.map(Math.round)
		};
	}
};

export const leaks: Probe = {
	name: 'leaks',
	async run({ page, open }) {
		await open('');
		const prediction = page.getByTestId('prediction');
		await prediction.waitFor();
		const before = await numTensors(page);
		const button = page.getByRole('button', { name: 'Another digit' });
		for (let i = 0; i < INTERACTIONS; i++) {
			await button.click();
			await prediction.waitFor();
		}
		const after = await numTensors(page);
		return { homeLeakedTensors: after - before, homeInteractions: INTERACTIONS };
	}
};

const SLIDER_MOVES = 500;

export function percentile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The adversarial lab's eps slider, driven by the keyboard like a learner would: each arrow key
 * is an input event, and a script the bench adds to the page (not the app's code) times each one
 * to the DOM update of the adversarial digit it produced (its aria-label carries the eps).
 * FGSM on mnist-cnn, one digit.
 */
export const fgsmSlider: Probe = {
	name: 'fgsmSlider',
	async run(ctx) {
		const plain = await sliderMoves(ctx, 'labs/adversarial/');
		// the same in presenter view (224 px digits, large type): what a lecture hall sees
		const present = await sliderMoves(ctx, 'labs/adversarial/?present');
		return {
			fgsmUpdateMs: plain.fgsmUpdateMs,
			fgsmUpdatePresentMs: present.fgsmUpdateMs,
			sliderLeakedTensors: Math.max(plain.sliderLeakedTensors, present.sliderLeakedTensors)
		};
	}
};

async function sliderMoves({ page, open }: ProbeContext, path: string) {
	await open(path);
	await page.getByTestId('prediction-after').waitFor({ timeout: 120_000 });
	await page.evaluate(() => {
		const times: number[] = [];
		(globalThis as unknown as { __sliderTimes: number[] }).__sliderTimes = times;
		let pressed: number | null = null;
		document.addEventListener(
			'input',
			(event) => {
				if ((event.target as HTMLInputElement).type === 'range') pressed = performance.now();
			},
			true
		);
		new MutationObserver((mutations) => {
			if (pressed === null) return;
			const updated = mutations.some((m) =>
				(m.target as Element).getAttribute?.('aria-label')?.startsWith('adversarial digit at eps')
			);
			if (!updated) return;
			times.push(performance.now() - pressed);
			pressed = null;
		}).observe(document.body, {
			subtree: true,
			attributes: true,
			attributeFilter: ['aria-label']
		});
	});
	const slider = page.getByRole('slider');
	await slider.focus();
	const count = () =>
		page.evaluate(
			() => (globalThis as unknown as { __sliderTimes: number[] }).__sliderTimes.length
		);
	// warm up: the first moves compile shaders / kernels
	for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
	await page.waitForTimeout(300);
	const before = await numTensors(page);
	const start = await count();
	for (let i = 0; i < SLIDER_MOVES; i++) {
		// sweep eps up and down between 0.15 and 0.4 in 0.005 steps
		await page.keyboard.press(Math.floor(i / 50) % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
		await page.waitForFunction(
			(n) => (globalThis as unknown as { __sliderTimes: number[] }).__sliderTimes.length > n,
			start + i
		);
	}
	await page.waitForTimeout(300);
	const times = await page.evaluate(
		(n) => (globalThis as unknown as { __sliderTimes: number[] }).__sliderTimes.slice(-n),
		SLIDER_MOVES
	);
	const after = await numTensors(page);
	return {
		fgsmUpdateMs: {
			p50: round2(percentile(times, 0.5)),
			p95: round2(percentile(times, 0.95)),
			moves: times.length
		},
		sliderLeakedTensors: after - before
	};
}

/** One robustness curve as the page runs it: 1,000 digits x 21 eps, FGSM, mnist-cnn. */
export const robustnessCurve: Probe = {
	name: 'robustnessCurve',
	async run({ page, open, backend }) {
		if (backend === 'cpu')
			return { robustnessCurveMs: null, robustnessCurveNote: 'skipped on CPU: minutes per curve' };
		await open('labs/adversarial/');
		await page.getByTestId('prediction-after').waitFor({ timeout: 120_000 });
		await page.getByLabel('Digits to attack', { exact: true }).fill('1000');
		await page.getByRole('button', { name: 'Run curves' }).click();
		const cnn = page.getByTestId('cnn-curve-ms');
		await cnn.waitFor({ timeout: 600_000 });
		const text = (await cnn.textContent()) ?? '';
		await page.getByTestId('curve-status').getByText('done').waitFor({ timeout: 600_000 });
		return { robustnessCurveMs: Number(/(\d+) ms/.exec(text)?.[1]) };
	}
};

/**
 * A 10-step PGD curve as the page runs it (random start, 2.5 eps / steps), 1,000 digits x 21 eps,
 * mnist-cnn: the page's robustness run, timed by the page for the mnist-cnn series; the rest of
 * the run (the other models) is cancelled. Not run on CPU (many minutes).
 */
export const pgdCurve: Probe = {
	name: 'pgdCurve',
	async run({ page, open, backend }) {
		if (backend !== 'wasm') return { pgdCurveMs: null, pgdCurveNote: 'measured on WASM only' };
		await open('labs/adversarial/?attack=pgd&randomStart=1&samples=1000');
		await page.getByTestId('prediction-after').waitFor({ timeout: 120_000 });
		const watch = await watchLongTasks(page);
		await page.getByRole('button', { name: 'Run curves' }).click();
		const cnn = page.getByTestId('cnn-curve-ms');
		await cnn.waitFor({ timeout: 900_000 });
		const text = (await cnn.textContent()) ?? '';
		const tasks = await watch.stop();
		await page.getByRole('button', { name: 'Cancel' }).click();
		return {
			pgdCurveMs: Number(/(\d+) ms/.exec(text)?.[1]),
			...longTaskFigures('Adversarial', tasks)
		};
	}
};

/**
 * DP-SGD against plain SGD, per epoch, in the privacy page (its bench hook): the same
 * MLP, data and batch size (50), after a warm-up epoch of each, 3 interleaved rounds of 5 epochs,
 * compute time only (yields excluded). Digits: [784, 64, 10] on 1,000 training digits; fraud:
 * [10, 32, 16, 1] on 500 transactions. dpEpochMs is DP-SGD as the lab trains it (Poisson lots,
 * padded to a multiple of 16 on WebGL: dpRowsPerStep rows per step against 50); dpExactEpochMs is DP-SGD on
 * the plain run's exact shuffled batches, the cost of clipping and noise alone. The timings run
 * where the lab trains (its worker); longestTaskMsPrivacy[Fraud] is the page's main thread during
 * one training at the page's defaults (the baseline, then DP-SGD).
 */
export const dpEpoch: Probe = {
	name: 'dpEpoch',
	async run({ page, open }) {
		const out: Record<string, unknown> = {};
		for (const dataset of ['mnist', 'fraud'] as const) {
			await open('labs/privacy/');
			// hydrated, and the backend started (the Train button waits for it)
			await page.waitForFunction(
				() =>
					(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.privacy !==
						undefined &&
					!document.querySelector<HTMLButtonElement>('[data-testid="train-button"]')?.disabled
			);
			await page.getByLabel('Data and model').selectOption(dataset);
			const times = await page.evaluate(() =>
				(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.privacy!.measureEpochs(
					5
				)
			);
			const suffix = dataset === 'mnist' ? '' : 'Fraud';
			// the page's own training at its defaults (baseline, then DP-SGD), watched for long tasks
			const watch = await watchLongTasks(page);
			await page.getByTestId('train-button').click();
			await page.getByTestId('train-status').getByText('done').waitFor({ timeout: 600_000 });
			Object.assign(out, longTaskFigures(`Privacy${suffix}`, await watch.stop()));
			out[`dpEpochMs${suffix}`] = round2(times.dpEpochMs);
			out[`plainEpochMs${suffix}`] = round2(times.plainEpochMs);
			out[`dpEpochRatio${suffix}`] = round2(times.dpEpochMs / times.plainEpochMs);
			out[`dpExactEpochMs${suffix}`] = round2(times.dpExactEpochMs);
			out[`dpRowsPerStep${suffix}`] = round2(times.dpRowsPerStep);
		}
		return out;
	}
};

/**
 * The poisoning lab's sweep as the page runs it: 11 flip rates x 5 seeds, logistic regression,
 * 20,000 training transactions, targeted flips, no defence: 55 models in one batched fit.
 */
export const poisonSweep: Probe = {
	name: 'poisonSweep',
	async run({ page, open }) {
		await open('labs/poisoning/?attack=targeted&model=logreg&rate=0');
		await page
			.getByTestId('train-status')
			.getByText('labels flipped')
			.waitFor({ timeout: 120_000 });
		const watch = await watchLongTasks(page);
		await page.getByRole('button', { name: 'Run sweep' }).click();
		const ms = page.getByTestId('sweep-ms');
		await ms.waitFor({ timeout: 300_000 });
		const text = (await ms.textContent()) ?? '';
		return {
			poisonSweepMs: Number(/(\d+) ms/.exec(text)?.[1]),
			...longTaskFigures('Poisoning', await watch.stop())
		};
	}
};

/**
 * The extraction lab's fidelity curve as the page runs it: Jacobian-augmented queries against the
 * fraud MLP, 10 points up to 2,000 queries, surrogate retrained at each point. The time covers
 * querying, training and scoring; PRADA's pass over the queries afterwards is not in it.
 */
export const extraction: Probe = {
	name: 'extraction',
	async run({ page, open }) {
		await open('labs/extraction/?victim=fraud-mlp&budget=2000&strategy=jacobian');
		await page.getByTestId('victim-accuracy').getByText('%').waitFor({ timeout: 120_000 });
		const watch = await watchLongTasks(page);
		await page.getByRole('button', { name: 'Steal with Jacobian augmentation' }).click();
		await page.getByTestId('attack-status').getByText('done').waitFor({ timeout: 300_000 });
		const tasks = await watch.stop();
		const text = (await page.getByTestId('run-ms').first().textContent()) ?? '';
		return {
			extractionMs: Number(/(\d+) ms/.exec(text)?.[1]),
			...longTaskFigures('Extraction', tasks)
		};
	}
};

/**
 * The privacy lab's target-epsilon solver (the accountant solved for sigma) on the page's default
 * settings (fraud, batch 50, 30 epochs), for targets from 1 to 10 (0.5 needs more than the
 * slider's sigma 10): `sigmaSolveMs` is the median wall time, `sigmaSolveMaxMs`
 * the slowest (each after one warm-up solve).
 */
export const sigmaSolve: Probe = {
	name: 'sigmaSolve',
	async run({ page, open }) {
		await open('labs/privacy/');
		await page.waitForFunction(
			() =>
				(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.privacy !== undefined
		);
		const ms = await page.evaluate(() => {
			const hook = (globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.privacy!;
			hook.measureSigmaSolve([2]);
			return hook.measureSigmaSolve([1, 1.5, 2, 3, 4, 6, 8, 10]);
		});
		const sorted = [...ms].sort((a, b) => a - b);
		return {
			sigmaSolveMs: round2((sorted[3] + sorted[4]) / 2),
			sigmaSolveMaxMs: round2(sorted.at(-1)!)
		};
	}
};

/**
 * Randomized smoothing in the adversarial lab (its bench hook), sigma 0.5: one certificate of the
 * digit on screen (n0 100 + n 1,000 noisy copies: `certifyMs`) and the certified-accuracy curve
 * over 500 held-out digits (`certifiedCurveMs`).
 */
export const smoothing: Probe = {
	name: 'smoothing',
	async run({ page, open, backend }) {
		await open('labs/adversarial/');
		await page.waitForFunction(
			(name) => {
				const hooks = (globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks;
				return hooks.smoothing !== undefined && hooks.runtime?.backend() === name;
			},
			backend,
			{ timeout: 120_000 }
		);
		await page.getByTestId('prediction-after').getByText('predicted').waitFor({ timeout: 120_000 });
		const r = await page.evaluate(() =>
			(globalThis as unknown as { __aiLabHooks: BenchHooks }).__aiLabHooks.smoothing!.measure(
				0.5,
				500
			)
		);
		return { certifyMs: Math.round(r.certifyMs), certifiedCurveMs: Math.round(r.certifiedCurveMs) };
	}
};

export const PROBES: Probe[] = [
	coldStart,
	leaks,
	fgsmSlider,
	robustnessCurve,
	backdoorTrain,
	poisonSweep,
	dpEpoch,
	sigmaSolve,
	extraction,
	inversionGallery,
	supplyChain,
	smoothing,
	defenceCosts,
	pgdCurve,
	sceneSwitch,
	shelfAndCompare,
	offlineColdStart
];
