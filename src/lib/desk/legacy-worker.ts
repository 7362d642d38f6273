/// <reference lib="webworker" />
/**
 * A worker of its own for node-forge's PKCS#12 and PKCS#12 PBE readers, started by the desk
 * worker for one import and ended after it: their key derivations are synchronous and can take
 * seconds at high (allowed) iteration counts, and here they do not stop the desk from answering.
 * The plaintext keys it returns are moved, not copied, and the worker's memory goes with it.
 */
import { readPkcs12 } from '../legacy/pkcs12';
import { decryptLegacyPkcs8 } from '../legacy/pbe';
import type { LegacyRequest, LegacyResponse } from './legacy-readers';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function plainCause(result: { cause?: unknown }): void {
	// Errors from forge are not all cloneable; the message is what the import keeps.
	if ('cause' in result && result.cause !== undefined) result.cause = result.cause instanceof Error ? result.cause.message : 'The legacy reader failed.';
}

scope.addEventListener('message', (event: MessageEvent<LegacyRequest>) => {
	const { op, der, passphrase } = event.data;
	let response: LegacyResponse;
	const transfer: Transferable[] = [];
	if (op === 'pkcs12') {
		const result = readPkcs12(der, passphrase);
		if (result.ok) for (const bytes of [...result.contents.certificates, ...result.contents.privateKeys]) transfer.push(bytes.buffer);
		else plainCause(result as { cause?: unknown });
		response = { op, result };
	} else {
		const result = decryptLegacyPkcs8(der, passphrase);
		if (result.ok) transfer.push(result.pkcs8.buffer);
		else plainCause(result as { cause?: unknown });
		response = { op, result };
	}
	scope.postMessage(response, transfer);
});
