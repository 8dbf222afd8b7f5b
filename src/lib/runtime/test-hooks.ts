/**
 * The one door for the browser tests and the bench into a running page. They set
 * `globalThis.__aiLabHooks = {}` before the page's scripts run (Playwright's addInitScript; see
 * tests/e2e/fixtures.ts and scripts/bench/probes.ts), and the app then registers here what they
 * may read: `runtime` (backend, tensor count, context loss), and a lab's state under its id. In an
 * ordinary visit the object does not exist and nothing is exposed.
 */

type Hooks = Record<string, unknown>;

function registry(): Hooks | undefined {
	return (globalThis as unknown as { __aiLabHooks?: Hooks }).__aiLabHooks;
}

/** Makes `value` readable as __aiLabHooks[name] when a test or the bench asked for hooks. */
export function registerTestHook(name: string, value: unknown): () => void {
	const hooks = registry();
	if (!hooks) return () => {};
	hooks[name] = value;
	return () => {
		if (hooks[name] === value) delete hooks[name];
	};
}
