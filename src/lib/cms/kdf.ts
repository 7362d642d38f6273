/**
 * Key derivation for CMS key agreement: the ANSI X9.63 KDF (RFC 5753) and HKDF (RFC 8418),
 * both fed with the DER of ECC-CMS-SharedInfo.
 */
import { concatBytes, exact } from '../base/bytes';
import { algId, der, octetString, seq } from './enveloped-asn1';
import { sha224 } from '@noble/hashes/sha2.js';

/** Hash names the KDFs accept. */
export type KdfHash = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/**
 * DER of ECC-CMS-SharedInfo: keyInfo (the wrap algorithm: an OID, written with parameters
 * absent, or the exact DER AlgorithmIdentifier from a received message), entityUInfo
 * (the ukm, when present) and suppPubInfo (the KEK length in bits, 32-bit big-endian).
 */
export function eccCmsSharedInfo(wrapAlgorithm: string | Uint8Array, kekBytes: number, ukm: Uint8Array | null): Uint8Array {
	const bits = kekBytes * 8;
	const supp = new Uint8Array([(bits >>> 24) & 0xff, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff, bits & 0xff]);
	return seq(typeof wrapAlgorithm === 'string' ? algId(wrapAlgorithm) : wrapAlgorithm, ...(ukm ? [der(0xa0, octetString(ukm))] : []), der(0xa2, octetString(supp)));
}

/**
 * ANSI X9.63 KDF: Hash(Z || counter || sharedInfo) for counter = 1, 2, ... until `length`
 * bytes. SHA-224, which WebCrypto lacks, comes from @noble/hashes. Throws only on WebCrypto failure.
 */
export async function x963Kdf(
	crypto: Crypto,
	hash: KdfHash,
	z: Uint8Array,
	sharedInfo: Uint8Array,
	length: number
): Promise<Uint8Array> {
	const out = new Uint8Array(length);
	let filled = 0;
	for (let counter = 1; filled < length; counter++) {
		const c = new Uint8Array([(counter >>> 24) & 0xff, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff]);
		const input = concatBytes([z, c, sharedInfo]);
		const block = hash === 'SHA-224' ? sha224(input) : new Uint8Array(await crypto.subtle.digest(hash, exact(input)));
		input.fill(0);
		const take = Math.min(block.length, length - filled);
		out.set(block.subarray(0, take), filled);
		filled += take;
	}
	return out;
}

/** HKDF (RFC 5869) through WebCrypto. An empty salt means a zero-filled salt of hash length. */
export async function hkdf(
	crypto: Crypto,
	hash: 'SHA-256' | 'SHA-384' | 'SHA-512',
	ikm: Uint8Array,
	salt: Uint8Array,
	info: Uint8Array,
	length: number
): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey('raw', exact(ikm), 'HKDF', false, ['deriveBits']);
	const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash, salt: exact(salt), info: exact(info) }, key, length * 8);
	return new Uint8Array(bits);
}
