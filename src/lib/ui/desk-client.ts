/**
 * The page's handle on the desk. Every call goes to the desk worker by message and comes
 * back as a promise; errors come back as DeskError with the user-facing sentence and code.
 */
import type { Desk } from '$lib/desk/desk';
import { DeskError, type RpcRequest, type RpcResponse } from '$lib/desk/rpc';
import { subscribeChanges, type StoreChange } from '$lib/store/changes';

type AnyFunction = (...args: never[]) => unknown;

/** The desk's methods as the page sees them: the same names, always asynchronous. */
export type RemoteDesk = {
	[K in keyof Desk as Desk[K] extends AnyFunction ? K : never]: Desk[K] extends (...args: infer A) => infer R
		? (...args: A) => Promise<Awaited<R>>
		: never;
};

interface Pending {
	resolve(value: unknown): void;
	reject(error: Error): void;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();
const versionListeners = new Set<(message: string) => void>();

/**
 * Calls back with the sentence to show when another tab opened a newer database version
 * (this page's desk has let go of the database and the page must be reloaded).
 * @returns the unsubscribe function
 */
export function onReloadNeeded(callback: (message: string) => void): () => void {
	versionListeners.add(callback);
	return () => {
		versionListeners.delete(callback);
	};
}

function connect(): Worker {
	if (worker) return worker;
	const started = new Worker(new URL('../desk/worker.ts', import.meta.url), { type: 'module', name: 'sealdesk-desk' });
	started.addEventListener('message', (event: MessageEvent<RpcResponse>) => {
		const response = event.data;
		if (response.kind === 'version-change') {
			for (const listener of versionListeners) listener(response.message);
			return;
		}
		const call = pending.get(response.id);
		if (!call) return;
		if (response.kind === 'progress') return;
		pending.delete(response.id);
		if (response.kind === 'result') call.resolve(response.value);
		else call.reject(new DeskError(response.error));
	});
	started.addEventListener('error', (event) => {
		const failure = new Error(`The desk stopped: ${event.message || 'the worker failed to start.'}`);
		for (const call of pending.values()) call.reject(failure);
		pending.clear();
		worker = null;
	});
	worker = started;
	return started;
}

function call(method: string, args: unknown[]): Promise<unknown> {
	const id = nextId++;
	const request: RpcRequest = { id, method, args };
	return new Promise((resolve, reject) => {
		pending.set(id, { resolve, reject });
		connect().postMessage(request);
	});
}

/** The desk, hosted in its worker. Call any Desk method by name: `await desk.listCertificates()`. */
export const desk = new Proxy({} as RemoteDesk, {
	get: (_target, method) => {
		if (typeof method !== 'string' || method === 'then') return undefined;
		return (...args: unknown[]) => call(method, args);
	}
});

/**
 * Calls back whenever this or another tab changed the store (the desk announces every
 * committed change on the 'sealdesk' BroadcastChannel). Returns the unsubscribe function.
 */
export function deskChanges(callback: (change: StoreChange) => void): () => void {
	return subscribeChanges(callback);
}
