// The Certificate value object (issue 17, point 4) read against `openssl x509 -text` for every
// certificate in the shared vectors: RFC 9216's LAMPS samples and Zammad's fixtures.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Certificate, NOT_A_CERTIFICATE, describeCertificate } from '../../src/lib/pki';
import { OID_EKU_EMAIL_PROTECTION } from '../../src/lib/base/oids';

const VECTORS = new URL('../../../shared/vectors/', import.meta.url);
const dirs = ['rfc9216/certs-and-keys/', 'zammad/'];
const files = dirs.flatMap((dir) =>
	readdirSync(new URL(dir, VECTORS))
		.filter((f) => f.endsWith('.crt'))
		.map((f) => new URL(dir + f, VECTORS).pathname)
);

function openssl(args: string[]): string {
	return execFileSync('openssl', args, { encoding: 'utf8' });
}

/** The certificate's DER as openssl writes it (a TRUSTED CERTIFICATE loses its trust trailer). */
function derOf(path: string): Uint8Array {
	return new Uint8Array(execFileSync('openssl', ['x509', '-in', path, '-outform', 'der']));
}

/** The line after an extension's heading in `openssl x509 -text`, or null when the extension is absent. */
function extensionLine(text: string, heading: string): string | null {
	const lines = text.split('\n');
	const at = lines.findIndex((l) => l.trim().startsWith(`${heading}:`));
	return at === -1 ? null : (lines[at + 1]?.trim() ?? '');
}

const KU_TEXT: Record<string, string> = {
	'Digital Signature': 'digitalSignature',
	'Non Repudiation': 'nonRepudiation',
	'Key Encipherment': 'keyEncipherment',
	'Data Encipherment': 'dataEncipherment',
	'Key Agreement': 'keyAgreement',
	'Certificate Sign': 'keyCertSign',
	'CRL Sign': 'cRLSign',
	'Encipher Only': 'encipherOnly',
	'Decipher Only': 'decipherOnly'
};

const EKU_TEXT: Record<string, string> = {
	'E-mail Protection': '1.3.6.1.5.5.7.3.4',
	'TLS Web Server Authentication': '1.3.6.1.5.5.7.3.1',
	'TLS Web Client Authentication': '1.3.6.1.5.5.7.3.2',
	'Code Signing': '1.3.6.1.5.5.7.3.3',
	'Any Extended Key Usage': '2.5.29.37.0'
};

const colonHex = (s: string): string => s.replace(/:/g, '').toLowerCase();
const hex = (b: Uint8Array | null): string | null => (b ? Buffer.from(b).toString('hex') : null);

describe('Certificate agrees with openssl x509 -text', () => {
	test('the vectors are there', () => {
		expect(files.length).toBeGreaterThanOrEqual(30);
	});

	test.each(files.map((f) => [f.split('/vectors/')[1] ?? f, f]))('%s', async (_name, path) => {
		const cert = Certificate.parse(derOf(path));
		const text = openssl(['x509', '-in', path, '-noout', '-text']);
		const oneLine = openssl(['x509', '-in', path, '-noout', '-serial', '-subject', '-issuer', '-startdate', '-enddate', '-nameopt', 'compat']);
		// compat escapes '+' as '\\+'; Zammad's slash form, like ours, does not.
		const field = (name: string): string => (new RegExp(`^${name}=(.*)$`, 'm').exec(oneLine)?.[1]?.trim() ?? '').replace(/\\(.)/g, '$1');

		expect(cert.version).toBe(Number(/Version: (\d)/.exec(text)?.[1]));
		expect(cert.serialNumber).toBe(field('serial'));
		expect(cert.subject).toBe(field('subject'));
		expect(cert.issuer).toBe(field('issuer'));
		expect(cert.notBefore.toISOString()).toBe(new Date(field('notBefore')).toISOString());
		expect(cert.notAfter.toISOString()).toBe(new Date(field('notAfter')).toISOString());

		const sha256 = colonHex(openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha256']).split('=')[1]?.trim() ?? '');
		const sha1 = colonHex(openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha1']).split('=')[1]?.trim() ?? '');
		expect(await cert.fingerprints(crypto)).toEqual({ sha256, sha1 });

		const ku = extensionLine(text, 'X509v3 Key Usage');
		expect(cert.keyUsage === null ? null : [...cert.keyUsage]).toEqual(ku === null ? null : ku.split(', ').map((k) => KU_TEXT[k] ?? k));
		const eku = extensionLine(text, 'X509v3 Extended Key Usage');
		expect(cert.extendedKeyUsage).toEqual(eku === null ? null : eku.split(', ').map((k) => EKU_TEXT[k] ?? k));

		const bc = extensionLine(text, 'X509v3 Basic Constraints');
		if (bc === null) expect(cert.basicConstraints).toBeNull();
		else {
			const pathlen = /pathlen:(\d+)/.exec(bc)?.[1];
			expect(cert.basicConstraints).toEqual({ ca: bc.startsWith('CA:TRUE'), pathLength: pathlen === undefined ? null : Number(pathlen) });
		}

		const san = extensionLine(text, 'X509v3 Subject Alternative Name');
		expect(cert.subjectAltNames.map((n) => `${n.type === 'IP' ? 'IP Address' : n.type}:${n.value}`)).toEqual(san === null ? [] : san.split(', '));

		const ski = extensionLine(text, 'X509v3 Subject Key Identifier');
		expect(hex(cert.subjectKeyIdentifier)).toBe(ski === null ? null : colonHex(ski));
		const aki = extensionLine(text, 'X509v3 Authority Key Identifier');
		const akiKeyId = aki === null ? null : /^(?:keyid:)?([0-9A-F]{2}(?::[0-9A-F]{2})+)$/.exec(aki)?.[1];
		expect(hex(cert.authorityKeyIdentifier)).toBe(akiKeyId ? colonHex(akiKeyId) : null);

		const bits = /Public-Key: \((\d+) bit\)/.exec(text)?.[1];
		if (!cert.keyKind.ok) expect(cert.keySize).toBeNull(); // P-192 and the like: no size for a key we cannot use
		else if (bits) expect(cert.keySize).toBe(Number(bits));
		else expect(cert.keySize).toBe(256); // Ed25519 and X25519: openssl prints no size
	});
});

describe('Certificate facts beyond one openssl field', () => {
	const zammad = (name: string): Certificate => Certificate.parse(derOf(new URL(`zammad/${name}`, VECTORS).pathname));
	const lamps = (name: string): Certificate => Certificate.parse(derOf(new URL(`rfc9216/certs-and-keys/${name}`, VECTORS).pathname));

	test('emails: SAN first, lower-cased; the subject emailAddress only without SAN email', () => {
		const text = openssl(['x509', '-in', new URL('zammad/CaseInsenstive@eXample.COM.crt', VECTORS).pathname, '-noout', '-ext', 'subjectAltName']);
		expect(text).toMatch(/email:CaseInsenstive@eXample\.COM/);
		expect(zammad('CaseInsenstive@eXample.COM.crt').emails).toEqual(['caseinsenstive@example.com']);
		expect(lamps('lamps-dana.encrypt.crt').emails).toEqual(['dana@smime.example']);
		// Two SAN emails: both, in order (the subject's emailAddress repeats the first).
		expect(zammad('smimedouble@example.com.crt').emails).toEqual(['smimedouble@example.com', 'smimedouble@example.de']);
		// Without a SAN email, the subject emailAddress; a TLS certificate has neither.
		expect(openssl(['x509', '-in', new URL('zammad/RootCA.crt', VECTORS).pathname, '-noout', '-ext', 'subjectAltName'])).toBe('');
		expect(zammad('RootCA.crt').emails).toEqual(['rootca@example.com']);
		expect(zammad('zammad.com.crt').emails).toEqual([]);
	});

	test('self-signed: a self-issued root whose key verifies it; a leaf or a tampered root is not', async () => {
		const root = zammad('RootCA.crt');
		expect(root.selfIssued).toBe(true);
		expect(await root.isSelfSigned(crypto)).toBe(true);
		expect(await zammad('IntermediateCA.crt').isSelfSigned(crypto)).toBe(false);
		const tampered = new Uint8Array(root.der);
		tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 1;
		const broken = Certificate.parse(tampered);
		expect(broken.selfIssued).toBe(true);
		expect(await broken.isSelfSigned(crypto)).toBe(false);
	});

	test('issuer signature and name, and the email-protection EKU', async () => {
		const inter = zammad('IntermediateCA.crt');
		const root = zammad('RootCA.crt');
		expect(inter.issuedByName(root)).toBe(true);
		expect(await inter.verifiedBy(root, crypto)).toBe(true);
		expect(await root.verifiedBy(inter, crypto)).toBe(false);
		expect(zammad('zammad.com.crt').emailProtection).toBe(false);
		expect(zammad('smime1@example.com.crt').extendedKeyUsage).toContain(OID_EKU_EMAIL_PROTECTION);
		expect(zammad('smime1@example.com.crt').emailProtection).toBe(true);
	});

	test('validAt includes both ends and nothing outside', () => {
		const cert = zammad('smime1@example.com.crt');
		expect(cert.validAt(cert.notBefore)).toBe(true);
		expect(cert.validAt(cert.notAfter)).toBe(true);
		expect(cert.validAt(new Date(cert.notAfter.getTime() + 1000))).toBe(false);
		expect(cert.validAt(new Date(cert.notBefore.getTime() - 1000))).toBe(false);
	});

	test('keeps its own copy of the DER, and describeCertificate reads the same object', async () => {
		const der = derOf(new URL('zammad/smime1@example.com.crt', VECTORS).pathname);
		const cert = Certificate.parse(der);
		der.fill(0);
		expect(cert.der[0]).toBe(0x30);
		const info = await describeCertificate(cert, crypto);
		expect(info.fingerprint).toBe((await cert.fingerprints(crypto)).sha256);
		expect(info.subject).toBe(cert.subject);
		expect(info.serial).toBe(cert.serialNumber);
	});

	test('malformed input throws the one sentence; tryParse returns null', () => {
		const der = derOf(new URL('zammad/RootCA.crt', VECTORS).pathname);
		const trailing = new Uint8Array([...der, 0]);
		expect(() => Certificate.parse(trailing)).toThrow(NOT_A_CERTIFICATE);
		expect(() => Certificate.parse(der.subarray(0, 100))).toThrow(NOT_A_CERTIFICATE);
		expect(() => Certificate.parse(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(NOT_A_CERTIFICATE);
		expect(Certificate.tryParse(new Uint8Array([1, 2, 3]))).toBeNull();
	});
});
