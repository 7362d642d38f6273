/// <reference lib="webworker" />
/**
 * The dedicated Worker that hosts the desk for the UI. Large messages are verified,
 * decrypted and built here, so the page stays responsive, and the sealed RSA keys of the
 * legacy path are only ever opened in this worker.
 */
import { openDesk, type Desk } from './desk';
import { RELOAD_NEEDED, handedOver, toRpcError, type RpcRequest, type RpcResponse } from './rpc';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let opened: Promise<Desk> | null = null;

function post(response: RpcResponse, transfer: Transferable[] = []): void {
	scope.postMessage(response, transfer);
}

/** Runs one call by name; only the desk's own methods can be called. */
async function run(request: RpcRequest): Promise<unknown> {
	// A newer version in another tab closes this connection rather than wait for it; the page asks for a reload.
	opened ??= openDesk({
		onVersionChange: () => {
			post({ id: 0, kind: 'version-change', message: RELOAD_NEEDED });
		}
	});
	const desk = await opened;
	const member: unknown = (desk as unknown as Record<string, unknown>)[request.method];
	if (typeof member !== 'function' || request.method.startsWith('_') || request.method === 'constructor') {
		throw new Error(`Unknown desk operation "${request.method}".`);
	}
	return (member as (...args: unknown[]) => unknown).apply(desk, request.args);
}

scope.addEventListener('message', (event: MessageEvent<RpcRequest>) => {
	const request = event.data;
	run(request).then(
		(value) => {
			post({ id: request.id, kind: 'result', value }, handedOver(request.method, value));
		},
		(error: unknown) => {
			post({ id: request.id, kind: 'error', error: toRpcError(error) });
		}
	);
});
