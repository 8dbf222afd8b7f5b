import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameClock } from '../../src/lib/ml/inversion/mi-face';

afterEach(() => vi.restoreAllMocks());

describe('frameClock: the live images of an inversion', () => {
	it('holds 20 frames a second with 8 ms steps, where "50 ms since the last" gives fewer than 18', () => {
		let now = 0;
		vi.spyOn(performance, 'now').mockImplementation(() => now);
		const due = frameClock(50);
		let frames = 0;
		for (; now < 10_000; now += 8) if (due()) frames++;
		expect(frames).toBe(200);
	});

	it('after a stall restarts its cadence instead of sending a burst of frames', () => {
		let now = 0;
		vi.spyOn(performance, 'now').mockImplementation(() => now);
		const due = frameClock(50);
		expect(due()).toBe(true);
		now = 500;
		expect(due()).toBe(true);
		now = 510;
		expect(due()).toBe(false);
		now = 550;
		expect(due()).toBe(true);
	});
});
