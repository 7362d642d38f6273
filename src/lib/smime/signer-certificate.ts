/**
 * What an untrusted signer's certificate says, for the "Trust this certificate…" dialog, and
 * whether an agent may trust it at all: only an end-entity certificate fit for e-mail
 * protection (issue 15, point 4).
 */
import { Certificate } from '../pki/certificate';
import { describeCertificate } from '../pki/describe';
import type { SignerCertificate } from './incoming-types';

/**
 * Whether a certificate is fit for signing mail as an end entity: not a CA, extendedKeyUsage
 * emailProtection (or anyExtendedKeyUsage) or no EKU, and digitalSignature or no keyUsage.
 */
export function fitForEmailSigning(cert: Certificate): boolean {
	if (cert.isCA || !cert.emailProtection) return false;
	const ku = cert.keyUsage;
	return ku === null || ku.has('digitalSignature');
}

/**
 * Describes a signer's certificate for the agent. Returns null when the DER cannot be read
 * or its key algorithm is not one Sealdesk supports (such a certificate is never offered).
 */
export async function describeSignerCertificate(der: Uint8Array, crypto: Crypto): Promise<SignerCertificate | null> {
	try {
		const cert = Certificate.parse(der);
		if (!cert.keyKind.ok) return null;
		const info = await describeCertificate(cert, crypto);
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
