/**
 * The details view's extra facts about one certificate: subjectAltName entries, key usage,
 * extended key usage, and whether it chains to another imported certificate. The desk's
 * CertificateInfo has no SAN or key-usage list, so this reads the PEM the desk exports with
 * the pure pki layer. The module pulls in pkijs, so the page loads it only when a details
 * view opens.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes } from '$lib/base/bytes';
import type { CertificateInfo } from '$lib/pki/describe';
import { parseCertificate } from '$lib/pki/describe';
import { parsePem } from '$lib/pki/pem';
import { evaluateTrust } from '$lib/pki/chain';

/** Whether a certificate chains to an imported certificate other than itself. */
export type ChainVerdict =
	| { status: 'chained'; anchor: string; sentence: string }
	| { status: 'anchor-only'; sentence: string }
	| { status: 'unfit'; sentence: string };

/** What the details view shows beyond CertificateInfo. */
export interface CertificateExtras {
	/** subjectAltName entries as "email: …", "DNS: …", "URI: …". */
	san: string[];
	/** keyUsage bit names; empty when the extension is absent. */
	keyUsage: string[];
	/** extendedKeyUsage names; empty when the extension is absent. */
	extendedKeyUsage: string[];
	chain: ChainVerdict;
}

const KEY_USAGE_BITS = [
	'digitalSignature',
	'nonRepudiation',
	'keyEncipherment',
	'dataEncipherment',
	'keyAgreement',
	'keyCertSign',
	'cRLSign',
	'encipherOnly',
	'decipherOnly'
];

const EKU_NAMES: Record<string, string> = {
	'1.3.6.1.5.5.7.3.1': 'serverAuth',
	'1.3.6.1.5.5.7.3.2': 'clientAuth',
	'1.3.6.1.5.5.7.3.3': 'codeSigning',
	'1.3.6.1.5.5.7.3.4': 'emailProtection',
	'1.3.6.1.5.5.7.3.8': 'timeStamping',
	'1.3.6.1.5.5.7.3.9': 'OCSPSigning',
	'2.5.29.37.0': 'anyExtendedKeyUsage'
};

const SAN_TYPES: Record<number, string> = { 1: 'email', 2: 'DNS', 6: 'URI', 7: 'IP' };

function extensionValue(cert: pkijs.Certificate, oid: string): unknown {
	return cert.extensions?.find((e) => e.extnID === oid)?.parsedValue;
}

function sanEntries(cert: pkijs.Certificate): string[] {
	const value = extensionValue(cert, '2.5.29.17');
	const names = value instanceof pkijs.AltName ? value.altNames : value instanceof pkijs.GeneralNames ? value.names : [];
	return names.map((n) => {
		const type = SAN_TYPES[n.type] ?? `type ${n.type}`;
		return `${type}: ${typeof n.value === 'string' ? n.value : '(binary)'}`;
	});
}

function keyUsageNames(cert: pkijs.Certificate): string[] {
	const value = extensionValue(cert, '2.5.29.15');
	if (!(value instanceof asn1js.BitString)) return [];
	const bytes = value.valueBlock.valueHexView;
	return KEY_USAGE_BITS.filter((_, i) => (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) === 1);
}

function extendedKeyUsageNames(cert: pkijs.Certificate): string[] {
	const value = extensionValue(cert, '2.5.29.37');
	if (!(value instanceof pkijs.ExtKeyUsage)) return [];
	return value.keyPurposes.map((oid) => EKU_NAMES[oid] ?? oid);
}

function pemToDer(pem: string): Uint8Array {
	const block = parsePem(pem)[0];
	if (!block) throw new Error('The desk returned no certificate.');
	return block.der;
}

/**
 * Reads the extras of one certificate and checks whether it chains to one of the other
 * imported certificates (each imported certificate is an anchor, so the certificate itself is
 * left out, or every one would "chain" to itself).
 * @param pem the certificate as the desk exports it
 * @param others PEM of the other imported certificates that could be its issuers
 * @throws Error when the PEM is not a certificate
 */
export async function certificateExtras(info: CertificateInfo, pem: string, others: { subject: string; pem: string }[], crypto: Crypto, now: Date): Promise<CertificateExtras> {
	const der = pemToDer(pem);
	const cert = parseCertificate(der);
	const extras = { san: sanEntries(cert), keyUsage: keyUsageNames(cert), extendedKeyUsage: extendedKeyUsageNames(cert) };
	if (info.isCA) {
		const selfIssued = info.subject === info.issuer;
		const sentence = selfIssued ? 'Self-signed CA: trusted because it is imported.' : 'Imported CA: trusted as an anchor for the certificates it issued.';
		return { ...extras, chain: { status: 'anchor-only', sentence } };
	}
	const anchors = others.map((o) => ({ subject: o.subject, der: pemToDer(o.pem) }));
	const result = await evaluateTrust({ leaf: der, untrusted: [], anchors: anchors.map((a) => a.der), now, crypto, purpose: info.usage.sign ? 'sign' : 'encrypt' });
	if (result.status === 'trusted') {
		const anchorDer = result.anchor;
		const anchor = anchors.find((a) => equalBytes(a.der, anchorDer))?.subject ?? info.issuer;
		return { ...extras, chain: { status: 'chained', anchor, sentence: `Chains to the imported certificate ${anchor}.` } };
	}
	if (result.status === 'invalid') return { ...extras, chain: { status: 'unfit', sentence: result.reason } };
	return { ...extras, chain: { status: 'anchor-only', sentence: 'No imported CA issued it: it is trusted only as itself.' } };
}
