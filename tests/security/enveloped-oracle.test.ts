/**
 * Padding-oracle probe: every failure an attacker can provoke by editing an encrypted message
 * (RSA PKCS#1 v1.5 key, CBC padding, GCM tag, truncation, wrong key) must look alike.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { decryptContent, DECRYPT_FAILED_COMMENT, encryptContent, type DecryptResult } from '../../src/lib/cms/enveloped';
import { derInt, octetString, seq } from '../../src/lib/cms/enveloped-asn1';
import { CONTENT, PKI, candidateFrom, editEnvelope, pkiCandidate, readPem } from '../cms/enveloped-helpers';

const FAILED = { status: 'failed', comment: DECRYPT_FAILED_COMMENT };
const flip = (i: number, d: number) => (b: Uint8Array) => b.map((x, j) => (j === i ? x ^ d : x));

async function probe(messages: Uint8Array[], candidate: Awaited<ReturnType<typeof pkiCandidate>>): Promise<DecryptResult[]> {
	const out: DecryptResult[] = [];
	for (const der of messages) out.push(await decryptContent({ der, candidates: [candidate], crypto }));
	return out;
}

function assertAlike(results: DecryptResult[], minFailures: number): void {
	const failures = results.filter((r) => r.status !== 'decrypted');
	// With unauthenticated CBC a forged message can decrypt to garbage; it must never be our content.
	for (const r of results) if (r.status === 'decrypted') expect(r.content).not.toEqual(CONTENT);
	expect(failures.length).toBeGreaterThanOrEqual(minFailures);
	expect(new Set(failures.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify(FAILED)]));
}

describe('padding-oracle probe', () => {
	it('RSA PKCS#1 v1.5 + AES-256-CBC: key, padding, length and truncation failures are indistinguishable', async () => {
		const bob = await pkiCandidate('bob');
		const good = await encryptContent({ content: CONTENT, recipients: [{ certificate: readPem(join(PKI, 'bob.pem')) }], contentEncryption: 'aes-256-cbc', crypto });
		const ok = await decryptContent({ der: good, candidates: [bob], crypto });
		expect(ok.status).toBe('decrypted');
		const msgs: Uint8Array[] = [];
		for (const i of [0, 1, 2, 50, 128, 200, 255]) msgs.push(editEnvelope(good, { encryptedKey: flip(i, 0x01) }));
		msgs.push(editEnvelope(good, { encryptedKey: (k) => k.subarray(1) }));
		msgs.push(editEnvelope(good, { encryptedKey: (k) => new Uint8Array([...k, 0]) }));
		msgs.push(editEnvelope(good, { encryptedKey: (k) => k.map(() => 0xff) }));
		msgs.push(editEnvelope(good, { encryptedKey: (k) => k.map(() => 0) }));
		// CBC padding probes: vary the last byte of the next-to-last block.
		for (let d = 1; d <= 24; d++) msgs.push(editEnvelope(good, { ciphertext: (c) => flip(c.length - 17, d)(c) }));
		msgs.push(editEnvelope(good, { ciphertext: (c) => c.subarray(0, c.length - 1) }));
		msgs.push(editEnvelope(good, { ciphertext: (c) => c.subarray(16) }));
		msgs.push(editEnvelope(good, { ciphertext: () => new Uint8Array() }));
		msgs.push(editEnvelope(good, { contentParams: octetString(new Uint8Array(8)) }));
		msgs.push(good.subarray(0, good.length - 7));
		const results = await probe(msgs, bob);
		results.push(await decryptContent({ der: good, candidates: [await candidateFrom(join(PKI, 'bob.pem'), join(PKI, 'alice.key'))], crypto }));
		assertAlike(results, msgs.length - 4);
	});

	it('AES-256-GCM: tag, nonce, tag length, ciphertext and key failures are indistinguishable', async () => {
		const carol = await pkiCandidate('carol');
		const good = await encryptContent({ content: CONTENT, recipients: [{ certificate: readPem(join(PKI, 'carol.pem')) }], contentEncryption: 'aes-256-gcm', crypto });
		expect((await decryptContent({ der: good, candidates: [carol], crypto })).status).toBe('decrypted');
		const msgs = [
			editEnvelope(good, { mac: flip(15, 1) }),
			editEnvelope(good, { mac: (m) => m.subarray(0, 15) }),
			editEnvelope(good, { mac: (m) => m.subarray(0, 8) }),
			editEnvelope(good, { ciphertext: flip(0, 1) }),
			editEnvelope(good, { ciphertext: (c) => c.subarray(0, c.length - 1) }),
			editEnvelope(good, { contentParams: seq(octetString(new Uint8Array(12)), derInt(16)) }),
			editEnvelope(good, { contentParams: seq(octetString(new Uint8Array(12)), derInt(8)) }),
			good.subarray(0, good.length - 3)
		];
		const results = await probe(msgs, carol);
		results.push(await decryptContent({ der: good, candidates: [await candidateFrom(join(PKI, 'carol.pem'), join(PKI, 'dave.key'))], crypto }));
		expect(results.every((r) => r.status === 'failed')).toBe(true);
		assertAlike(results, results.length);
	});
});
