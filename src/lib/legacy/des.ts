/**
 * 3DES-CBC (des-ede3-cbc) content decryption for old mail, through node-forge. Loaded lazily.
 */
import forge from 'node-forge/lib/forge.js';
import 'node-forge/lib/des.js';
import 'node-forge/lib/util.js';
import { fromBinary, toBinary } from '../base/bytes';

/**
 * Decrypts 3DES-CBC with PKCS#7 padding.
 * @returns the plaintext, or null when the key, IV or padding is wrong (never throws for that)
 */
export function des3CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
	if (key.length !== 24 || iv.length !== 8 || ciphertext.length === 0 || ciphertext.length % 8 !== 0) return null;
	const d = forge.cipher.createDecipher('3DES-CBC', toBinary(key));
	d.start({ iv: toBinary(iv) });
	d.update(forge.util.createBuffer(toBinary(ciphertext)));
	if (!d.finish()) return null;
	return fromBinary(d.output.getBytes());
}

const WRAP_IV = new Uint8Array([0x4a, 0xdd, 0xa2, 0x2c, 0x79, 0xe8, 0x21, 0x05]);

function des3CbcRaw(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | null {
	const d = forge.cipher.createDecipher('3DES-CBC', toBinary(key));
	d.start({ iv: toBinary(iv) });
	d.update(forge.util.createBuffer(toBinary(data)));
	// The wrap has no padding: forge's finish() takes a custom (un)padding function, which its
	// type declarations omit; one that accepts the output as it is keeps every block.
	const finish = d.finish.bind(d) as (unpad: () => boolean) => boolean;
	if (!finish(() => true)) return null;
	return fromBinary(d.output.getBytes());
}

/**
 * Unwraps a content-encryption key wrapped with the CMS Triple-DES key wrap
 * (id-alg-CMS3DESwrap, RFC 3217 §3.2), which OpenSSL uses for EC recipients of 3DES mail.
 * `sha1` computes SHA-1 (WebCrypto's, passed in) for the key checksum.
 * @returns the 24-byte key, or null when the wrapped key or its checksum is wrong
 */
export async function des3KeyUnwrap(
	kek: Uint8Array,
	wrapped: Uint8Array,
	sha1: (data: Uint8Array) => Promise<Uint8Array>
): Promise<Uint8Array | null> {
	if (kek.length !== 24 || wrapped.length !== 40) return null;
	const temp3 = des3CbcRaw(kek, WRAP_IV, wrapped);
	if (temp3?.length !== 40) return null;
	temp3.reverse();
	const lcekpad = des3CbcRaw(kek, temp3.subarray(0, 8), temp3.subarray(8));
	temp3.fill(0);
	if (lcekpad?.length !== 32) return null;
	const cek = lcekpad.slice(0, 24);
	const icv = (await sha1(cek)).subarray(0, 8);
	let diff = 0;
	for (let i = 0; i < 8; i++) diff |= (icv[i] ?? 0) ^ (lcekpad[24 + i] ?? 0);
	lcekpad.fill(0);
	if (diff !== 0) {
		cek.fill(0);
		return null;
	}
	return cek;
}
