/** us -> openssl: Sealdesk encrypts, OpenSSL decrypts. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { decryptContent, encryptContent, type ContentEncryption, type KeyTransport } from '../../src/lib/cms/enveloped';
import { CONTENT, PKI, openssl, pkiCandidate, readPem, tmpFile } from './enveloped-helpers';

const pem = (n: string): string => join(PKI, `${n}.pem`);
const key = (n: string): string => join(PKI, `${n}.key`);

async function ours(names: [string, KeyTransport?][], ce: ContentEncryption): Promise<Uint8Array> {
	return encryptContent({
		content: CONTENT,
		recipients: names.map(([n, kt]) => ({ certificate: readPem(pem(n)), ...(kt ? { keyTransport: kt } : {}) })),
		contentEncryption: ce,
		crypto
	});
}

function opensslDecrypt(der: Uint8Array, name: string, tool: 'cms' | 'smime' = 'cms'): Uint8Array {
	return openssl([tool, '-decrypt', '-binary', '-inform', 'DER', '-in', tmpFile(der), '-recip', pem(name), '-inkey', key(name)]);
}

const ces: ContentEncryption[] = ['aes-256-cbc', 'aes-256-gcm'];

describe.each(ces)('%s', (ce) => {
	it.each([
		['bob', undefined],
		['bob', 'rsa-oaep-sha256'],
		['carol', undefined],
		['dave', undefined],
		['erin', undefined]
	] as [string, KeyTransport | undefined][])('to %s (key transport: %s) decrypts in openssl cms', async (n, kt) => {
		const der = await ours([[n, kt]], ce);
		expect(opensslDecrypt(der, n)).toEqual(CONTENT);
		// and in our own reader
		const r = await decryptContent({ der, candidates: [await pkiCandidate(n)], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') {
			expect(r.content).toEqual(CONTENT);
			expect(r.contentEncryption).toBe(ce.toUpperCase());
			expect(r.authenticated).toBe(ce === 'aes-256-gcm');
		}
	});

	it('several recipients, mixed types: every one decrypts in openssl', async () => {
		const der = await ours([['alice'], ['bob', 'rsa-oaep-sha256'], ['carol'], ['erin']], ce);
		for (const n of ['alice', 'bob', 'carol', 'erin']) expect(opensslDecrypt(der, n), n).toEqual(CONTENT);
	});
});

describe('openssl smime -decrypt', () => {
	it('AES-256-CBC with PKCS#1 v1.5', async () => {
		const der = await ours([['alice']], 'aes-256-cbc');
		const smime = Buffer.concat([
			Buffer.from('MIME-Version: 1.0\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\nContent-Transfer-Encoding: base64\n\n'),
			Buffer.from(Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n') + '\n')
		]);
		const out = openssl(['smime', '-decrypt', '-binary', '-in', tmpFile(smime), '-recip', pem('alice'), '-inkey', key('alice')]);
		expect(out).toEqual(CONTENT);
	});
});

describe('X25519 sending (RFC 8418, HKDF-SHA256)', () => {
	it('round-trips through our reader (OpenSSL 3.0 has no HKDF recipients)', async () => {
		const der = await ours([['grace']], 'aes-256-gcm');
		const r = await decryptContent({ der, candidates: [await pkiCandidate('grace')], crypto });
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') expect(r.keyTransport).toBe('X25519 (HKDF SHA-256, AES-256 wrap)');
	});
});
