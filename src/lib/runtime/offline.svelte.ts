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

export const offline = new Offline();
