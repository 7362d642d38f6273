/**
 * PKCS#8 private keys: wrapping traditional `RSA PRIVATE KEY` and `EC PRIVATE KEY`
 * structures, identifying the algorithm, and decrypting `ENCRYPTED PRIVATE KEY`
 * (PBES2 with PBKDF2 and AES-CBC through WebCrypto; PKCS#12 PBE through the legacy module).
 */
import * as asn1js from 'asn1js';
import { exact } from '../base/bytes';
import { identifyKey, type KeyKindResult } from './key-algorithm';
import { ImportError, wrongPassphrase } from './errors';
import { checkKdfCosts, integerValue } from './kdf-limits';
import * as O from '../base/oids';

const RSA_OID = O.OID_RSA_ENCRYPTION;
const EC_OID = O.OID_EC_PUBLIC_KEY;
const PBES2_OID = O.OID_PBES2;
const PBKDF2_OID = O.OID_PBKDF2;

const PRFS: Record<string, string> = {
	[O.OID_HMAC_SHA1]: 'SHA-1',
	[O.OID_HMAC_SHA224]: 'SHA-224',
	[O.OID_HMAC_SHA256]: 'SHA-256',
	[O.OID_HMAC_SHA384]: 'SHA-384',
	[O.OID_HMAC_SHA512]: 'SHA-512'
};

const AES_CBC: Record<string, number> = {
	[O.OID_AES128_CBC]: 16,
	[O.OID_AES192_CBC]: 24,
	[O.OID_AES256_CBC]: 32
};

function seq(node: asn1js.AsnType | undefined): asn1js.AsnType[] | null {
	return node instanceof asn1js.Sequence ? node.valueBlock.value : null;
}

function der(bytes: Uint8Array): asn1js.AsnType | null {
	const r = asn1js.fromBER(exact(bytes));
	return r.offset === bytes.byteLength ? r.result : null;
}

/** Wraps a PKCS#1 RSAPrivateKey DER in a PKCS#8 PrivateKeyInfo. */
export function wrapRsaPrivateKey(rsa: Uint8Array): Uint8Array<ArrayBuffer> {
	return exact(
		new Uint8Array(
			new asn1js.Sequence({
				value: [
					new asn1js.Integer({ value: 0 }),
					new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: RSA_OID }), new asn1js.Null()] }),
					new asn1js.OctetString({ valueHex: exact(rsa) })
				]
			}).toBER()
		)
	);
}

/**
 * Wraps an SEC 1 ECPrivateKey DER in a PKCS#8 PrivateKeyInfo, taking the curve from its
 * parameters field (or from `curveOid`, such as a preceding `EC PARAMETERS` block).
 * @throws Error when the structure is not an ECPrivateKey or names no curve
 */
export function wrapEcPrivateKey(ec: Uint8Array, curveOid?: string): Uint8Array<ArrayBuffer> {
	const items = seq(der(ec) ?? undefined);
	if (!items) throw new Error('Not an EC private key.');
	let curve = curveOid;
	for (const item of items) {
		if (item instanceof asn1js.Constructed && item.idBlock.tagClass === 3 && item.idBlock.tagNumber === 0) {
			const inner = item.valueBlock.value[0];
			if (inner instanceof asn1js.ObjectIdentifier) curve = inner.valueBlock.toString();
		}
	}
	if (!curve) throw new Error('The EC private key names no curve.');
	return exact(
		new Uint8Array(
			new asn1js.Sequence({
				value: [
					new asn1js.Integer({ value: 0 }),
					new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: EC_OID }), new asn1js.ObjectIdentifier({ value: curve })] }),
					new asn1js.OctetString({ valueHex: exact(ec) })
				]
			}).toBER()
		)
	);
}

/**
 * Identifies the algorithm of a PKCS#8 PrivateKeyInfo.
 * @returns null when the bytes are not a PrivateKeyInfo
 */
export function pkcs8Kind(pkcs8: Uint8Array): KeyKindResult | null {
	const items = seq(der(pkcs8) ?? undefined);
	if (!items || items.length < 3 || !(items[0] instanceof asn1js.Integer) || !(items[2] instanceof asn1js.OctetString)) return null;
	const alg = seq(items[1]);
	const oid = alg?.[0];
	if (!(oid instanceof asn1js.ObjectIdentifier)) return null;
	return identifyKey(oid.valueBlock.toString(), alg?.[1]);
}

/** True when the DER looks like an EncryptedPrivateKeyInfo (AlgorithmIdentifier, OCTET STRING). */
export function isEncryptedPkcs8(bytes: Uint8Array): boolean {
	const items = seq(der(bytes) ?? undefined);
	if (items?.length !== 2 || !(items[1] instanceof asn1js.OctetString)) return false;
	const alg = seq(items[0]);
	return alg?.[0] instanceof asn1js.ObjectIdentifier;
}

/** The encryption algorithm OID of an EncryptedPrivateKeyInfo (for choosing the decryptor). */
function encryptedPkcs8Algorithm(bytes: Uint8Array): string {
	const items = seq(der(bytes) ?? undefined);
	const alg = seq(items?.[0]);
	const oid = alg?.[0];
	return oid instanceof asn1js.ObjectIdentifier ? oid.valueBlock.toString() : '';
}

/** True when the PBES2 scheme is one WebCrypto can run (PBKDF2 + AES-CBC). */
export function isPbes2(bytes: Uint8Array): boolean {
	return encryptedPkcs8Algorithm(bytes) === PBES2_OID;
}

/**
 * Decrypts a PBES2 (PBKDF2 + AES-CBC) EncryptedPrivateKeyInfo with WebCrypto.
 * @returns the PKCS#8 PrivateKeyInfo (the caller zeroes it when done)
 * The iteration count is read at any size and checked against the import cost limits first.
 * @param name the file's name, for the refusal of a count above the limits
 * @throws ImportError 'wrong-passphrase' when the passphrase is wrong;
 *   'unsupported-algorithm' for PBES2 schemes other than PBKDF2 + AES-CBC; 'too-costly' above the limits
 */
export async function decryptPbes2(bytes: Uint8Array, passphrase: string, crypto: Crypto, name = 'The private key'): Promise<Uint8Array<ArrayBuffer>> {
	const items = seq(der(bytes) ?? undefined);
	const alg = seq(items?.[0]);
	const params = seq(alg?.[1]);
	const kdf = seq(params?.[0]);
	const enc = seq(params?.[1]);
	const kdfParams = seq(kdf?.[1]);
	const encrypted = items?.[1];
	const kdfOid = kdf?.[0];
	const encOid = enc?.[0];
	const salt = kdfParams?.[0];
	const count = kdfParams?.[1];
	const iv = enc?.[1];
	if (
		!(encrypted instanceof asn1js.OctetString) ||
		!(kdfOid instanceof asn1js.ObjectIdentifier) ||
		!(encOid instanceof asn1js.ObjectIdentifier) ||
		!(salt instanceof asn1js.OctetString) ||
		!(count instanceof asn1js.Integer) ||
		!(iv instanceof asn1js.OctetString)
	) {
		throw new Error('Malformed PBES2 parameters.');
	}
	const keyLength = AES_CBC[encOid.valueBlock.toString()];
	if (kdfOid.valueBlock.toString() !== PBKDF2_OID || keyLength === undefined) {
		throw new ImportError('unsupported-algorithm', `The private key is encrypted with ${encOid.valueBlock.toString()}, which is not supported. Use AES-CBC.`);
	}
	let prf = 'SHA-1';
	for (const p of kdfParams?.slice(2) ?? []) {
		const prfOid = seq(p)?.[0];
		if (prfOid instanceof asn1js.ObjectIdentifier) {
			const hash = PRFS[prfOid.valueBlock.toString()];
			if (!hash) throw new ImportError('unsupported-algorithm', `The private key uses the PBKDF2 function ${prfOid.valueBlock.toString()}, which is not supported.`);
			prf = hash;
		}
	}
	const iterations = integerValue(count) ?? 0n;
	checkKdfCosts(name, [{ use: 'PBKDF2', iterations }]);
	const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
	const key = await crypto.subtle.deriveKey(
		{ name: 'PBKDF2', salt: exact(salt.valueBlock.valueHexView), iterations: Number(iterations), hash: prf },
		base,
		{ name: 'AES-CBC', length: keyLength * 8 },
		false,
		['decrypt']
	);
	let plain: Uint8Array<ArrayBuffer>;
	try {
		plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: exact(iv.valueBlock.valueHexView) }, key, exact(encrypted.valueBlock.valueHexView)));
	} catch (error) {
		throw wrongPassphrase(error);
	}
	// A wrong passphrase passes the padding check about once in 256 tries.
	if (pkcs8Kind(plain) === null) {
		plain.fill(0);
		throw wrongPassphrase();
	}
	return plain;
}
