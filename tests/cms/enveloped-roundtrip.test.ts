/** Property: whatever we encrypt, for whichever mix of recipients, each recipient gets it back. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { decryptContent, encryptContent, type KeyTransport } from '../../src/lib/cms/enveloped';
import { PKI, pkiCandidate, readPem } from './enveloped-helpers';

const PEOPLE: [string, KeyTransport | undefined][] = [
	['alice', 'rsa-pkcs1'],
	['bob', 'rsa-oaep-sha256'],
	['carol', undefined],
	['erin', undefined],
	['grace', undefined]
];

describe('encryptContent / decryptContent round trip', () => {
	it('holds for random content, cipher and recipient subsets', async () => {
		const candidates = new Map(await Promise.all(PEOPLE.map(async ([n]) => [n, await pkiCandidate(n)] as const)));
		await fc.assert(
			fc.asyncProperty(
				fc.uint8Array({ minLength: 0, maxLength: 3000 }),
				fc.constantFrom('aes-256-cbc' as const, 'aes-256-gcm' as const),
				fc.subarray(PEOPLE, { minLength: 1 }),
				async (content, ce, people) => {
					const der = await encryptContent({
						content,
						recipients: people.map(([n, kt]) => ({ certificate: readPem(join(PKI, `${n}.pem`)), ...(kt ? { keyTransport: kt } : {}) })),
						contentEncryption: ce,
						crypto
					});
					for (const [n] of people) {
						const c = candidates.get(n);
						if (!c) throw new Error(n);
						const r = await decryptContent({ der, candidates: [c], crypto });
						expect(r.status).toBe('decrypted');
						if (r.status === 'decrypted') expect(r.content).toEqual(content);
					}
					const outsider = await decryptContent({ der, candidates: [await pkiCandidate('dave')], crypto });
					expect(outsider.status).toBe('no-key');
				}
			),
			{ numRuns: 15 }
		);
	});
});
