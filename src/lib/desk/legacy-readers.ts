/**
 * Where the desk runs node-forge's slow legacy readers (PKCS#12, PKCS#12 PBE): in a worker of
 * their own when the platform has workers (the desk worker in the app), so an import whose key
 * derivations take seconds does not stop every other desk call; in this thread otherwise
 * (Node tests), or when that worker cannot start.
 */
import { inProcessLegacyReaders, type LegacyReaders } from '../pki/read';
import type { Pkcs12Result } from '../legacy/pkcs12';
import type { PbeResult } from '../legacy/pbe';

/** A request to the legacy worker. */
export interface LegacyRequest {
	op: 'pkcs12' | 'pbe';
	der: Uint8Array;
	passphrase: string;
}

/** The legacy worker's answer. */
export type LegacyResponse = { op: 'pkcs12'; result: Pkcs12Result } | { op: 'pbe'; result: PbeResult };

/** Sentinel: the worker could not run the request (it failed to start); run it here instead. */
const UNAVAILABLE = Symbol('legacy worker unavailable');

function inWorker(request: LegacyRequest): Promise<LegacyResponse | typeof UNAVAILABLE> {
	return new Promise((resolve) => {
		let worker: Worker;
		try {
			worker = new Worker(new URL('./legacy-worker.ts', import.meta.url), { type: 'module', name: 'sealdesk-legacy' });
		} catch {
			resolve(UNAVAILABLE);
			return;
		}
		worker.addEventListener('message', (event: MessageEvent<LegacyResponse>) => {
			worker.terminate();
			resolve(event.data);
		});
		worker.addEventListener('error', (event) => {
			event.preventDefault();
			worker.terminate();
			resolve(UNAVAILABLE);
		});
		// The input is copied: the caller keeps its bytes (it zeroes them after the import).
		worker.postMessage(request);
	});
}

/** Legacy readers that run each call in a fresh worker, falling back to this thread. */
const workerLegacyReaders: LegacyReaders = {
	async readPkcs12(der, passphrase) {
		const response = await inWorker({ op: 'pkcs12', der, passphrase });
		if (response !== UNAVAILABLE && response.op === 'pkcs12') return response.result;
		return inProcessLegacyReaders.readPkcs12(der, passphrase);
	},
	async decryptLegacyPkcs8(der, passphrase) {
		const response = await inWorker({ op: 'pbe', der, passphrase });
		if (response !== UNAVAILABLE && response.op === 'pbe') return response.result;
		return inProcessLegacyReaders.decryptLegacyPkcs8(der, passphrase);
	}
};

/** The readers for this platform: a worker of their own where there are workers. */
export function defaultLegacyReaders(): LegacyReaders {
	return typeof Worker === 'function' ? workerLegacyReaders : inProcessLegacyReaders;
}
