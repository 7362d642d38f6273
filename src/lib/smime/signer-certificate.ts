/**
 * What an untrusted signer's certificate says, for the "Trust this certificate…" dialog, and
 * whether an agent may trust it at all: only an end-entity certificate fit for e-mail
 * protection (issue 15, point 4).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateKeyKind, describeCertificate, parseCertificate } from '../pki/describe';
import type { SignerCertificate } from './incoming-types';

const EKU_EMAIL = '1.3.6.1.5.5.7.3.4';
const EKU_ANY = '2.5.29.37.0';

/**
 * Whether a certificate is fit for signing mail as an end entity: not a CA, extendedKeyUsage
 * emailProtection (or anyExtendedKeyUsage) or no EKU, and digitalSignature or no keyUsage.
 */
export function fitForEmailSigning(cert: pkijs.Certificate): boolean {
	const ext = (oid: string): unknown => cert.extensions?.find((e) => e.extnID === oid)?.parsedValue;
	const bc = ext('2.5.29.19');
	if (bc instanceof pkijs.BasicConstraints && bc.cA) return false;
	const eku = ext('2.5.29.37');
	if (eku instanceof pkijs.ExtKeyUsage && !eku.keyPurposes.includes(EKU_EMAIL) && !eku.keyPurposes.includes(EKU_ANY)) return false;
	const ku = ext('2.5.29.15');
	if (ku instanceof asn1js.BitString) return ((ku.valueBlock.valueHexView[0] ?? 0) & 0x80) !== 0;
	return true;
}

/**
 * Describes a signer's certificate for the agent. Returns null when the DER cannot be read
 * or its key algorithm is not one Sealdesk supports (such a certificate is never offered).
 */
export async function describeSignerCertificate(der: Uint8Array, crypto: Crypto): Promise<SignerCertificate | null> {
	let cert: pkijs.Certificate;
	try {
		cert = parseCertificate(der);
		if (!certificateKeyKind(cert).ok) return null;
		const info = await describeCertificate(der, crypto, cert);
		return {
			fingerprint: info.fingerprint,
			sha1: info.sha1,
			subject: info.subject,
			issuer: info.issuer,
			emails: info.emails,
			notBefore: info.notBefore,
			notAfter: info.notAfter,
			selfSigned: info.subject === info.issuer,
			trustable: !info.isCA && info.emails.length > 0 && fitForEmailSigning(cert)
		};
	} catch {
		return null;
	}
}
