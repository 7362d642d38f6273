/**
 * The sending side of RecipientInfos: RSA key transport (PKCS#1 v1.5 through the legacy
 * chunk, or RSA-OAEP with SHA-256), ECDH ephemeral-static for EC recipients
 * (dhSinglePass-stdDH-sha256kdf-scheme with AES-256 key wrap) and X25519 with HKDF-SHA256
 * (RFC 8418). Recipients are identified by issuer and serial.
 */
import { concatBytes, exact } from '../base/bytes';
import { algId, der, derInt, derNull, octetString, seq } from './enveloped-asn1';
import { eccCmsSharedInfo, hkdf, x963Kdf } from './kdf';
import * as O from '../base/oids';
import { parseRecipientCert, type RecipientCert } from './recipients-cert';

/** Key transport for RSA recipients. */
export type KeyTransport = 'rsa-pkcs1' | 'rsa-oaep-sha256';

/** One recipient of an outgoing message. */
export interface EncryptRecipient {
	/** The recipient's certificate, DER. */
	certificate: Uint8Array;
	/** RSA only; default 'rsa-pkcs1'. */
	keyTransport?: KeyTransport;
}

/** Thrown when a recipient certificate cannot receive encrypted mail from us. */
export class RecipientKeyError extends Error {
	override name = 'RecipientKeyError';
}

function issuerAndSerial(cert: RecipientCert): Uint8Array {
	return seq(cert.issuer, der(0x02, cert.serial));
}

async function ktri(crypto: Crypto, cert: RecipientCert, cek: Uint8Array, kt: KeyTransport): Promise<Uint8Array> {
	if (kt === 'rsa-oaep-sha256') {
		const pub = await crypto.subtle.importKey('spki', exact(cert.spki), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
		const ek = new Uint8Array(await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, pub, exact(cek)));
		const sha256 = algId(O.OID_SHA256, derNull());
		const params = seq(der(0xa0, sha256), der(0xa1, algId(O.OID_MGF1, sha256)));
		return seq(derInt(0), issuerAndSerial(cert), algId(O.OID_RSAES_OAEP, params), octetString(ek));
	}
	const { rsaPkcs1Encrypt } = await import('../legacy/rsa-pkcs1');
	const ek = rsaPkcs1Encrypt(cert.spki, cek, crypto);
	return seq(derInt(0), issuerAndSerial(cert), algId(O.OID_RSA_ENCRYPTION, derNull()), octetString(ek));
}

const CURVE_BITS = { 'P-256': 256, 'P-384': 384, 'P-521': 528 } as const;

async function kari(crypto: Crypto, cert: RecipientCert, cek: Uint8Array): Promise<Uint8Array> {
	let z: Uint8Array;
	/** The content octets of OriginatorPublicKey (algorithm, publicKey). */
	let originatorKey: Uint8Array;
	let kdfOid: string;
	if (cert.keyType === 'EC') {
		const curve = cert.namedCurve;
		if (!curve) throw new RecipientKeyError('The recipient uses an elliptic curve that Sealdesk does not support.');
		const peer = await crypto.subtle.importKey('spki', exact(cert.spki), { name: 'ECDH', namedCurve: curve }, false, []);
		const eph = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: curve }, true, ['deriveBits']);
		z = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, eph.privateKey, CURVE_BITS[curve]));
		const point = new Uint8Array(await crypto.subtle.exportKey('raw', eph.publicKey));
		originatorKey = concatBytes([algId(O.OID_EC_PUBLIC_KEY), der(0x03, new Uint8Array([0]), point)]);
		kdfOid = O.OID_DH_SINGLE_PASS_SHA256KDF;
	} else {
		const peer = await crypto.subtle.importKey('spki', exact(cert.spki), { name: 'X25519' }, false, []);
		const eph = await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits']);
		z = new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, eph.privateKey, 256));
		const point = new Uint8Array(await crypto.subtle.exportKey('raw', eph.publicKey));
		originatorKey = concatBytes([algId(O.OID_X25519), der(0x03, new Uint8Array([0]), point)]);
		kdfOid = O.OID_DH_SINGLE_PASS_HKDF_SHA256;
	}
	const info = eccCmsSharedInfo(O.OID_AES256_WRAP, 32, null);
	const kekBytes =
		kdfOid === O.OID_DH_SINGLE_PASS_SHA256KDF
			? await x963Kdf(crypto, 'SHA-256', z, info, 32)
			: await hkdf(crypto, 'SHA-256', z, new Uint8Array(), info, 32);
	z.fill(0);
	const kek = await crypto.subtle.importKey('raw', exact(kekBytes), 'AES-KW', false, ['wrapKey']);
	kekBytes.fill(0);
	const cekKey = await crypto.subtle.importKey('raw', exact(cek), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
	const wrapped = new Uint8Array(await crypto.subtle.wrapKey('raw', cekKey, kek, 'AES-KW'));
	return der(
		0xa1,
		derInt(3),
		der(0xa0, der(0xa1, originatorKey)),
		algId(kdfOid, algId(O.OID_AES256_WRAP)),
		seq(seq(issuerAndSerial(cert), octetString(wrapped)))
	);
}

/**
 * Builds one RecipientInfo (DER) that carries `cek` to the recipient. Throws
 * RecipientKeyError when the certificate's key cannot be used for encryption by us.
 */
export async function buildRecipientInfo(crypto: Crypto, r: EncryptRecipient, cek: Uint8Array): Promise<{ der: Uint8Array; version: number }> {
	let cert: RecipientCert;
	try {
		cert = parseRecipientCert(r.certificate);
	} catch (e) {
		throw new RecipientKeyError('A recipient certificate could not be read.', { cause: e });
	}
	switch (cert.keyType) {
		case 'RSA':
			return { der: await ktri(crypto, cert, cek, r.keyTransport ?? 'rsa-pkcs1'), version: 0 };
		case 'EC':
		case 'X25519':
			return { der: await kari(crypto, cert, cek), version: 3 };
		default:
			throw new RecipientKeyError('A recipient certificate has a key that cannot receive encrypted mail.');
	}
}
