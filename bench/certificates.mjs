// Makes N distinct certificates (one CA, N leaves with their own subjects, emails and
// serials) as one PEM bundle, for the import and list benchmarks. @peculiar/x509 in Node:
// fast, and the input needs no openssl round trip to be realistic DER.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto);

/** @returns {Promise<string>} a PEM bundle of `count` leaf certificates */
export async function certificateBundle(count) {
	const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
	const caKeys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
	const leafKeys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
	const notBefore = new Date('2025-01-01T00:00:00Z');
	const notAfter = new Date('2045-01-01T00:00:00Z');
	const blocks = [];
	for (let i = 0; i < count; i++) {
		const email = `agent${i}@bench.sealdesk.test`;
		const cert = await x509.X509CertificateGenerator.create({
			serialNumber: (0x10000 + i).toString(16),
			subject: `CN=Agent ${i}, E=${email}`,
			issuer: 'CN=Sealdesk Bench CA',
			notBefore,
			notAfter,
			signingAlgorithm: alg,
			publicKey: leafKeys.publicKey,
			signingKey: caKeys.privateKey,
			extensions: [
				new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
				new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.4']),
				new x509.SubjectAlternativeNameExtension([{ type: 'email', value: email }])
			]
		});
		blocks.push(cert.toString('pem'));
	}
	return blocks.join('\n');
}
