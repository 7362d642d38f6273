/**
 * Making CMS SignedData (RFC 5652 §5) with WebCrypto keys: SHA-256 (SHA-512 for Ed25519,
 * RFC 8419), DER-sorted signed attributes, the signer certificate and its chain included.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { PrivateKeySet } from '../pki/keyset';
import { bufferSource, concatBytes, equalBytes, toHex } from '../base/bytes';
import { buildSignedAttributes, encodeDerSet, encodeLength } from './attributes';
import type { SmimeCapability } from './attributes';
import { ecdsaRawToDer } from './algorithms';
import * as O from '../base/oids';
import { Certificate } from '../pki/certificate';

/** RSA signature scheme: PKCS#1 v1.5 (default) or RSA-PSS. EC keys use ECDSA, Ed25519 keys Ed25519. */
export type SignatureScheme = 'pkcs1' | 'pss';

/** Options of {@link signData}. */
export interface SignDataOptions {
	/** The exact bytes to sign (for S/MIME, the canonical MIME entity). */
	content: Uint8Array;
	/** true: detached (multipart/signed); false: encapsulated (opaque signed-data). */
	detached: boolean;
	/** DER of the signer certificate. */
	certificate: Uint8Array;
	/** DER of the intermediates to include (not the root). */
	chain: Uint8Array[];
	keys: PrivateKeySet;
	scheme?: SignatureScheme;
	/** What we can decrypt, in preference order, advertised in SMIMECapabilities. */
	capabilities: SmimeCapability[];
	/** The signing time. */
	now: Date;
	crypto: Crypto;
}

const NULL = Uint8Array.of(0x05, 0x00);

/**
 * Signs `content` and returns the DER of a ContentInfo holding the SignedData.
 * @throws {Error} when the key set does not belong to the certificate, has no key for the
 *   requested scheme, or the certificate cannot be parsed; when WebCrypto fails (with `cause`).
 */
export async function signData(o: SignDataOptions): Promise<Uint8Array> {
	const allowed = new Set(['content', 'detached', 'certificate', 'chain', 'keys', 'scheme', 'capabilities', 'now', 'crypto']);
	for (const k of Object.keys(o)) if (!allowed.has(k)) throw new TypeError(`Unknown option ${k}.`);
	const { crypto } = o;
	const fingerprint = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', o.certificate.slice())));
	if (fingerprint !== o.keys.fingerprint.toLowerCase())
		throw new Error('The private key does not belong to the signing certificate.');
	let cert: pkijs.Certificate;
	try {
		cert = Certificate.parse(o.certificate).pkijs;
	} catch (cause) {
		throw new Error('The signing certificate cannot be read.', { cause });
	}
	const plan = signingPlan(o.keys, o.scheme ?? 'pkcs1');
	// A view, not a copy: WebCrypto copies its input itself.
	const digest = new Uint8Array(await crypto.subtle.digest(plan.digest, bufferSource(o.content)));
	const attrs = buildSignedAttributes({
		contentType: O.OID_DATA,
		messageDigest: digest,
		signingTime: o.now,
		capabilities: o.capabilities
	});
	const signedAttrsSet = concatBytes([encodeDerSet(attrs)]);
	let signature: Uint8Array;
	try {
		const raw = new Uint8Array(await crypto.subtle.sign(plan.algorithm, plan.key, signedAttrsSet));
		signature = plan.ecdsa ? ecdsaRawToDer(raw) : raw;
	} catch (cause) {
		throw new Error('The private key could not sign.', { cause });
	}
	const digestAlg = algId(plan.digestOid);
	const sid = tlv(
		0x30,
		new Uint8Array(cert.issuer.toSchema().toBER()),
		new Uint8Array(cert.serialNumber.toBER())
	);
	const signerInfo = tlv(
		0x30,
		Uint8Array.of(0x02, 0x01, 0x01),
		sid,
		digestAlg,
		concatBytes([Uint8Array.of(0xa0), signedAttrsSet.subarray(1)]),
		plan.signatureAlgorithm,
		tlv(0x04, signature)
	);
	const encap = o.detached
		? tlv(0x30, oid(O.OID_DATA))
		: tlv(0x30, oid(O.OID_DATA), tlv(0xa0, tlv(0x04, o.content)));
	const certs = encodeDerSet([o.certificate, ...o.chain.filter((c) => !equalBytes(c, o.certificate))]);
	const signedData = tlv(
		0x30,
		Uint8Array.of(0x02, 0x01, 0x01),
		encodeDerSet([digestAlg]),
		encap,
		concatBytes([Uint8Array.of(0xa0), certs.subarray(1)]),
		encodeDerSet([signerInfo])
	);
	return tlv(0x30, oid(O.OID_SIGNED_DATA), tlv(0xa0, signedData));
}

interface SigningPlan {
	key: CryptoKey;
	algorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
	digest: 'SHA-256' | 'SHA-512';
	digestOid: string;
	signatureAlgorithm: Uint8Array;
	ecdsa: boolean;
}

function signingPlan(keys: PrivateKeySet, scheme: SignatureScheme): SigningPlan {
	const missing = (): Error => new Error('This private key cannot sign.');
	switch (keys.algorithm) {
		case 'RSA': {
			if (scheme === 'pss') {
				if (!keys.sign.pss) throw missing();
				const sha256 = algId(O.OID_SHA256, NULL);
				const params = tlv(
					0x30,
					tlv(0xa0, sha256),
					tlv(0xa1, algId(O.OID_MGF1, sha256)),
					tlv(0xa2, Uint8Array.of(0x02, 0x01, 32))
				);
				return {
					key: keys.sign.pss,
					algorithm: { name: 'RSA-PSS', saltLength: 32 },
					digest: 'SHA-256',
					digestOid: O.OID_SHA256,
					signatureAlgorithm: algId(O.OID_RSASSA_PSS, params),
					ecdsa: false
				};
			}
			if (!keys.sign.pkcs1) throw missing();
			return {
				key: keys.sign.pkcs1,
				algorithm: { name: 'RSASSA-PKCS1-v1_5' },
				digest: 'SHA-256',
				digestOid: O.OID_SHA256,
				signatureAlgorithm: algId(O.OID_RSA_ENCRYPTION, NULL),
				ecdsa: false
			};
		}
		case 'EC':
			if (!keys.sign.ecdsa) throw missing();
			return {
				key: keys.sign.ecdsa,
				algorithm: { name: 'ECDSA', hash: 'SHA-256' },
				digest: 'SHA-256',
				digestOid: O.OID_SHA256,
				signatureAlgorithm: algId(O.OID_ECDSA_WITH_SHA256),
				ecdsa: true
			};
		case 'Ed25519':
			if (!keys.sign.ed25519) throw missing();
			return {
				key: keys.sign.ed25519,
				algorithm: { name: 'Ed25519' },
				digest: 'SHA-512',
				digestOid: O.OID_SHA512,
				signatureAlgorithm: algId(O.OID_ED25519),
				ecdsa: false
			};
		case 'X25519':
			throw missing();
	}
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
	const body = concatBytes(parts);
	return concatBytes([Uint8Array.of(tag), encodeLength(body.length), body]);
}

function oid(value: string): Uint8Array {
	return new Uint8Array(new asn1js.ObjectIdentifier({ value }).toBER());
}

function algId(value: string, params?: Uint8Array): Uint8Array {
	return params ? tlv(0x30, oid(value), params) : tlv(0x30, oid(value));
}
