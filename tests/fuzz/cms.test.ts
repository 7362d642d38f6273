/**
 * Fuzz (issue 9): the CMS decoders. Mutated SignedData (lying BER lengths, bit flips,
 * truncation, splices) through verifySignedData resolves with a per-signer result or throws
 * SignedDataFormatError; mutated EnvelopedData through decryptContent resolves with a status
 * or throws NotEnvelopedError. Never anything else, and under 2 s per 100 KB.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { verifySignedData } from '../../src/lib/cms/signed-verify';
import { SignedDataFormatError } from '../../src/lib/cms/signed-types';
import { decryptContent, NotEnvelopedError } from '../../src/lib/cms/enveloped';
import { canonicalize } from '../../src/lib/mime/bytes';
import { PKI, pkiCandidate } from '../cms/enveloped-helpers';
import { pemCert } from '../smime/helpers';
import { check, timeLimit } from './config';
import { derOf, seedMails } from './corpus';
import { derMutation } from './mutate';

const mails = seedMails();
const byName = (prefix: string): Uint8Array => {
	const seed = mails.find((m) => m.name.startsWith(prefix));
	if (!seed) throw new Error(prefix);
	return seed.data;
};
const opaque = derOf(byName('opaque'));
const detached = derOf(byName('detached'));
const detachedContent = canonicalize(new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nHello from openssl: detached\r\n'));
const envelopes = [derOf(byName('encrypted to bob')), derOf(byName('encrypted to carol')), derOf(byName('signed then'))];
const known = [pemCert(join(PKI, 'root-ca.pem')), pemCert(join(PKI, 'inter-ca.pem'))];

test('the seeds verify and decrypt', async () => {
	const r = await verifySignedData({ der: detached, detachedContent, crypto });
	expect(r.signers.map((s) => s.status)).toEqual(['valid']);
	const candidates = [await pkiCandidate('bob'), await pkiCandidate('carol')];
	for (const der of envelopes) expect((await decryptContent({ der, candidates, crypto })).status).toBe('decrypted');
});

test('mutated SignedData: a result per signer or SignedDataFormatError, in time', async () => {
	await check(
		fc.asyncProperty(fc.constantFrom('opaque', 'detached'), derMutation(), async (which, mutation) => {
			const der = mutation.apply(which === 'opaque' ? opaque : detached);
			const started = performance.now();
			try {
				const r = await verifySignedData({ der, ...(which === 'detached' ? { detachedContent } : {}), knownCertificates: known, crypto });
				expect(Array.isArray(r.signers)).toBe(true);
			} catch (error) {
				expect(error, String(error)).toBeInstanceOf(SignedDataFormatError);
			}
			expect(performance.now() - started).toBeLessThan(timeLimit(der.length));
		}),
		300
	);
});

test('mutated EnvelopedData: a status or NotEnvelopedError, in time', async () => {
	const candidates = [await pkiCandidate('bob'), await pkiCandidate('carol')];
	await check(
		fc.asyncProperty(fc.constantFrom(...envelopes), derMutation(), async (original, mutation) => {
			const der = mutation.apply(original);
			const started = performance.now();
			try {
				const r = await decryptContent({ der, candidates, crypto });
				expect(['decrypted', 'failed', 'no-key', 'strict-custody']).toContain(r.status);
				// Decryption never yields more than the ciphertext held.
				if (r.status === 'decrypted') expect(r.content.length).toBeLessThanOrEqual(der.length);
			} catch (error) {
				expect(error, String(error)).toBeInstanceOf(NotEnvelopedError);
			}
			expect(performance.now() - started).toBeLessThan(timeLimit(der.length));
		}),
		300
	);
});
