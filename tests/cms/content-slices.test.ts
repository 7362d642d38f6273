/**
 * Large content decryption (issue 8): AES-CBC slice by slice, optionally over the ciphertext
 * itself, and BER ciphertext pieces gathered in place. The plaintext must equal one WebCrypto
 * call over the whole ciphertext at every size around the slice boundaries, a wrong key must
 * leave the bytes untouched, and OpenSSL's streamed (indefinite-length, chunked) envelopes must
 * read the same in place and not.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { contentAlgorithm, decryptWithCek } from '../../src/lib/cms/content-cipher';
import { decryptContent } from '../../src/lib/cms/enveloped';
import { der, gatherOwnedOctets, octets, octetString, parseOne } from '../../src/lib/cms/enveloped-asn1';
import { OID_AES256_CBC } from '../../src/lib/base/oids';
import { PKI, openssl, pkiCandidate, tmpFile } from './enveloped-helpers';
import { pattern } from '../bytes-helpers';
import { own, OwnedBytes } from '../../src/lib/base/memory';

const SLICE = 64 * 1024;
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

async function cbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
	const k = await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-CBC', false, ['encrypt']);
	return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(iv) }, k, new Uint8Array(data)));
}

describe('AES-CBC in slices', () => {
	const alg = contentAlgorithm(OID_AES256_CBC);
	const key = pattern(32, 1);
	const iv = pattern(16, 2);
	const params = parseOne(octetString(iv));
	if (!alg) throw new Error('AES-256-CBC is missing');

	it.each([0, 1, 15, 16, SLICE - 17, SLICE - 16, SLICE - 1, SLICE, SLICE + 1, 3 * SLICE - 16, 3 * SLICE, 3 * SLICE + 100, 300_001])(
		'%i bytes: the same plaintext as one call, in place and into a new buffer',
		async (size) => {
			const data = pattern(size, size);
			const ciphertext = await cbcEncrypt(key, iv, data);
			const copy = ciphertext.slice();
			const fresh = await decryptWithCek(crypto, key, { alg, params, ciphertext });
			expect(hex(fresh ?? new Uint8Array([1]))).toBe(hex(data));
			expect(hex(ciphertext)).toBe(hex(copy));
			const inPlace = await decryptWithCek(crypto, key, { alg, params, ciphertext: own(ciphertext) });
			expect(hex(inPlace ?? new Uint8Array([1]))).toBe(hex(data));
			// Large content is decrypted over the ciphertext, not copied.
			if (size > SLICE) expect(inPlace?.buffer).toBe(ciphertext.buffer);
		}
	);

	it('a wrong key or a damaged last block gives null and leaves the ciphertext as it was', async () => {
		const data = pattern(3 * SLICE + 5, 9);
		const ciphertext = await cbcEncrypt(key, iv, data);
		const copy = ciphertext.slice();
		expect(await decryptWithCek(crypto, pattern(32, 77), { alg, params, ciphertext: own(ciphertext) })).toBeNull();
		expect(hex(ciphertext)).toBe(hex(copy));
		const damaged = ciphertext.slice();
		damaged[damaged.length - 20] = (damaged[damaged.length - 20] ?? 0) ^ 1;
		const before = damaged.slice();
		expect(await decryptWithCek(crypto, key, { alg, params, ciphertext: own(damaged) })).toBeNull();
		expect(hex(damaged)).toBe(hex(before));
	});

	it('a damaged block in an earlier slice changes only the plaintext that CBC says it changes', async () => {
		const data = pattern(3 * SLICE, 4);
		const ciphertext = await cbcEncrypt(key, iv, data);
		ciphertext[SLICE + 7] = (ciphertext[SLICE + 7] ?? 0) ^ 0x80;
		const whole = await crypto.subtle.decrypt({ name: 'AES-CBC', iv: new Uint8Array(iv) }, await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-CBC', false, ['decrypt']), new Uint8Array(ciphertext));
		expect(hex((await decryptWithCek(crypto, key, { alg, params, ciphertext: own(ciphertext) })) ?? new Uint8Array())).toBe(hex(new Uint8Array(whole)));
	});
});

describe('BER ciphertext pieces', () => {
	it('gathered in place equal the joined pieces, nested constructed strings included', () => {
		const a = pattern(1000, 1);
		const b = pattern(1, 2);
		const c = pattern(300, 3);
		const ber = der(0xa0, octetString(a), der(0x24, octetString(b), octetString(new Uint8Array())), octetString(c));
		const joined = octets(parseOne(ber));
		expect(hex(joined)).toBe(hex(new Uint8Array([...a, ...b, ...c])));
		const inPlace = gatherOwnedOctets(parseOne(ber), own(ber));
		expect(inPlace).toBeInstanceOf(OwnedBytes);
		expect(hex(inPlace.bytes)).toBe(hex(joined));
		expect(inPlace.bytes.buffer).toBe(ber.buffer);
		// Only octets that lie in the owned bytes can be gathered within them.
		expect(() => gatherOwnedOctets(parseOne(ber.slice()), own(ber))).toThrow(RangeError);
		expect(() => gatherOwnedOctets(parseOne(ber), own(ber.subarray(0, 10)))).toThrow(RangeError);
	});

	it.each([
		['-aes256', 'bob', 'AES-256-CBC'],
		['-aes-256-gcm', 'alice', 'AES-256-GCM'],
		['-aes128', 'carol', 'AES-128-CBC']
	])('OpenSSL streamed BER (%s to %s) decrypts the same in place and not', async (flag, name, cipher) => {
		const content = pattern(200_000 + 13, 5);
		const der = openssl(['cms', '-encrypt', '-binary', '-stream', '-in', tmpFile(content), '-outform', 'DER', flag, join(PKI, `${name}.pem`)]);
		// Streamed output is indefinite-length BER with the content in many pieces.
		expect(der[1]).toBe(0x80);
		const candidates = [await pkiCandidate(name)];
		const copy = der.slice();
		const plain = await decryptContent({ der, candidates, crypto });
		expect(hex(der)).toBe(hex(copy));
		const inPlace = await decryptContent({ der: own(der), candidates, crypto });
		for (const r of [plain, inPlace]) {
			expect(r.status).toBe('decrypted');
			if (r.status !== 'decrypted') return;
			expect(r.contentEncryption).toBe(cipher);
			expect(hex(r.content)).toBe(hex(content));
		}
		if (inPlace.status === 'decrypted' && cipher.endsWith('CBC')) expect(inPlace.content.buffer).toBe(der.buffer);
	});
});
