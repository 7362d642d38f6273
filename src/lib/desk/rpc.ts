/**
 * The message protocol between the page and the desk worker. The desk runs in a
 * dedicated Worker so that large messages never block the page; the page calls it by
 * method name and gets a promise back.
 */

/** A call from the page to the worker. */
export interface RpcRequest {
	id: number;
	method: string;
	args: unknown[];
}

/** What a thrown error becomes on the way back: its message is the user-facing sentence. */
export interface RpcError {
	name: string;
	message: string;
	code?: string;
}

/** The worker's answer to one call, or progress on it. */
export type RpcResponse =
	| { id: number; kind: 'result'; value: unknown }
	| { id: number; kind: 'error'; error: RpcError }
	| { id: number; kind: 'progress'; progress: Progress }
	| { id: 0; kind: 'version-change'; message: string };

/** What a page is told when another tab upgraded the database and this tab's connection was closed. */
export const RELOAD_NEEDED = 'Sealdesk was updated in another tab. Reload this page to continue.';

/** Progress of a long operation, such as decrypting a large attachment. */
export interface Progress {
	stage: string;
	done: number;
	total: number;
}

/** An Error rebuilt in the page from the worker's RpcError, keeping its code. */
export class DeskError extends Error {
	readonly code: string | undefined;

	constructor(error: RpcError) {
		super(error.message);
		this.name = error.name;
		this.code = error.code;
	}
}

/** Turns anything thrown into an RpcError that survives structured cloning. */
export function toRpcError(error: unknown): RpcError {
	if (error instanceof Error) {
		const code = (error as { code?: unknown }).code;
		return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
	}
	return { name: 'Error', message: String(error) };
}

/**
 * The large byte arrays a result hands over to the page: moved (transferred), not copied. Each
 * one's whole buffer belongs to it alone and the worker keeps no reference to it: the built
 * message (a view into the buffer it was written in, with at most a little spare room after it)
 * once stored, or bytes just read from the store. For a 25 MB message that saves a copy and its
 * memory.
 */
const HANDED_OVER = new Map<string, (value: unknown) => unknown>([
	['compose', (value) => (value as { raw?: unknown } | null)?.raw],
	['getAttachment', (value) => value],
	['getSectionAttachment', (value) => value],
	['articleRaw', (value) => value]
]);

export function handedOver(method: string, value: unknown): ArrayBuffer[] {
	const bytes = HANDED_OVER.get(method)?.(value);
	return bytes instanceof Uint8Array && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}
