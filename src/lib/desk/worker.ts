/// <reference lib="webworker" />
/**
 * The dedicated Worker that hosts the desk for the UI. Large messages are verified,
 * decrypted and built here, so the page stays responsive, and the sealed RSA keys of the
 * legacy path are only ever opened in this worker. What the page may call, and how results,
 * errors and progress cross, is rpc.ts.
 */
import 'reflect-metadata';
import { openDesk } from './desk';
import { RELOAD_NEEDED, serveDesk, type RpcEndpoint, type RpcResponse } from './rpc';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const endpoint: RpcEndpoint = {
	postMessage: (message: RpcResponse, transfer: Transferable[]) => {
		scope.postMessage(message, transfer);
	},
	addEventListener: (type, listener) => {
		scope.addEventListener(type, listener);
	}
};

serveDesk(endpoint, () =>
	openDesk({
		// A newer version in another tab closes this connection rather than wait for it; the page asks for a reload.
		onVersionChange: () => {
			endpoint.postMessage({ id: 0, kind: 'version-change', message: RELOAD_NEEDED }, []);
		},
		// The initial sync's "n of N", pushed as it moves rather than polled by the page.
		onMailboxProgress: (progress) => {
			endpoint.postMessage({ id: 0, kind: 'progress', progress }, []);
		}
	})
);
