/// <reference lib="webworker" />
/**
 * The dedicated Worker that hosts the desk for the UI. Large messages are verified,
 * decrypted and built here, so the page stays responsive, and the sealed RSA keys of the
 * legacy path are only ever opened in this worker. What the page may call, and how results,
 * errors and notices cross, is rpc.ts.
 */
import { openDesk } from './desk';
import { serveDesk } from './rpc';

const scope = self as unknown as DedicatedWorkerGlobalScope;

serveDesk(
	{
		postMessage: (message, transfer) => {
			scope.postMessage(message, transfer);
		},
		addEventListener: (type, listener) => {
			scope.addEventListener(type, listener);
		}
	},
	(notices) => openDesk(notices)
);
