/**
 * The digest and signature algorithms CMS signatures use, mapped to WebCrypto, with the
 * algorithm policy: MD5 refused, SHA-1 reported as weak (the S/MIME layer refuses it unless the admin accepts it), SHA-224 unsupported (WebCrypto lacks it).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import * as O from '../base/oids';

/** A WebCrypto digest name. */
export type DigestName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** The outcome of looking up a digest OID. */
export type DigestLookup =
	| { ok: true; name: DigestName; weak?: string }
	| { ok: false; refused: boolean; reason: string };

const DIGESTS: Record<string, DigestName> = {
	[O.OID_SHA1]: 'SHA-1',
	[O.OID_SHA256]: 'SHA-256',
	[O.OID_SHA384]: 'SHA-384',
	[O.OID_SHA512]: 'SHA-512'
};

/** Looks up a digest algorithm OID. Never throws. */
export function lookupDigest(oid: string): DigestLookup {
	if (oid === O.OID_MD5) return { ok: false, refused: true, reason: 'MD5 signatures are refused.' };
	const name = DIGESTS[oid];
	if (!name) return { ok: false, refused: false, reason: `Unsupported digest algorithm ${oid}.` };
	return name === 'SHA-1' ? { ok: true, name, weak: 'SHA-1' } : { ok: true, name };
}

/** How to check one signature with WebCrypto. */
export interface SignatureVerifier {
	/** Algorithm for importKey of the SPKI. */
	importAlgorithm: RsaHashedImportParams | EcKeyImportParams | { name: 'Ed25519' };
	/** Algorithm for verify. */
	verifyAlgorithm: { name: 'RSASSA-PKCS1-v1_5' } | RsaPssParams | EcdsaParams | { name: 'Ed25519' };
	/** Raw r||s length for ECDSA: the DER signature must be converted. */
	ecdsaFieldBytes?: number;
	/** Short display name, e.g. "RSASSA-PKCS1-v1_5 with SHA-256". */
	display: string;
	/** Hash used inside the signature, for the weak-algorithm warning. */
	hash?: DigestName;
}

/** The outcome of resolving a signature algorithm. */
export type VerifierLookup =
	| { ok: true; verifier: SignatureVerifier }
	| { ok: false; refused: boolean; reason: string };

const RSA_WITH: Record<string, DigestName | 'MD5'> = {
	[O.OID_MD5_WITH_RSA]: 'MD5',
	[O.OID_SHA1_WITH_RSA]: 'SHA-1',
	[O.OID_SHA256_WITH_RSA]: 'SHA-256',
	[O.OID_SHA384_WITH_RSA]: 'SHA-384',
	[O.OID_SHA512_WITH_RSA]: 'SHA-512'
};
const ECDSA_WITH: Record<string, DigestName> = {
	[O.OID_ECDSA_WITH_SHA1]: 'SHA-1',
	[O.OID_ECDSA_WITH_SHA256]: 'SHA-256',
	[O.OID_ECDSA_WITH_SHA384]: 'SHA-384',
	[O.OID_ECDSA_WITH_SHA512]: 'SHA-512'
};
const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; bytes: number }> = {
	[O.OID_CURVE_P256]: { name: 'P-256', bytes: 32 },
	[O.OID_CURVE_P384]: { name: 'P-384', bytes: 48 },
	[O.OID_CURVE_P521]: { name: 'P-521', bytes: 66 }
};

/**
 * Resolves how to verify a signature made with `signatureAlgorithm` by the key in `spki`.
 * `digest` is the SignerInfo digest algorithm, used when the signature OID names no hash.
 * Never throws.
 */
export function resolveVerifier(
	signatureAlgorithm: pkijs.AlgorithmIdentifier,
	digest: DigestName,
	spki: pkijs.PublicKeyInfo
): VerifierLookup {
	const oid = signatureAlgorithm.algorithmId;
	const keyOid = spki.algorithm.algorithmId;
	const fail = (reason: string, refused = false): VerifierLookup => ({ ok: false, refused, reason });
	if (oid === O.OID_RSA_ENCRYPTION || oid in RSA_WITH) {
		const hash = oid === O.OID_RSA_ENCRYPTION ? digest : RSA_WITH[oid];
		if (hash === 'MD5') return fail('MD5 signatures are refused.', true);
		if (!hash) return fail(`Unsupported signature algorithm ${oid}.`);
		if (keyOid !== O.OID_RSA_ENCRYPTION) return fail('The signature algorithm does not match the key.');
		return {
			ok: true,
			verifier: {
				importAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash },
				verifyAlgorithm: { name: 'RSASSA-PKCS1-v1_5' },
				display: `RSASSA-PKCS1-v1_5 with ${hash}`,
				hash
			}
		};
	}
	if (oid === O.OID_RSASSA_PSS) {
		if (keyOid !== O.OID_RSA_ENCRYPTION && keyOid !== O.OID_RSASSA_PSS)
			return fail('The signature algorithm does not match the key.');
		let params: pkijs.RSASSAPSSParams;
		try {
			params = new pkijs.RSASSAPSSParams({
				schema: signatureAlgorithm.algorithmParams as asn1js.AsnType | undefined
			});
		} catch {
			return fail('The RSA-PSS parameters are malformed.');
		}
		const hashLookup = lookupDigest(params.hashAlgorithm.algorithmId);
		if (!hashLookup.ok) return fail(hashLookup.reason, hashLookup.refused);
		const mgfHash = params.maskGenAlgorithm.algorithmParams as asn1js.AsnType | undefined;
		if (params.maskGenAlgorithm.algorithmId !== O.OID_MGF1)
			return fail('Only MGF1 is supported for RSA-PSS.');
		if (mgfHash) {
			const mgf = new pkijs.AlgorithmIdentifier({ schema: mgfHash });
			if (mgf.algorithmId !== params.hashAlgorithm.algorithmId)
				return fail('RSA-PSS with a different MGF1 hash is not supported.');
		}
		return {
			ok: true,
			verifier: {
				importAlgorithm: { name: 'RSA-PSS', hash: hashLookup.name },
				verifyAlgorithm: { name: 'RSA-PSS', saltLength: params.saltLength },
				display: `RSA-PSS with ${hashLookup.name}`,
				hash: hashLookup.name
			}
		};
	}
	if (oid in ECDSA_WITH || (oid === O.OID_EC_PUBLIC_KEY && keyOid === O.OID_EC_PUBLIC_KEY)) {
		const hash = ECDSA_WITH[oid] ?? digest;
		if (keyOid !== O.OID_EC_PUBLIC_KEY) return fail('The signature algorithm does not match the key.');
		const curveParam = spki.algorithm.algorithmParams as asn1js.AsnType | undefined;
		const curve =
			curveParam instanceof asn1js.ObjectIdentifier ? CURVES[curveParam.valueBlock.toString()] : undefined;
		if (!curve) return fail('Unsupported elliptic curve.');
		return {
			ok: true,
			verifier: {
				importAlgorithm: { name: 'ECDSA', namedCurve: curve.name },
				verifyAlgorithm: { name: 'ECDSA', hash },
				ecdsaFieldBytes: curve.bytes,
				display: `ECDSA ${curve.name} with ${hash}`,
				hash
			}
		};
	}
	if (oid === O.OID_ED25519) {
		if (keyOid !== O.OID_ED25519) return fail('The signature algorithm does not match the key.');
		return {
			ok: true,
			verifier: {
				importAlgorithm: { name: 'Ed25519' },
				verifyAlgorithm: { name: 'Ed25519' },
				display: 'Ed25519'
			}
		};
	}
	return fail(`Unsupported signature algorithm ${oid}.`);
}

/**
 * Converts a DER Ecdsa-Sig-Value to WebCrypto's raw r||s.
 * Returns null when the DER is malformed or an integer does not fit the field.
 */
function ecdsaDerToRaw(der: Uint8Array, fieldBytes: number): Uint8Array<ArrayBuffer> | null {
	const parsed = asn1js.fromBER(der.slice());
	if (parsed.offset !== der.length || !(parsed.result instanceof asn1js.Sequence)) return null;
	const parts = parsed.result.valueBlock.value;
	if (parts.length !== 2) return null;
	const out = new Uint8Array(fieldBytes * 2);
	for (let i = 0; i < 2; i++) {
		const int = parts[i];
		if (!(int instanceof asn1js.Integer)) return null;
		let v = int.valueBlock.valueHexView;
		while (v.length > 1 && v[0] === 0) v = v.subarray(1);
		if (v.length > fieldBytes) return null;
		out.set(v, fieldBytes * (i + 1) - v.length);
	}
	return out;
}

/** Converts WebCrypto's raw r||s ECDSA signature to a DER Ecdsa-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
	const half = raw.length / 2;
	const int = (b: Uint8Array): asn1js.Integer => {
		let v = b;
		while (v.length > 1 && v[0] === 0) v = v.subarray(1);
		const bytes = (v[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...v) : v.slice();
		return new asn1js.Integer({ valueHex: bytes });
	};
	return new Uint8Array(
		new asn1js.Sequence({ value: [int(raw.subarray(0, half)), int(raw.subarray(half))] }).toBER()
	);
}

/**
 * Verifies one signature with WebCrypto. Returns false for a signature that does not verify,
 * including a malformed ECDSA encoding. Throws only when the key cannot be imported.
 */
export async function verifyWith(
	verifier: SignatureVerifier,
	spkiDer: Uint8Array,
	data: Uint8Array,
	signature: Uint8Array,
	crypto: Crypto
): Promise<boolean> {
	const key = await crypto.subtle.importKey('spki', spkiDer.slice(), verifier.importAlgorithm, false, ['verify']);
	let sig: Uint8Array<ArrayBuffer> | null = signature.slice();
	if (verifier.ecdsaFieldBytes !== undefined) sig = ecdsaDerToRaw(signature, verifier.ecdsaFieldBytes);
	if (!sig) return false;
	try {
		return await crypto.subtle.verify(verifier.verifyAlgorithm, key, sig, data.slice());
	} catch {
		return false;
	}
}
