/**
 * What a certificate tells: fingerprints, names, emails, validity, CA flag, key, usage and
 * S/MIME applicability (Zammad's import rule).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { exact, toHex } from '../base/bytes';
import { identifyKey, type KeyKindResult } from './key-algorithm';
import type { KeyAlgorithmName } from './keyset';

/** How a stored certificate came: 'import' (an admin or agent imported it) or 'mail' (learned from a valid signed mail). */
export type CertificateSource = 'import' | 'mail';

/** Everything the UI and the other layers need to know about one certificate. */
export interface CertificateInfo {
	/** SHA-256 of the DER, lower-case hex: the identity. */
	fingerprint: string;
	/** SHA-1 of the DER, lower-case hex without colons, as Zammad shows it. */
	sha1: string;
	/** OpenSSL one-line slash form, e.g. `/C=DE/O=Example/CN=alice/emailAddress=alice@example.com`. */
	subject: string;
	issuer: string;
	/** Serial number, upper-case hex as OpenSSL prints it. */
	serial: string;
	/** Lower-cased SAN rfc822Names; the subject emailAddress only when the SAN has none. */
	emails: string[];
	/** ISO 8601. */
	notBefore: string;
	notAfter: string;
	isCA: boolean;
	key: { algorithm: KeyAlgorithmName; size?: number; curve?: string };
	usage: { sign: boolean; encrypt: boolean };
	/** Applicable to S/MIME (Zammad's rule): a CA, or a leaf with a fitting EKU/KU and an email. */
	smime: boolean;
	/** Whether a private key for it is stored; describe() always says false, the store fills it in. */
	hasPrivateKey: boolean;
	/** How it came into the store, filled in by the store: imported by an admin, or learned from a valid signed mail. */
	source?: CertificateSource;
	subjectKeyIdentifier?: string;
	authorityKeyIdentifier?: string;
}

const NAMES: Record<string, string> = {
	'2.5.4.6': 'C',
	'2.5.4.8': 'ST',
	'2.5.4.7': 'L',
	'2.5.4.10': 'O',
	'2.5.4.11': 'OU',
	'2.5.4.3': 'CN',
	'2.5.4.5': 'serialNumber',
	'2.5.4.4': 'SN',
	'2.5.4.42': 'GN',
	'2.5.4.43': 'initials',
	'2.5.4.12': 'title',
	'2.5.4.9': 'street',
	'2.5.4.17': 'postalCode',
	'2.5.4.46': 'dnQualifier',
	'2.5.4.65': 'pseudonym',
	'2.5.4.97': 'organizationIdentifier',
	'0.9.2342.19200300.100.1.25': 'DC',
	'0.9.2342.19200300.100.1.1': 'UID',
	'1.2.840.113549.1.9.1': 'emailAddress'
};

const EMAIL_OID = '1.2.840.113549.1.9.1';
const EKU_EMAIL = '1.3.6.1.5.5.7.3.4';
const EKU_ANY = '2.5.29.37.0';

/** The slash form of a distinguished name, as OpenSSL's one-line output and Zammad print it. */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
	return name.typesAndValues
		.map((tv) => {
			const key = NAMES[tv.type] ?? tv.type;
			const block = tv.value.valueBlock as { value?: unknown };
			const value = typeof block.value === 'string' ? block.value : toHex(new Uint8Array(tv.value.valueBeforeDecodeView));
			return `/${key}=${value}`;
		})
		.join('');
}

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
	return cert.extensions?.find((e) => e.extnID === oid);
}

/** The certificate's email addresses by the architecture's rule (SAN first, subject as fallback). */
export function certificateEmails(cert: pkijs.Certificate): string[] {
	const san = extension(cert, '2.5.29.17')?.parsedValue as pkijs.AltName | pkijs.GeneralNames | undefined;
	const names = san && 'altNames' in san ? san.altNames : san && 'names' in san ? san.names : [];
	const fromSan = names.filter((n) => n.type === 1 && typeof n.value === 'string').map((n) => (n.value as string).toLowerCase());
	if (fromSan.length > 0) return [...new Set(fromSan)];
	const fromSubject = cert.subject.typesAndValues
		.filter((tv) => tv.type === EMAIL_OID)
		.map((tv) => {
			const value = (tv.value.valueBlock as { value?: unknown }).value;
			return typeof value === 'string' ? value.toLowerCase() : '';
		})
		.filter((e) => e.length > 0);
	return [...new Set(fromSubject)];
}

/** Key usage bits as booleans; null when the extension is absent. */
function keyUsage(cert: pkijs.Certificate): { ds: boolean; nr: boolean; ke: boolean; ka: boolean } | null {
	const ext = extension(cert, '2.5.29.15');
	if (!ext) return null;
	const bits = ext.parsedValue as asn1js.BitString;
	const view = bits.valueBlock.valueHexView;
	const first = view[0] ?? 0;
	return { ds: (first & 0x80) !== 0, nr: (first & 0x40) !== 0, ke: (first & 0x20) !== 0, ka: (first & 0x08) !== 0 };
}

/** Extended key usage OIDs; null when the extension is absent. */
function extendedKeyUsage(cert: pkijs.Certificate): string[] | null {
	const ext = extension(cert, '2.5.29.37');
	if (!ext) return null;
	return (ext.parsedValue as pkijs.ExtKeyUsage).keyPurposes;
}

/** The key algorithm of the certificate's SubjectPublicKeyInfo, or the name of an unsupported one. */
export function certificateKeyKind(cert: pkijs.Certificate): KeyKindResult {
	const alg = cert.subjectPublicKeyInfo.algorithm;
	return identifyKey(alg.algorithmId, alg.algorithmParams as asn1js.AsnType | undefined);
}

function isCertificateAuthority(cert: pkijs.Certificate): boolean {
	const bc = extension(cert, '2.5.29.19')?.parsedValue as pkijs.BasicConstraints | undefined;
	return bc?.cA === true;
}

function rsaBits(cert: pkijs.Certificate): number | undefined {
	try {
		const parsed = asn1js.fromBER(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
		const rsa = new pkijs.RSAPublicKey({ schema: parsed.result });
		const n = rsa.modulus.valueBlock.valueHexView;
		let i = 0;
		while (i < n.length && n[i] === 0) i++;
		const top = n[i] ?? 0;
		return (n.length - i - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top));
	} catch {
		return undefined;
	}
}

/**
 * Parses a DER certificate.
 * @throws Error when the bytes are not exactly one X.509 certificate (trailing bytes included)
 */
export function parseCertificate(der: Uint8Array): pkijs.Certificate {
	const asn = asn1js.fromBER(exact(der));
	if (asn.offset === -1 || asn.offset !== der.byteLength) throw new Error('Not a single DER certificate.');
	return new pkijs.Certificate({ schema: asn.result });
}

/**
 * Describes a certificate. `hasPrivateKey` is always false here; the store sets it.
 * Pass `parsed` when the caller has already parsed the DER, to parse it only once.
 * @throws Error when the DER is not a certificate, or its key algorithm is unsupported
 *   (callers check {@link certificateKeyKind} first for a user-facing refusal)
 */
export async function describeCertificate(der: Uint8Array, crypto: Crypto, parsed?: pkijs.Certificate): Promise<CertificateInfo> {
	const cert = parsed ?? parseCertificate(der);
	const kindResult = certificateKeyKind(cert);
	if (!kindResult.ok) throw new Error(`Unsupported certificate key: ${kindResult.name}.`);
	const kind = kindResult.kind;
	const bytes = exact(der);
	const [sha256, sha1] = await Promise.all([crypto.subtle.digest('SHA-256', bytes), crypto.subtle.digest('SHA-1', bytes)]);
	const emails = certificateEmails(cert);
	const isCA = isCertificateAuthority(cert);
	const ku = keyUsage(cert);
	const eku = extendedKeyUsage(cert);
	const ekuOk = eku === null || eku.includes(EKU_EMAIL) || eku.includes(EKU_ANY);
	const canSignKey = kind.algorithm !== 'X25519';
	const canEncryptKey = kind.algorithm !== 'Ed25519';
	const encryptBit = kind.algorithm === 'RSA' ? ku?.ke : ku?.ka;
	const sign = ekuOk && canSignKey && (ku === null || ku.ds || ku.nr);
	const encrypt = ekuOk && canEncryptKey && (ku === null || encryptBit === true);
	const kuOk = ku === null || ku.ds || ku.ke || ku.ka;
	const smime = isCA || (ekuOk && kuOk && emails.length > 0);
	const ski = extension(cert, '2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
	const aki = extension(cert, '2.5.29.35')?.parsedValue as pkijs.AuthorityKeyIdentifier | undefined;
	const info: CertificateInfo = {
		fingerprint: toHex(new Uint8Array(sha256)),
		sha1: toHex(new Uint8Array(sha1)),
		subject: nameToString(cert.subject),
		issuer: nameToString(cert.issuer),
		serial: toHex(cert.serialNumber.valueBlock.valueHexView).toUpperCase(),
		emails,
		notBefore: cert.notBefore.value.toISOString(),
		notAfter: cert.notAfter.value.toISOString(),
		isCA,
		key:
			kind.algorithm === 'RSA'
				? { algorithm: 'RSA', ...(rsaBits(cert) !== undefined ? { size: rsaBits(cert) } : {}) }
				: kind.algorithm === 'EC'
					? { algorithm: 'EC', curve: kind.curve, size: Number(kind.curve.slice(2)) }
					: { algorithm: kind.algorithm, size: 256 },
		usage: { sign, encrypt },
		smime,
		hasPrivateKey: false
	};
	if (ski) info.subjectKeyIdentifier = toHex(ski.valueBlock.valueHexView);
	if (aki?.keyIdentifier) info.authorityKeyIdentifier = toHex(aki.keyIdentifier.valueBlock.valueHexView);
	return info;
}
