/**
 * Legacy OpenSSL encrypted PEM (`Proc-Type: 4,ENCRYPTED` with `DEK-Info`): the key comes
 * from EVP_BytesToKey (MD5, one iteration, salt = first 8 IV bytes), the cipher is AES-CBC
 * or (DES-EDE3 / DES)-CBC. MD5 and DES are not in WebCrypto, so this runs on node-forge.
 */
import forge from 'node-forge/lib/forge.js';
import 'node-forge/lib/aes.js';
import 'node-forge/lib/des.js';
import 'node-forge/lib/md5.js';
import 'node-forge/lib/util.js';
import { fromBinary, fromHex, toBinary } from '../base/bytes';

const CIPHERS: Record<string, { forge: 'AES-CBC' | '3DES-CBC' | 'DES-CBC'; keyLength: number; ivLength: number }> = {
	'AES-128-CBC': { forge: 'AES-CBC', keyLength: 16, ivLength: 16 },
	'AES-192-CBC': { forge: 'AES-CBC', keyLength: 24, ivLength: 16 },
	'AES-256-CBC': { forge: 'AES-CBC', keyLength: 32, ivLength: 16 },
	'DES-EDE3-CBC': { forge: '3DES-CBC', keyLength: 24, ivLength: 8 },
	'DES-CBC': { forge: 'DES-CBC', keyLength: 8, ivLength: 8 }
};

/** The outcome of opening a legacy encrypted PEM body. */
export type OpenSslPemResult =
	| { ok: true; der: Uint8Array }
	| { ok: false; reason: 'wrong-passphrase' }
	| { ok: false; reason: 'unsupported'; cipher: string };

/** OpenSSL's EVP_BytesToKey with MD5 and one iteration. */
function bytesToKey(passphrase: string, salt: string, length: number): string {
	let out = '';
	let prev = '';
	const pass = forge.util.encodeUtf8(passphrase);
	while (out.length < length) {
		const md = forge.md.md5.create();
		md.update(prev + pass + salt);
		prev = md.digest().getBytes();
		out += prev;
	}
	return out.slice(0, length);
}

/**
 * Decrypts the body of a `Proc-Type: 4,ENCRYPTED` PEM block.
 * @param dekInfo the DEK-Info header, e.g. `AES-256-CBC,0123...`
 * @returns the decrypted DER (the caller zeroes it), 'wrong-passphrase' when the padding
 *   check fails, or 'unsupported' for a cipher we do not offer. Never throws for those.
 */
export function decryptOpenSslPem(body: Uint8Array, dekInfo: string, passphrase: string): OpenSslPemResult {
	const [name = '', ivHex = ''] = dekInfo.split(',').map((s) => s.trim());
	const cipher = CIPHERS[name.toUpperCase()];
	const iv = fromHex(ivHex);
	if (!cipher || iv?.length !== cipher.ivLength) return { ok: false, reason: 'unsupported', cipher: name };
	const ivBin = toBinary(iv);
	const key = bytesToKey(passphrase, ivBin.slice(0, 8), cipher.keyLength);
	const d = forge.cipher.createDecipher(cipher.forge, key);
	d.start({ iv: ivBin });
	d.update(forge.util.createBuffer(toBinary(body)));
	if (!d.finish()) return { ok: false, reason: 'wrong-passphrase' };
	return { ok: true, der: fromBinary(d.output.getBytes()) };
}
