/** openssl -> us: OpenSSL encrypts, Sealdesk decrypts. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { decryptContent } from '../../src/lib/cms/enveloped';
import { CONTENT, PKI, openssl, pkiCandidate, tmpFile } from './enveloped-helpers';

const msg = tmpFile(CONTENT);
const cert = (n: string): string => join(PKI, `${n}.pem`);

function encrypt(tool: 'cms' | 'smime', recips: string[], opts: string[]): Uint8Array {
	return openssl([tool, '-encrypt', '-binary', '-in', msg, '-outform', 'DER', ...opts, ...recips]);
}

async function decryptAs(der: Uint8Array, names: string[]) {
	const candidates = await Promise.all(names.map((n) => pkiCandidate(n)));
	return decryptContent({ der, candidates, crypto });
}

describe('openssl cms -encrypt, RSA recipient', () => {
	it.each([
		['-aes128', 'AES-128-CBC'],
		['-aes192', 'AES-192-CBC'],
		['-aes256', 'AES-256-CBC'],
		['-des3', '3DES-CBC']
	])('%s with PKCS#1 v1.5 key transport', async (flag, name) => {
		const r = await decryptAs(encrypt('cms', [cert('bob')], [flag]), ['bob']);
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(CONTENT);
		expect(r.contentEncryption).toBe(name);
		expect(r.keyTransport).toBe('RSA PKCS#1 v1.5');
		expect(r.authenticated).toBe(false);
	});

	it('AES-256-GCM (AuthEnvelopedData)', async () => {
		const r = await decryptAs(encrypt('cms', [cert('alice')], ['-aes-256-gcm']), ['alice']);
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(CONTENT);
		expect(r.contentEncryption).toBe('AES-256-GCM');
		expect(r.authenticated).toBe(true);
	});

	it.each(['sha1', 'sha256', 'sha384', 'sha512'])('RSA-OAEP with %s', async (md) => {
		const der = encrypt('cms', ['-recip', cert('bob'), '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', `rsa_oaep_md:${md}`], ['-aes256']);
		const r = await decryptAs(der, ['bob']);
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(CONTENT);
		expect(r.keyTransport).toBe(`RSA-OAEP (SHA-${md === 'sha1' ? '1' : md.slice(3)})`);
	});

	it('subject key identifier recipient (-keyid)', async () => {
		const r = await decryptAs(encrypt('cms', [cert('bob')], ['-aes256', '-keyid']), ['alice', 'bob']);
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') expect(r.content).toEqual(CONTENT);
	});
});

describe('openssl smime -encrypt', () => {
	it.each(['-aes128', '-aes256', '-des3'])('%s', async (flag) => {
		const r = await decryptAs(encrypt('smime', [cert('alice')], [flag]), ['alice']);
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') expect(r.content).toEqual(CONTENT);
	});
});

describe('openssl cms -encrypt, EC recipients', () => {
	const cases: [string, string, string, string][] = [];
	for (const n of ['carol', 'dave', 'erin']) {
		for (const md of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']) cases.push([n, md, '-aes256', 'AES-256']);
	}
	cases.push(['carol', 'sha256', '-aes128', 'AES-128'], ['dave', 'sha384', '-aes192', 'AES-192']);
	it.each(cases)('%s with ecdh_kdf_md:%s, %s', async (n, md, flag, wrap) => {
		const der = encrypt('cms', ['-recip', cert(n), '-keyopt', `ecdh_kdf_md:${md}`], [flag]);
		const r = await decryptAs(der, [n]);
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(CONTENT);
		expect(r.keyTransport).toBe(`ECDH (X9.63 SHA-${md === 'sha1' ? '1' : md.slice(3)}, ${wrap} wrap)`);
	});

	it.each([
		['-aes128-wrap', '-aes256', 'AES-128'],
		['-aes192-wrap', '-aes128', 'AES-192'],
		['-aes256-wrap', '-aes128', 'AES-256'],
		['-aes256-wrap', '-des3', 'AES-256']
	])('explicit %s with %s content', async (wrapFlag, flag, wrap) => {
		const r = await decryptAs(encrypt('cms', [cert('carol')], [flag, wrapFlag]), ['carol']);
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(CONTENT);
		expect(r.keyTransport).toMatch(new RegExp(`${wrap} wrap`));
	});

	it.each(['carol', 'dave', 'erin'])('3DES content to %s: OpenSSL picks the CMS 3DES key wrap (RFC 3217)', async (n) => {
		const r = await decryptAs(encrypt('cms', [cert(n)], ['-des3']), [n]);
		expect(r.status).toBe('decrypted');
		if (r.status !== 'decrypted') return;
		expect(r.content).toEqual(CONTENT);
		expect(r.contentEncryption).toMatch(/3DES/);
		expect(r.keyTransport).toMatch(/, 3DES wrap\)$/);
	});

	it('a 3DES-wrapped key with a broken checksum fails like any other failure', async () => {
		const der = encrypt('cms', [cert('carol')], ['-des3']);
		// Flip a byte inside the 40-byte wrapped key: the last OCTET STRING of length 40.
		const at = lastWrappedKey(der);
		der[at + 5] = (der[at + 5] ?? 0) ^ 0x01;
		const r = await decryptAs(der, ['carol']);
		expect(r.status).toBe('failed');
	});

	it('subject key identifier recipient (-keyid) for an EC key', async () => {
		const r = await decryptAs(encrypt('cms', [cert('dave')], ['-aes256', '-keyid']), ['carol', 'dave']);
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') expect(r.content).toEqual(CONTENT);
	});

	it('AES-256-GCM to an EC recipient', async () => {
		const r = await decryptAs(encrypt('cms', [cert('dave')], ['-aes-256-gcm']), ['dave']);
		expect(r.status).toBe('decrypted');
		if (r.status === 'decrypted') expect(r.authenticated).toBe(true);
	});

	it('several recipients of mixed types: each opens it', async () => {
		const der = encrypt('cms', [cert('alice'), cert('carol'), cert('erin'), cert('bob')], ['-aes256']);
		for (const n of ['alice', 'bob', 'carol', 'erin']) {
			const r = await decryptAs(der, [n]);
			expect(r.status, n).toBe('decrypted');
			if (r.status === 'decrypted') expect(r.content).toEqual(CONTENT);
		}
	});
});

/** Offset of the contents of the 40-byte OCTET STRING holding a 3DES-wrapped key. */
function lastWrappedKey(der: Uint8Array): number {
	for (let i = der.length - 42; i >= 0; i--) {
		if (der[i] === 0x04 && der[i + 1] === 40) return i + 2;
	}
	throw new Error('no wrapped key found');
}
