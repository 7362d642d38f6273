/**
 * PKCS#12 (`.p12` / `.pfx`) in every form Windows and OpenSSL export: PBES2 with AES, and the
 * legacy pbeWithSHAAnd3-KeyTripleDES-CBC / RC2-40 bags. Read with node-forge, whose PKCS#12
 * PBE, RC2 and 3DES WebCrypto lacks.
 */
import forge from 'node-forge/lib/forge.js';
import 'node-forge/lib/asn1.js';
import 'node-forge/lib/oids.js';
import 'node-forge/lib/pkcs12.js';
import 'node-forge/lib/rsa.js';
import 'node-forge/lib/x509.js';
import { fromBinary, toBinary } from '../base/bytes';
import type { KdfCost } from './kdf-cost';
import { KdfLimitError, withKdfLimits } from './kdf-guard';
import { OID_CERT_BAG, OID_KEY_BAG, OID_PKCS8_SHROUDED_KEY_BAG } from '../base/oids';

/** What a PKCS#12 file holds, as DER. */
export interface Pkcs12Contents {
	/** Certificates, DER. */
	certificates: Uint8Array[];
	/** Private keys as PKCS#8 PrivateKeyInfo DER (the caller zeroes them). */
	privateKeys: Uint8Array[];
}

/** The outcome of opening a PKCS#12 file. */
export type Pkcs12Result =
	| { ok: true; contents: Pkcs12Contents }
	| { ok: false; reason: 'wrong-passphrase' | 'malformed'; cause?: unknown }
	| { ok: false; reason: 'too-costly'; cost: KdfCost | null; total: bigint };

function derOf(node: forge.asn1.Asn1): Uint8Array {
	return fromBinary(forge.asn1.toDer(node).getBytes());
}

/**
 * Opens a PKCS#12 file with the passphrase ('' for none).
 * Every key derivation is checked against the import cost limits just before it runs.
 * @returns its certificates and PKCS#8 keys; 'wrong-passphrase' when the MAC or a bag does
 *   not open; 'malformed' when the structure is broken; 'too-costly' when a derivation is
 *   above the limits (pki/kdf-limits). Never throws.
 */
export function readPkcs12(der: Uint8Array, passphrase: string): Pkcs12Result {
	let p12: forge.pkcs12.Pkcs12Pfx;
	try {
		const asn = forge.asn1.fromDer(toBinary(der), true);
		p12 = withKdfLimits(() => forge.pkcs12.pkcs12FromAsn1(asn, true, passphrase));
	} catch (cause) {
		if (cause instanceof KdfLimitError) return { ok: false, reason: 'too-costly', cost: cause.cost, total: cause.total };
		const message = cause instanceof Error ? cause.message : '';
		if (/password|MAC|decrypt/i.test(message)) return { ok: false, reason: 'wrong-passphrase', cause };
		return { ok: false, reason: 'malformed', cause };
	}
	const certificates: Uint8Array[] = [];
	const privateKeys: Uint8Array[] = [];
	try {
		for (const safe of p12.safeContents) {
			for (const bag of safe.safeBags) {
				const extra = bag as { cert?: forge.pki.Certificate | null; key?: forge.pki.PrivateKey | null; asn1?: forge.asn1.Asn1 };
				if (bag.type === OID_CERT_BAG) {
					if (extra.cert) certificates.push(derOf(forge.pki.certificateToAsn1(extra.cert)));
					else if (extra.asn1) certificates.push(derOf(extra.asn1));
				} else if (bag.type === OID_KEY_BAG || bag.type === OID_PKCS8_SHROUDED_KEY_BAG) {
					if (extra.key) {
						const rsa = forge.pki.privateKeyToAsn1(extra.key);
						privateKeys.push(derOf(forge.pki.wrapRsaPrivateKey(rsa)));
					} else if (extra.asn1) privateKeys.push(derOf(extra.asn1));
				}
			}
		}
	} catch (cause) {
		return { ok: false, reason: 'malformed', cause };
	}
	return { ok: true, contents: { certificates, privateKeys } };
}
