/**
 * 3DES-CBC (des-ede3-cbc) content decryption for old mail, through node-forge. Loaded lazily.
 */
import forge from 'node-forge';

function toBinary(b: Uint8Array): string {
	let s = '';
	for (const x of b) s += String.fromCharCode(x);
	return s;
}

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
	const s = d.output.getBytes();
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
	return out;
}
