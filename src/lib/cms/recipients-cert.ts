/**
 * What the recipient code needs from a certificate: its issuer and serial, subject key
 * identifier and public key.
 */
import { children, oidOf, parseOne, type Tlv } from './enveloped-asn1';
import {
	OID_AT_COMMON_NAME,
	OID_AT_COUNTRY,
	OID_AT_EMAIL_ADDRESS,
	OID_AT_LOCALITY,
	OID_AT_ORGANIZATION,
	OID_AT_ORGANIZATIONAL_UNIT,
	OID_AT_STATE,
	OID_CURVE_P256,
	OID_CURVE_P384,
	OID_CURVE_P521,
	OID_EC_PUBLIC_KEY,
	OID_EXT_SUBJECT_KEY_IDENTIFIER,
	OID_RSA_ENCRYPTION,
	OID_X25519
} from '../base/oids';

/** The recipient-relevant parts of one certificate. */
export interface RecipientCert {
	der: Uint8Array;
	/** DER of the issuer Name. */
	issuer: Uint8Array;
	/** Value octets of the serial number INTEGER. */
	serial: Uint8Array;
	/** Subject key identifier value, or null when the extension is absent. */
	ski: Uint8Array | null;
	/** DER of the SubjectPublicKeyInfo. */
	spki: Uint8Array;
	keyType: 'RSA' | 'EC' | 'X25519' | 'other';
	namedCurve?: 'P-256' | 'P-384' | 'P-521';
}

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
	[OID_CURVE_P256]: 'P-256',
	[OID_CURVE_P384]: 'P-384',
	[OID_CURVE_P521]: 'P-521'
};

/**
 * Parses a DER certificate. Throws (BerError or Error) when it is not an X.509 certificate.
 */
export function parseRecipientCert(certDer: Uint8Array): RecipientCert {
	const cert = parseOne(certDer);
	const tbsT = children(cert)[0];
	if (!tbsT) throw new Error('The certificate has no TBSCertificate.');
	const tbs = children(tbsT);
	let i = tbs[0]?.tag === 0xa0 ? 1 : 0;
	const serialT = tbs[i++];
	i++; // signature algorithm
	const issuerT = tbs[i++];
	i += 2; // validity, subject
	const spkiT = tbs[i];
	if (!serialT || !issuerT || !spkiT) throw new Error('The certificate is incomplete.');
	let ski: Uint8Array | null = null;
	const extsT = tbs.find((t) => t.tag === 0xa3);
	if (extsT) {
		const list = children(extsT)[0];
		for (const ext of list ? children(list) : []) {
			const parts = children(ext);
			if (parts[0] && oidOf(parts[0]) === OID_EXT_SUBJECT_KEY_IDENTIFIER) {
				const val = parts[parts.length - 1];
				if (val) ski = parseOne(val.value).value;
			}
		}
	}
	const alg = children(spkiT)[0];
	const algParts: Tlv[] = alg ? children(alg) : [];
	const algOid = algParts[0] ? oidOf(algParts[0]) : '';
	const param = algParts[1];
	let keyType: RecipientCert['keyType'] = 'other';
	let namedCurve: RecipientCert['namedCurve'];
	if (algOid === OID_RSA_ENCRYPTION) keyType = 'RSA';
	else if (algOid === OID_X25519) keyType = 'X25519';
	else if (algOid === OID_EC_PUBLIC_KEY) {
		keyType = 'EC';
		namedCurve = param?.tag === 0x06 ? CURVES[oidOf(param)] : undefined;
	}
	return {
		der: certDer,
		issuer: issuerT.raw,
		serial: serialT.value,
		ski,
		spki: spkiT.raw,
		keyType,
		...(namedCurve ? { namedCurve } : {})
	};
}

const NAME_KEYS: Record<string, string> = {
	[OID_AT_COMMON_NAME]: 'CN',
	[OID_AT_ORGANIZATION]: 'O',
	[OID_AT_ORGANIZATIONAL_UNIT]: 'OU',
	[OID_AT_COUNTRY]: 'C',
	[OID_AT_LOCALITY]: 'L',
	[OID_AT_STATE]: 'ST',
	[OID_AT_EMAIL_ADDRESS]: 'E'
};

/** A readable one-line form of a DER Name, e.g. "CN=Sealdesk Inter CA, O=Sealdesk". */
export function readableName(name: Uint8Array): string {
	try {
		const parts: string[] = [];
		for (const rdn of children(parseOne(name))) {
			for (const atv of children(rdn)) {
				const [t, v] = children(atv);
				if (!t || !v) continue;
				const oid = oidOf(t);
				parts.push(`${NAME_KEYS[oid] ?? oid}=${new TextDecoder().decode(v.value)}`);
			}
		}
		return parts.join(', ');
	} catch {
		return '(unreadable name)';
	}
}
