/** Fuzz: damaged envelopes never crash the reader and never yield the original plaintext unauthenticated. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { decryptContent, encryptContent, NotEnvelopedError } from '../../src/lib/cms/enveloped';
import { CONTENT, PKI, pkiCandidate, readPem } from '../cms/enveloped-helpers';

describe('byte mutations of an envelope', () => {
	it.each(['aes-256-gcm', 'aes-256-cbc'] as const)('%s: a result or NotEnvelopedError, never another exception', async (ce) => {
		const carol = await pkiCandidate('carol');
		const bob = await pkiCandidate('bob');
		const der = await encryptContent({
			content: CONTENT,
			recipients: [{ certificate: readPem(join(PKI, 'carol.pem')) }, { certificate: readPem(join(PKI, 'bob.pem')), keyTransport: 'rsa-oaep-sha256' }],
			contentEncryption: ce,
			crypto
		});
		await fc.assert(
			fc.asyncProperty(fc.nat({ max: der.length - 1 }), fc.integer({ min: 1, max: 255 }), async (pos, x) => {
				const bad = der.map((b, i) => (i === pos ? b ^ x : b));
				try {
					const r = await decryptContent({ der: bad, candidates: [carol, bob], crypto });
					expect(['decrypted', 'failed', 'no-key']).toContain(r.status);
					if (r.status === 'decrypted' && ce === 'aes-256-gcm') expect(r.content).toEqual(CONTENT);
				} catch (e) {
					expect(e).toBeInstanceOf(NotEnvelopedError);
				}
			}),
			{ numRuns: 150 }
		);
	});
});
