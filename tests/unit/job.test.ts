import { describe, expect, it, vi } from 'vitest';

// The runtime's backend-change subscription, driven by hand.
const listeners = new Set<(reason: string) => void>();
vi.mock('$lib/runtime/lab-runtime.svelte', () => ({
	runtime: {
		onBackendChange(listener: (reason: string) => void) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		}
	}
}));

const { Job } = await import('../../src/lib/labs/job.svelte');

/** A promise and its resolve, to hold work open. */
function gate() {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { opened, open };
}

describe('the job runner', () => {
	it('exclusive: a second start while one runs is refused; progress and status belong to the run', async () => {
		const job = new Job();
		const g = gate();
		const first = job.run(
			'a',
			async (ctx) => {
				ctx.progress(0.5);
				ctx.status('half way');
				await g.opened;
			},
			{ done: 'done' }
		);
		expect(job.running).toBe('a');
		expect(job.progress).toBe(0.5);
		expect(await job.run('b', async () => {})).toBe(false);
		g.open();
		expect(await first).toBe(true);
		expect(job.running).toBeNull();
		expect(job.status).toBe('done');
	});

	it('restart: a new start cancels the running one, whose late writes are ignored', async () => {
		const job = new Job({ policy: 'restart' });
		const g = gate();
		let firstSignal: AbortSignal | null = null;
		const first = job.run('a', async (ctx) => {
			firstSignal = ctx.signal;
			await g.opened;
			ctx.status('stale');
			expect(ctx.current).toBe(false);
		});
		const second = job.run('b', async (ctx) => ctx.status('fresh'));
		expect(firstSignal!.aborted).toBe(true);
		expect(await second).toBe(true);
		g.open();
		expect(await first).toBe(false);
		expect(job.status).toBe('fresh');
	});

	it('cancel frees the panel at once, even when the work never settles', async () => {
		const job = new Job({ cancelled: 'cancelled here' });
		void job.run('stuck', () => new Promise<void>(() => {}));
		expect(job.running).toBe('stuck');
		job.cancel();
		expect(job.running).toBeNull();
		expect(job.status).toBe('cancelled here');
		expect(await job.run('next', async () => {})).toBe(true);
	});

	it('an error is kept for the page; an abort is a cancel, not an error', async () => {
		const job = new Job();
		expect(
			await job.run('x', async () => {
				throw new Error('boom');
			})
		).toBe(false);
		expect(job.error).toBe('boom');
		expect(
			await job.run('y', async () => {
				throw new DOMException('The operation was cancelled', 'AbortError');
			})
		).toBe(false);
		expect(job.error).toBeNull();
		expect(job.status).toBe('cancelled; finished results stay');
	});

	it('a backend change stops the running job with the reason; destroy unsubscribes', async () => {
		const job = new Job();
		void job.run('long', () => new Promise<void>(() => {}));
		for (const l of listeners) l('the GPU context was lost');
		expect(job.running).toBeNull();
		expect(job.status).toMatch(/^stopped: the GPU context was lost; press the button again/);
		const before = listeners.size;
		job.destroy();
		expect(listeners.size).toBe(before - 1);
		expect(await job.run('after', async () => {})).toBe(false);
	});
});
