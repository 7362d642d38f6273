/**
 * Which public-key algorithms we accept, identified from an AlgorithmIdentifier, and the
 * exact refusal for the ones WebCrypto cannot use (DSA, P-192, Ed448, ...).
 */
import * as asn1js from 'asn1js';
import * as O from '../base/oids';

/** A supported key algorithm, as WebCrypto will import it. */
export type KeyKind =
	| { algorithm: 'RSA' }
	| { algorithm: 'EC'; curve: 'P-256' | 'P-384' | 'P-521' }
	| { algorithm: 'Ed25519' }
	| { algorithm: 'X25519' };

/** The outcome of identifying an algorithm: supported, or refused with its name. */
export type KeyKindResult = { ok: true; kind: KeyKind } | { ok: false; name: string };

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
	[O.OID_CURVE_P256]: 'P-256',
	[O.OID_CURVE_P384]: 'P-384',
	[O.OID_CURVE_P521]: 'P-521'
};

const UNSUPPORTED_CURVES: Record<string, string> = {
	[O.OID_CURVE_P192]: 'the elliptic curve P-192',
	[O.OID_CURVE_P224]: 'the elliptic curve P-224',
	[O.OID_CURVE_SECP256K1]: 'the elliptic curve secp256k1',
	[O.OID_CURVE_BRAINPOOL_P256R1]: 'the elliptic curve brainpoolP256r1',
	[O.OID_CURVE_BRAINPOOL_P384R1]: 'the elliptic curve brainpoolP384r1',
	[O.OID_CURVE_BRAINPOOL_P512R1]: 'the elliptic curve brainpoolP512r1'
};

const UNSUPPORTED: Record<string, string> = {
	[O.OID_DSA]: 'DSA',
	[O.OID_RSASSA_PSS]: 'RSASSA-PSS-only RSA',
	[O.OID_ED448]: 'Ed448',
	[O.OID_X448]: 'X448',
	[O.OID_DH_X942]: 'Diffie-Hellman (X9.42)',
	[O.OID_GOST_2012_256]: 'GOST R 34.10-2012'
};

/**
 * Identifies a key algorithm from the OID and parameters of an AlgorithmIdentifier.
 * Never throws; an unknown algorithm is refused with its OID as its name.
 */
export function identifyKey(oid: string, parameters: asn1js.AsnType | undefined): KeyKindResult {
	switch (oid) {
		case O.OID_RSA_ENCRYPTION:
			return { ok: true, kind: { algorithm: 'RSA' } };
		case O.OID_ED25519:
			return { ok: true, kind: { algorithm: 'Ed25519' } };
		case O.OID_X25519:
			return { ok: true, kind: { algorithm: 'X25519' } };
		case O.OID_EC_PUBLIC_KEY: {
			const curveOid = parameters instanceof asn1js.ObjectIdentifier ? parameters.valueBlock.toString() : '';
			const curve = CURVES[curveOid];
			if (curve) return { ok: true, kind: { algorithm: 'EC', curve } };
			return { ok: false, name: UNSUPPORTED_CURVES[curveOid] ?? (curveOid ? `the elliptic curve ${curveOid}` : 'explicit elliptic curve parameters') };
		}
		default:
			return { ok: false, name: UNSUPPORTED[oid] ?? `the algorithm ${oid}` };
	}
}

/** The refusal for a private key in an algorithm we cannot use; contains Zammad's sentence. */
export function unsupportedKeyMessage(name: string): string {
	return `This private key uses ${name}, which WebCrypto does not offer. The private key is not valid for S/MIME usage. Please check the key cryptographic algorithm.`;
}

/** The refusal for a certificate whose key we cannot use; contains Zammad's sentence. */
export function unsupportedCertificateMessage(name: string): string {
	return `This certificate's key uses ${name}, which WebCrypto does not offer. The certificate is not valid for S/MIME usage. Please check the key usage, subject alternative name and public key cryptographic algorithm.`;
}

/** The WebCrypto algorithm for importing a key of this kind for signing or agreement. */
export function primaryImportAlgorithm(kind: KeyKind): RsaHashedImportParams | EcKeyImportParams | Algorithm {
	switch (kind.algorithm) {
		case 'RSA':
			return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
		case 'EC':
			return { name: 'ECDSA', namedCurve: kind.curve };
		case 'Ed25519':
			return { name: 'Ed25519' };
		case 'X25519':
			return { name: 'X25519' };
	}
}
