/**
 * Content encryption for EnvelopedData (AES-CBC, 3DES-CBC) and AuthEnvelopedData (AES-GCM,
 * ChaCha20-Poly1305). Decryption returns null for every failure (wrong key, bad padding, bad
 * tag, truncated ciphertext) so that callers cannot tell them apart.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concatBytes, exact } from '../base/bytes';
import { children, intOf, octets, oidOf, type Tlv } from './enveloped-asn1';
import { borrow, isOwned, release, type MaybeOwned } from '../base/memory';
import {
	OID_AES128_CBC,
	OID_AES128_GCM,
	OID_AES192_CBC,
	OID_AES192_GCM,
	OID_AES256_CBC,
	OID_AES256_GCM,
	OID_CHACHA20_POLY1305,
	OID_DES_EDE3_CBC
} from '../base/oids';

/** A content-encryption algorithm we can read. */
export interface ContentAlgorithm {
	oid: string;
	/** Readable name, e.g. "AES-256-GCM". */
	name: string;
	/** Key length in bytes. */
	keyLength: number;
	kind: 'aes-cbc' | 'des3-cbc' | 'aes-gcm' | 'chacha20-poly1305';
	aead: boolean;
}

const ALGORITHMS: ContentAlgorithm[] = [
	{ oid: OID_AES128_CBC, name: 'AES-128-CBC', keyLength: 16, kind: 'aes-cbc', aead: false },
	{ oid: OID_AES192_CBC, name: 'AES-192-CBC', keyLength: 24, kind: 'aes-cbc', aead: false },
	{ oid: OID_AES256_CBC, name: 'AES-256-CBC', keyLength: 32, kind: 'aes-cbc', aead: false },
	{ oid: OID_DES_EDE3_CBC, name: '3DES-CBC', keyLength: 24, kind: 'des3-cbc', aead: false },
	{ oid: OID_AES128_GCM, name: 'AES-128-GCM', keyLength: 16, kind: 'aes-gcm', aead: true },
	{ oid: OID_AES192_GCM, name: 'AES-192-GCM', keyLength: 24, kind: 'aes-gcm', aead: true },
	{ oid: OID_AES256_GCM, name: 'AES-256-GCM', keyLength: 32, kind: 'aes-gcm', aead: true },
	{ oid: OID_CHACHA20_POLY1305, name: 'ChaCha20-Poly1305', keyLength: 32, kind: 'chacha20-poly1305', aead: true }
];

/** Looks up a content-encryption algorithm. Returns null when it is not supported. */
export function contentAlgorithm(oid: string): ContentAlgorithm | null {
	return ALGORITHMS.find((a) => a.oid === oid) ?? null;
}

/** What content decryption needs besides the key. */
export interface CipherInput {
	alg: ContentAlgorithm;
	/** The AlgorithmIdentifier parameters, if any. */
	params: Tlv | undefined;
	/**
	 * Borrowed (left as it was), or owned: then AES-CBC plaintext may be written over it (the
	 * caller reads the result instead). It is changed only when decryption succeeds.
	 */
	ciphertext: MaybeOwned;
	/** AEAD only: the tag from the mac field. */
	mac?: Uint8Array;
	/** AEAD only: the additional data (DER of authAttrs), empty when absent. */
	aad?: Uint8Array;
}

/**
 * Decrypts content. Returns null on any failure, including malformed parameters; plaintext of
 * AEAD ciphers is released only after the tag checked out.
 */
export async function decryptWithCek(crypto: Crypto, cek: Uint8Array, input: CipherInput): Promise<Uint8Array | null> {
	const { alg, params } = input;
	const ciphertext = borrow(input.ciphertext);
	if (cek.length !== alg.keyLength) return null;
	try {
		switch (alg.kind) {
			case 'aes-cbc': {
				const iv = params ? octets(params) : new Uint8Array();
				if (iv.length !== 16 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) return null;
				return await decryptAesCbc(crypto, cek, iv, input.ciphertext);
			}
			case 'des3-cbc': {
				const iv = params ? octets(params) : new Uint8Array();
				const { des3CbcDecrypt } = await import('../legacy/des');
				return des3CbcDecrypt(cek, iv, ciphertext);
			}
			case 'aes-gcm': {
				if (!params) return null;
				const [nonceT, icvT] = children(params);
				if (!nonceT) return null;
				const nonce = octets(nonceT);
				const icvLen = icvT ? intOf(icvT) : 12;
				const mac = input.mac ?? new Uint8Array();
				if (icvLen < 12 || icvLen > 16 || mac.length !== icvLen || nonce.length === 0) return null;
				const key = await crypto.subtle.importKey('raw', exact(cek), 'AES-GCM', false, ['decrypt']);
				// concat gives a fresh ArrayBuffer, which is what WebCrypto wants; no further copy.
				const sealed = concatBytes([ciphertext, mac]);
				try {
					return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: exact(nonce), tagLength: icvLen * 8, additionalData: exact(input.aad ?? new Uint8Array()) }, key, sealed));
				} finally {
					release(sealed.buffer);
				}
			}
			case 'chacha20-poly1305': {
				const nonce = params ? octets(params) : new Uint8Array();
				const mac = input.mac ?? new Uint8Array();
				if (nonce.length !== 12 || mac.length !== 16) return null;
				return chacha20poly1305(cek, nonce, input.aad ?? new Uint8Array()).decrypt(concatBytes([ciphertext, mac]));
			}
		}
	} catch {
		return null;
	}
}

/**
 * AES-CBC ciphertext is decrypted in slices of this size. WebCrypto copies its input and
 * allocates its output: one call over 14 MB touches 28 MB of fresh memory, which costs far more
 * than the AES, while 64 KB slices reuse the same memory.
 */
const CBC_SLICE = 64 * 1024;

/** One full block of PKCS#7 padding. */
const FULL_PAD = new Uint8Array(16).fill(16);

/**
 * AES-CBC decryption, slice by slice, into one buffer: `ciphertext` itself when it is owned,
 * else a new one. The last slice goes first, so a wrong key or bad padding (the only check CBC has)
 * rejects before any byte is written. Every other slice gets a block appended that decrypts to
 * a full padding block (E(pad XOR last block), made with the same key), so WebCrypto accepts it
 * and returns exactly the slice's plaintext; the IV of a slice is the ciphertext block before
 * it, saved before that block is overwritten.
 * @throws when WebCrypto rejects (bad padding, wrong key): the caller maps that to null
 */
async function decryptAesCbc(crypto: Crypto, cek: Uint8Array, iv: Uint8Array, given: MaybeOwned): Promise<Uint8Array> {
	const ciphertext = borrow(given);
	const n = ciphertext.length;
	const buffer = (c: Uint8Array): Uint8Array<ArrayBuffer> => c as Uint8Array<ArrayBuffer>;
	if (n <= CBC_SLICE) {
		const key = await crypto.subtle.importKey('raw', exact(cek), 'AES-CBC', false, ['decrypt']);
		return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: exact(iv) }, key, buffer(ciphertext)));
	}
	const key = await crypto.subtle.importKey('raw', exact(cek), 'AES-CBC', false, ['encrypt', 'decrypt']);
	const lastStart = Math.floor((n - 1) / CBC_SLICE) * CBC_SLICE;
	const lastIv = ciphertext.slice(lastStart - 16, lastStart);
	const last = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: lastIv }, key, buffer(ciphertext.subarray(lastStart))));
	const out = isOwned(given) ? given.bytes : new Uint8Array(lastStart + last.length);
	const input = new Uint8Array(CBC_SLICE + 16);
	let sliceIv = exact(iv);
	for (let start = 0; start < lastStart; start += CBC_SLICE) {
		const slice = ciphertext.subarray(start, start + CBC_SLICE);
		const nextIv = slice.slice(CBC_SLICE - 16);
		const pad = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: nextIv }, key, FULL_PAD), 0, 16);
		input.set(slice);
		input.set(pad, CBC_SLICE);
		const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: sliceIv }, key, input));
		if (plain.length !== CBC_SLICE) throw new Error('A slice did not decrypt to its own length.');
		out.set(plain, start);
		// Copied into place: free them now, not at a collection (see release).
		release(plain.buffer);
		release(pad.buffer);
		sliceIv = nextIv;
	}
	out.set(last, lastStart);
	const length = lastStart + last.length;
	release(last.buffer);
	return out.subarray(0, length);
}

/** The OID of an AlgorithmIdentifier TLV and its parameters. Throws BerError when malformed. */
export function splitAlgId(t: Tlv): { oid: string; params: Tlv | undefined } {
	const [o, p] = children(t);
	if (!o) throw new Error('An algorithm identifier is empty.');
	return { oid: oidOf(o), params: p };
}
