/**
 * Registers the service worker and tracks whether a newer version is waiting.
 * A new version never takes over by itself: the agent may be composing a reply, so the
 * shell offers "Reload" and only then tells the waiting worker to activate.
 */
export class ServiceWorkerState {
	/** A newer version is installed and waits for the agent to reload. */
	updateAvailable = $state(false);
	/** The page is controlled by a service worker (works offline). */
	controlled = $state(false);
	#waiting: ServiceWorker | null = null;

	/** Registers `/service-worker.js`; does nothing where service workers are unavailable. */
	async register(url: string, type: WorkerType): Promise<void> {
		if (!('serviceWorker' in navigator)) return;
		const container = navigator.serviceWorker;
		this.controlled = container.controller !== null;
		container.addEventListener('controllerchange', () => {
			if (this.controlled) {
				window.location.reload();
			}
			this.controlled = true;
		});
		const registration = await container.register(url, { type });
		if (registration.waiting && container.controller) this.#offer(registration.waiting);
		registration.addEventListener('updatefound', () => {
			const installing = registration.installing;
			if (!installing) return;
			installing.addEventListener('statechange', () => {
				if (installing.state === 'installed' && container.controller) this.#offer(installing);
			});
		});
	}

	/** Activates the waiting version; the page reloads when it takes control. */
	reload(): void {
		if (this.#waiting) this.#waiting.postMessage({ type: 'SKIP_WAITING' });
		else window.location.reload();
	}

	#offer(worker: ServiceWorker): void {
		this.#waiting = worker;
		this.updateAvailable = true;
	}
}
