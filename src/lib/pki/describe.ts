/**
 * What a certificate tells: fingerprints, names, emails, validity, CA flag, key, usage and
 * S/MIME applicability (Zammad's import rule).
 */
import { toHex } from '../base/bytes';
import { Certificate, type KeyUsageName } from './certificate';
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

/**
 * Describes a certificate. `hasPrivateKey` is always false here; the store sets it.
 * @param certificate - the DER, or the certificate already parsed (so it is parsed only once)
 * @throws Error when the DER is not a certificate, or its key algorithm is unsupported
 *   (callers check {@link Certificate.keyKind} first for a user-facing refusal)
 */
export async function describeCertificate(certificate: Uint8Array | Certificate, crypto: Crypto): Promise<CertificateInfo> {
	const cert = certificate instanceof Certificate ? certificate : Certificate.parse(certificate);
	const kindResult = cert.keyKind;
	if (!kindResult.ok) throw new Error(`Unsupported certificate key: ${kindResult.name}.`);
	const kind = kindResult.kind;
	const { sha256, sha1 } = await cert.fingerprints(crypto);
	const emails = [...cert.emails];
	const isCA = cert.isCA;
	const ku = cert.keyUsage;
	const ekuOk = cert.emailProtection;
	const canSignKey = kind.algorithm !== 'X25519';
	const canEncryptKey = kind.algorithm !== 'Ed25519';
	const has = (bit: KeyUsageName): boolean => ku === null || ku.has(bit);
	const encryptBit: KeyUsageName = kind.algorithm === 'RSA' ? 'keyEncipherment' : 'keyAgreement';
	const sign = ekuOk && canSignKey && (has('digitalSignature') || has('nonRepudiation'));
	const encrypt = ekuOk && canEncryptKey && has(encryptBit);
	const kuOk = has('digitalSignature') || has('keyEncipherment') || has('keyAgreement');
	const smime = isCA || (ekuOk && kuOk && emails.length > 0);
	const size = cert.keySize;
	const info: CertificateInfo = {
		fingerprint: sha256,
		sha1,
		subject: cert.subject,
		issuer: cert.issuer,
		serial: cert.serialNumber,
		emails,
		notBefore: cert.notBefore.toISOString(),
		notAfter: cert.notAfter.toISOString(),
		isCA,
		key:
			kind.algorithm === 'RSA'
				? { algorithm: 'RSA', ...(size !== null ? { size } : {}) }
				: kind.algorithm === 'EC'
					? { algorithm: 'EC', curve: kind.curve, size: size ?? 0 }
					: { algorithm: kind.algorithm, size: size ?? 256 },
		usage: { sign, encrypt },
		smime,
		hasPrivateKey: false
	};
	const ski = cert.subjectKeyIdentifier;
	const aki = cert.authorityKeyIdentifier;
	if (ski) info.subjectKeyIdentifier = toHex(ski);
	if (aki) info.authorityKeyIdentifier = toHex(aki);
	return info;
}
