import { describe, expect, it } from 'vitest';
import { pacedYield } from '../../src/lib/ml/yield';

const busy = (ms: number) => {
	const end = performance.now() + ms;
	while (performance.now() < end);
};

describe('pacedYield', () => {
	it('runs short chunks back to back and yields to the event loop once the budget is spent', async () => {
		const pace = pacedYield(20);
		let timerRan = false;
		setTimeout(() => (timerRan = true), 0);
		expect(await pace.due()).toBe(0);
		expect(timerRan).toBe(false);
		busy(25);
		const paused = await pace.due();
		expect(timerRan).toBe(true);
		expect(paused).toBeGreaterThan(0);
		// the budget starts again after a yield
		expect(await pace.due()).toBe(0);
	});
});
