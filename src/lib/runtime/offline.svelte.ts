/**
 * Registers the service worker (src/service-worker.ts) and says when a new version is waiting.
 * The switch to it happens only when the learner asks (apply()), which reloads the page: never by
 * itself in the middle of a lab.
 */
import { dev } from '$app/environment';
import { base } from '$app/paths';

class Offline {
	/** a new version has installed and waits for a reload */
	updateWaiting = $state(false);
	/** the site is cached for use without a network */
	ready = $state(false);
	#registration: ServiceWorkerRegistration | null = null;

	async register() {
		if (dev || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
		// Installing caches the whole site (a few MB); on a first visit that would compete with the
		// page's own first model and prediction, so it waits (afterLoadAndIdle).
		await afterLoadAndIdle();
		try {
			const registration = await navigator.serviceWorker.register(`${base}/service-worker.js`, {
				type: dev ? 'module' : 'classic'
			});
			this.#registration = registration;
			if (registration.waiting && navigator.serviceWorker.controller) this.updateWaiting = true;
			registration.addEventListener('updatefound', () => {
				const installing = registration.installing;
				installing?.addEventListener('statechange', () => {
					if (installing.state !== 'installed') return;
					if (navigator.serviceWorker.controller) this.updateWaiting = true;
					else this.ready = true;
				});
			});
			await navigator.serviceWorker.ready;
			this.ready = true;
		} catch {
			// no offline copy (a private window, say); the site works online as before
		}
	}

	/** Switches to the waiting version and reloads. */
	apply() {
		const waiting = this.#registration?.waiting;
		if (!waiting) return;
		navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), {
			once: true
		});
		waiting.postMessage('skip-waiting');
	}
}

/**
 * Resolves a few seconds after the page has loaded, when the browser is idle: long enough for the
 * page's model and first prediction (about a second on a 2-core machine), so a first visit is not
 * slowed by the offline copy being fetched beside it.
 */
function afterLoadAndIdle(): Promise<void> {
	return new Promise((resolve) => {
		const idle = () =>
			setTimeout(() => {
				if ('requestIdleCallback' in window)
					requestIdleCallback(() => resolve(), { timeout: 5000 });
				else resolve();
			}, 3000);
		if (document.readyState === 'complete') idle();
		else window.addEventListener('load', idle, { once: true });
	});
}

export const offline = new Offline();
