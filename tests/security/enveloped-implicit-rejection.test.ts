/** RSA PKCS#1 v1.5 implicit rejection in the legacy chunk. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rsaPkcs1DecryptImplicit, rsaPkcs1Encrypt } from '../../src/lib/legacy/rsa-pkcs1';
import { parseRecipientCert } from '../../src/lib/cms/recipients-cert';
import { PKI, openssl, readPem, tmpFile } from '../cms/enveloped-helpers';

const bobKey = readPem(join(PKI, 'bob.key'));
const bobSpki = parseRecipientCert(readPem(join(PKI, 'bob.pem'))).spki;

describe('rsaPkcs1DecryptImplicit', () => {
	it('recovers a key that openssl encrypted with PKCS#1 v1.5', async () => {
		const key = crypto.getRandomValues(new Uint8Array(32));
		const ct = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', tmpFile(bobSpki, 'der'), '-keyform', 'DER', '-in', tmpFile(key)]);
		expect(await rsaPkcs1DecryptImplicit(bobKey, ct, 32, crypto)).toEqual(key);
	});

	it('our encryption decrypts in openssl pkeyutl (PKCS#1 v1.5)', () => {
		const key = crypto.getRandomValues(new Uint8Array(32));
		const ct = rsaPkcs1Encrypt(bobSpki, key, crypto);
		expect(openssl(['pkeyutl', '-decrypt', '-inkey', join(PKI, 'bob.key'), '-in', tmpFile(ct)])).toEqual(key);
	});

	it('bad padding gives a deterministic pseudo-random key of the right length, never an error', async () => {
		const ct = rsaPkcs1Encrypt(bobSpki, crypto.getRandomValues(new Uint8Array(32)), crypto);
		const bad = ct.map((x, i) => (i === 5 ? x ^ 1 : x));
		const a = await rsaPkcs1DecryptImplicit(bobKey, bad, 32, crypto);
		const b = await rsaPkcs1DecryptImplicit(bobKey, bad, 32, crypto);
		expect(a).toHaveLength(32);
		expect(a).toEqual(b);
		const other = await rsaPkcs1DecryptImplicit(bobKey, ct.map((x, i) => (i === 6 ? x ^ 1 : x)), 32, crypto);
		expect(other).not.toEqual(a);
	});

	it('a well-padded key of the wrong length is rejected implicitly', async () => {
		const short = crypto.getRandomValues(new Uint8Array(16));
		const ct = rsaPkcs1Encrypt(bobSpki, short, crypto);
		const out = await rsaPkcs1DecryptImplicit(bobKey, ct, 32, crypto);
		expect(out).toHaveLength(32);
		expect(out.subarray(0, 16)).not.toEqual(short);
		expect(out.subarray(16)).not.toEqual(short);
	});

	it('a ciphertext of the wrong size is rejected implicitly', async () => {
		const out = await rsaPkcs1DecryptImplicit(bobKey, new Uint8Array(100).fill(7), 24, crypto);
		expect(out).toHaveLength(24);
		expect(await rsaPkcs1DecryptImplicit(bobKey, new Uint8Array(100).fill(7), 24, crypto)).toEqual(out);
	});
});
