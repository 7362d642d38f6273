/** RFC 9216 sample messages (davidi67/examples-cms). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decryptContent, NO_KEY_COMMENT } from '../../src/lib/cms/enveloped';
import { RFC9216, candidateFrom } from './enveloped-helpers';

const SAMPLE = new TextEncoder().encode('This is some sample content.');
const file = (n: string): Uint8Array => new Uint8Array(readFileSync(join(RFC9216, 'binary-files', n)));
const ck = (n: string): string => join(RFC9216, 'certs-and-keys', n);
const bob = () => candidateFrom(ck('lamps-bob.encrypt.crt'), ck('lamps-bob.decrypt.p8.pem'));
const dana = () => candidateFrom(ck('lamps-dana.encrypt.crt'), ck('lamps-dana.decrypt.p8.pem'));

describe('RFC 9216 vectors', () => {
	it('encryptedForBobRSAOaep with Bob', async () => {
		const r = await decryptContent({ der: file('encryptedForBobRSAOaep.p7m'), candidates: [await bob()], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(SAMPLE);
		expect(r.keyTransport).toMatch(/^RSA-OAEP/);
	});

	it('encryptedForBobAndDana with Bob', async () => {
		const r = await decryptContent({ der: file('encryptedForBobAndDana.p7m'), candidates: [await bob()], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') expect(r.content).toEqual(SAMPLE);
	});

	it('encryptedForBobAndDana with Dana (X25519)', async () => {
		const r = await decryptContent({ der: file('encryptedForBobAndDana.p7m'), candidates: [await dana()], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(SAMPLE);
		expect(r.keyTransport).toMatch(/^X25519/);
	});

	it('authEnvelopedForDanaX25519HKDF with Dana', async () => {
		const r = await decryptContent({ der: file('authEnvelopedForDanaX25519HKDF.p7m'), candidates: [await dana()], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(SAMPLE);
		expect(r.keyTransport).toMatch(/^X25519 \(HKDF SHA-256/);
		expect(r.authenticated).toBe(true);
	});

	it('a Dana-only message with only Bob as candidate is no-key and names Dana', async () => {
		const r = await decryptContent({ der: file('authEnvelopedForDanaX25519HKDF.p7m'), candidates: [await bob()], crypto });
		expect(r.status).toBe('no-key');
		if (r.status === 'no-key') expect(r.recipients.length).toBeGreaterThan(0);
	});

	it('authEnvelopedForBobChaCha20Poly1305 with Bob', async () => {
		const r = await decryptContent({ der: file('authEnvelopedForBobChaCha20Poly1305.p7m'), candidates: [await bob()], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(SAMPLE);
		expect(r.contentEncryption).toBe('ChaCha20-Poly1305');
		expect(r.authenticated).toBe(true);
	});

	it('encryptedKekri gives a clear no-key result naming the unsupported recipient type', async () => {
		const r = await decryptContent({ der: file('encryptedKekri.p7m'), candidates: [await bob()], crypto });
		expect(r.status).toBe('no-key');
		if (r.status !== 'no-key') return;
		expect(r.comment).toBe(NO_KEY_COMMENT);
		expect(r.recipients.join()).toMatch(/symmetric key.*not supported/);
	});
});
