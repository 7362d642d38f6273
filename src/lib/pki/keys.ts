/**
 * Key custody at import: a PKCS#8 private key becomes the non-extractable CryptoKeys of a
 * PrivateKeySet, and is matched to its certificate by public key.
 */
import { exact, toHex } from '../base/bytes';
import { ImportError } from './errors';
import { primaryImportAlgorithm, unsupportedKeyMessage, type KeyKind } from './key-algorithm';
import { pkcs8Kind } from './pkcs8';
import type { OaepHash, PrivateKeySet } from './keyset';
import { Certificate } from './certificate';

const OAEP_HASHES: OaepHash[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

/** SHA-256 (hex) of a DER SubjectPublicKeyInfo: the public-key identity. */
async function spkiId(spki: ArrayBuffer | Uint8Array<ArrayBuffer>, crypto: Crypto): Promise<string> {
	return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', spki)));
}

/**
 * The public-key identity of a certificate (SHA-256 of its SubjectPublicKeyInfo DER), for
 * matching private keys to it. Cheap: no key import, so bundles of thousands stay fast.
 * @returns null when the certificate's key algorithm is not supported
 * @throws Error when the DER is not a certificate
 */
export async function certificatePublicId(der: Uint8Array | Certificate, crypto: Crypto): Promise<string | null> {
	const cert = der instanceof Certificate ? der : Certificate.parse(der);
	if (!cert.keyKind.ok) return null;
	return spkiId(cert.subjectPublicKeyInfo, crypto);
}

/** A private key read and identified, before it is bound to a certificate. */
export interface IdentifiedKey {
	kind: KeyKind;
	/** The public-key identity (see {@link certificatePublicId}). */
	publicId: string;
	/** The PKCS#8 DER (plaintext: zero it when done). */
	pkcs8: Uint8Array;
}

/**
 * Identifies a PKCS#8 key: its algorithm and its public key.
 * @throws ImportError 'unsupported-algorithm' naming the algorithm (DSA, P-192, ...);
 *   'unrecognised' when WebCrypto refuses the key material
 */
export async function identifyPrivateKey(pkcs8: Uint8Array, name: string, crypto: Crypto): Promise<IdentifiedKey> {
	const kind = pkcs8Kind(pkcs8);
	if (!kind) throw new ImportError('unrecognised', `"${name}" holds a private key that is not valid PKCS#8.`);
	if (!kind.ok) throw new ImportError('unsupported-algorithm', unsupportedKeyMessage(kind.name));
	let jwk: JsonWebKey;
	try {
		const usage: KeyUsage[] = kind.kind.algorithm === 'X25519' ? ['deriveBits'] : ['sign'];
		const key = await crypto.subtle.importKey('pkcs8', exact(pkcs8), primaryImportAlgorithm(kind.kind), true, usage);
		jwk = await crypto.subtle.exportKey('jwk', key);
	} catch (cause) {
		throw new ImportError('unrecognised', `"${name}" holds a private key that WebCrypto cannot read.`, { cause });
	}
	// The JWK holds the private parts too; drop them at once and keep the public ones.
	jwk.d = jwk.p = jwk.q = jwk.dp = jwk.dq = jwk.qi = undefined;
	const publicJwk: JsonWebKey = { kty: jwk.kty, ...(jwk.crv ? { crv: jwk.crv } : {}), ...(jwk.n ? { n: jwk.n, e: jwk.e } : {}), ...(jwk.x ? { x: jwk.x } : {}), ...(jwk.y ? { y: jwk.y } : {}) };
	const usage: KeyUsage[] = kind.kind.algorithm === 'X25519' ? [] : ['verify'];
	const publicKey = await crypto.subtle.importKey('jwk', publicJwk, primaryImportAlgorithm(kind.kind), true, usage);
	return { kind: kind.kind, publicId: await spkiId(await crypto.subtle.exportKey('spki', publicKey), crypto), pkcs8 };
}

async function importFor(crypto: Crypto, pkcs8: Uint8Array, algorithm: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams, usages: KeyUsage[]): Promise<CryptoKey> {
	return crypto.subtle.importKey('pkcs8', exact(pkcs8), algorithm, false, usages);
}

/**
 * Makes the non-extractable CryptoKeys for every use WebCrypto offers for this key.
 * @throws Error when WebCrypto refuses the key (wrapped with cause)
 */
export async function buildPrivateKeySet(key: IdentifiedKey, fingerprint: string, crypto: Crypto): Promise<PrivateKeySet> {
	const { kind, pkcs8 } = key;
	try {
		switch (kind.algorithm) {
			case 'RSA': {
				const oaep: Partial<Record<OaepHash, CryptoKey>> = {};
				for (const hash of OAEP_HASHES) oaep[hash] = await importFor(crypto, pkcs8, { name: 'RSA-OAEP', hash }, ['decrypt', 'unwrapKey']);
				const pkcs1 = await importFor(crypto, pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['sign']);
				const pss = await importFor(crypto, pkcs8, { name: 'RSA-PSS', hash: 'SHA-256' }, ['sign']);
				const modulusLength = (pkcs1.algorithm as RsaHashedKeyAlgorithm).modulusLength;
				return { fingerprint, algorithm: 'RSA', modulusLength, sign: { pkcs1, pss }, decrypt: { oaep } };
			}
			case 'EC': {
				const ecdsa = await importFor(crypto, pkcs8, { name: 'ECDSA', namedCurve: kind.curve }, ['sign']);
				const ecdh = await importFor(crypto, pkcs8, { name: 'ECDH', namedCurve: kind.curve }, ['deriveBits', 'deriveKey']);
				return { fingerprint, algorithm: 'EC', namedCurve: kind.curve, sign: { ecdsa }, decrypt: { ecdh } };
			}
			case 'Ed25519': {
				const ed25519 = await importFor(crypto, pkcs8, { name: 'Ed25519' }, ['sign']);
				return { fingerprint, algorithm: 'Ed25519', sign: { ed25519 }, decrypt: {} };
			}
			case 'X25519': {
				const x25519 = await importFor(crypto, pkcs8, { name: 'X25519' }, ['deriveBits', 'deriveKey']);
				return { fingerprint, algorithm: 'X25519', sign: {}, decrypt: { x25519 } };
			}
		}
	} catch (cause) {
		throw new Error(`WebCrypto refused the ${kind.algorithm} private key.`, { cause });
	}
}

/** Every CryptoKey of a key set (for checks such as non-extractability). */
export function cryptoKeysOf(set: PrivateKeySet): CryptoKey[] {
	const keys: (CryptoKey | undefined)[] = [set.sign.pkcs1, set.sign.pss, set.sign.ecdsa, set.sign.ed25519, set.decrypt.ecdh, set.decrypt.x25519, ...Object.values(set.decrypt.oaep ?? {})];
	return keys.filter((k): k is CryptoKey => k !== undefined);
}
