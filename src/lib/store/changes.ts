/**
 * The change feed: tells other tabs (and the page hosting the desk worker) which stores
 * changed, over BroadcastChannel('sealdesk') where the platform has it.
 */

/** What changed. */
export interface StoreChange {
	store: 'certificates' | 'keys' | 'settings' | 'groups' | 'tickets' | 'articles' | 'logs' | 'mailAccounts' | 'mailSync' | 'outbox';
	/** The database name, so tabs on different databases ignore each other. */
	database: string;
}

/** The channel name every tab listens on. */
export const CHANNEL_NAME = 'sealdesk';

/** A publisher of changes; a no-op where BroadcastChannel is missing. */
export class ChangeFeed {
	#channel: BroadcastChannel | null;

	constructor() {
		this.#channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;
		// In Node, an open channel would keep the process alive.
		(this.#channel as { unref?: () => void } | null)?.unref?.();
	}

	/** Announces changes to every other listener on the channel. Never throws. */
	publish(changes: StoreChange[]): void {
		try {
			for (const change of changes) this.#channel?.postMessage(change);
		} catch {
			// A closed channel must not fail a committed action.
		}
	}

	/** Stops publishing. */
	close(): void {
		this.#channel?.close();
		this.#channel = null;
	}
}

/**
 * Listens for changes made by any tab or worker.
 * @returns the unsubscribe function (a no-op where BroadcastChannel is missing)
 */
export function subscribeChanges(callback: (change: StoreChange) => void): () => void {
	if (typeof BroadcastChannel !== 'function') return () => undefined;
	const channel = new BroadcastChannel(CHANNEL_NAME);
	channel.addEventListener('message', (event: MessageEvent<StoreChange>) => {
		callback(event.data);
	});
	return () => {
		channel.close();
	};
}
