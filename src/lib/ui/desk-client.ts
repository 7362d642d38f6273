/**
 * The page's handle on the desk. Every call goes to the desk worker by message and comes
 * back as a promise; errors come back as DeskError with the user-facing sentence, code and
 * causes. The worker also pushes two notices: the mailbox sync's progress, and that another
 * tab upgraded the database.
 */
import { DeskError, type PageMethod, type RemoteDesk, type RpcRequest, type RpcResponse } from '$lib/desk/rpc';
import type { SyncProgress } from '$lib/desk/mailbox-sync';
import { subscribeChanges, type StoreChange } from '$lib/store/changes';

export type { RemoteDesk } from '$lib/desk/rpc';

/** What the client needs of the worker (a MessagePort stands in for it in tests). */
export interface DeskPort {
	postMessage(message: RpcRequest): void;
	addEventListener(type: 'message', listener: (event: MessageEvent<RpcResponse>) => void): void;
	addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

interface Pending {
	resolve(value: unknown): void;
	reject(error: Error): void;
}

/** One connection to a desk worker, started on the first call and again after the worker failed. */
export class DeskClient {
	/** The desk's callable methods, by name: `await client.desk.listCertificates()`. */
	readonly desk: RemoteDesk;
	readonly #start: () => DeskPort;
	#port: DeskPort | null = null;
	#nextId = 1;
	readonly #pending = new Map<number, Pending>();
	readonly #reloadListeners = new Set<(message: string) => void>();
	readonly #progressListeners = new Set<(progress: SyncProgress[]) => void>();

	/** @param start - starts the worker (called on the first call, and on the next call after it failed) */
	constructor(start: () => DeskPort) {
		this.#start = start;
		this.desk = new Proxy({} as RemoteDesk, {
			get: (_target, method) => {
				// Not a thenable: `await client.desk` must not call the worker.
				if (typeof method !== 'string' || method === 'then') return undefined;
				return (...args: unknown[]) => this.#call(method as PageMethod, args);
			}
		});
	}

	/**
	 * Calls back with the sentence to show when another tab opened a newer database version
	 * (this page's desk has let go of the database and the page must be reloaded).
	 * @returns the unsubscribe function
	 */
	onReloadNeeded(callback: (message: string) => void): () => void {
		this.#reloadListeners.add(callback);
		return () => {
			this.#reloadListeners.delete(callback);
		};
	}

	/**
	 * Calls back with the progress of the mailbox syncs running in this page's desk each time it
	 * moves, and with the remaining ones (often none) when a sync ends.
	 * @returns the unsubscribe function
	 */
	onMailboxProgress(callback: (progress: SyncProgress[]) => void): () => void {
		this.#progressListeners.add(callback);
		return () => {
			this.#progressListeners.delete(callback);
		};
	}

	#receive(response: RpcResponse): void {
		if (response.kind === 'version-change') {
			for (const listener of this.#reloadListeners) listener(response.message);
			return;
		}
		if (response.kind === 'progress') {
			for (const listener of this.#progressListeners) listener(response.progress);
			return;
		}
		const call = this.#pending.get(response.id);
		if (!call) return;
		this.#pending.delete(response.id);
		if (response.kind === 'result') call.resolve(response.value);
		else call.reject(new DeskError(response.error));
	}

	#connect(): DeskPort {
		if (this.#port) return this.#port;
		const started = this.#start();
		started.addEventListener('message', (event) => {
			this.#receive(event.data);
		});
		started.addEventListener('error', (event) => {
			const failure = new Error(`The desk stopped: ${event.message || 'the worker failed to start.'}`);
			for (const call of this.#pending.values()) call.reject(failure);
			this.#pending.clear();
			this.#port = null;
		});
		this.#port = started;
		return started;
	}

	#call(method: PageMethod, args: unknown[]): Promise<unknown> {
		const id = this.#nextId++;
		const request = { id, method, args } as RpcRequest;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			this.#connect().postMessage(request);
		});
	}
}

const client = new DeskClient(() => new Worker(new URL('../desk/worker.ts', import.meta.url), { type: 'module', name: 'sealdesk-desk' }));

/** The desk, hosted in its worker. Call any page-callable Desk method by name: `await desk.listCertificates()`. */
export const desk: RemoteDesk = client.desk;

/** See {@link DeskClient.onReloadNeeded}. */
export function onReloadNeeded(callback: (message: string) => void): () => void {
	return client.onReloadNeeded(callback);
}

/** See {@link DeskClient.onMailboxProgress}. */
export function onMailboxProgress(callback: (progress: SyncProgress[]) => void): () => void {
	return client.onMailboxProgress(callback);
}

/**
 * Calls back whenever this or another tab changed the store (the desk announces every
 * committed change on the 'sealdesk' BroadcastChannel). Returns the unsubscribe function.
 */
export function deskChanges(callback: (change: StoreChange) => void): () => void {
	return subscribeChanges(callback);
}
