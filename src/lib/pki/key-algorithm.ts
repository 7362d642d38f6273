/**
 * Which public-key algorithms we accept, identified from an AlgorithmIdentifier, and the
 * exact refusal for the ones WebCrypto cannot use (DSA, P-192, Ed448, ...).
 */
import * as asn1js from 'asn1js';

/** A supported key algorithm, as WebCrypto will import it. */
export type KeyKind =
	| { algorithm: 'RSA' }
	| { algorithm: 'EC'; curve: 'P-256' | 'P-384' | 'P-521' }
	| { algorithm: 'Ed25519' }
	| { algorithm: 'X25519' };

/** The outcome of identifying an algorithm: supported, or refused with its name. */
export type KeyKindResult = { ok: true; kind: KeyKind } | { ok: false; name: string };

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
	'1.2.840.10045.3.1.7': 'P-256',
	'1.3.132.0.34': 'P-384',
	'1.3.132.0.35': 'P-521'
};

const UNSUPPORTED_CURVES: Record<string, string> = {
	'1.2.840.10045.3.1.1': 'the elliptic curve P-192',
	'1.3.132.0.33': 'the elliptic curve P-224',
	'1.3.132.0.10': 'the elliptic curve secp256k1',
	'1.3.36.3.3.2.8.1.1.7': 'the elliptic curve brainpoolP256r1',
	'1.3.36.3.3.2.8.1.1.11': 'the elliptic curve brainpoolP384r1',
	'1.3.36.3.3.2.8.1.1.13': 'the elliptic curve brainpoolP512r1'
};

const UNSUPPORTED: Record<string, string> = {
	'1.2.840.10040.4.1': 'DSA',
	'1.2.840.113549.1.1.10': 'RSASSA-PSS-only RSA',
	'1.3.101.113': 'Ed448',
	'1.3.101.111': 'X448',
	'1.2.840.10046.2.1': 'Diffie-Hellman (X9.42)',
	'1.2.643.7.1.1.1.1': 'GOST R 34.10-2012'
};

/**
 * Identifies a key algorithm from the OID and parameters of an AlgorithmIdentifier.
 * Never throws; an unknown algorithm is refused with its OID as its name.
 */
export function identifyKey(oid: string, parameters: asn1js.AsnType | undefined): KeyKindResult {
	switch (oid) {
		case '1.2.840.113549.1.1.1':
			return { ok: true, kind: { algorithm: 'RSA' } };
		case '1.3.101.112':
			return { ok: true, kind: { algorithm: 'Ed25519' } };
		case '1.3.101.110':
			return { ok: true, kind: { algorithm: 'X25519' } };
		case '1.2.840.10045.2.1': {
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
