/** The pure security-options rules: which certificate is picked, and the sentences. */
import { describe, expect, test } from 'vitest';
import type { CertificateInfo } from '../../src/lib/pki/describe';
import { evaluateSecurityOptions, pickEncryptionCertificate, pickSigningCertificate, SECURITY_COMMENTS } from '../../src/lib/smime/security-options';

const NOW = new Date('2030-01-01T00:00:00Z');

function cert(over: Partial<CertificateInfo> & { fingerprint: string }): CertificateInfo {
	return {
		sha1: '00',
		subject: `/CN=${over.fingerprint}`,
		issuer: '/CN=CA',
		serial: '01',
		emails: ['a@example.com'],
		notBefore: '2025-01-01T00:00:00.000Z',
		notAfter: '2035-01-01T00:00:00.000Z',
		isCA: false,
		key: { algorithm: 'RSA', size: 2048 },
		usage: { sign: true, encrypt: true },
		smime: true,
		hasPrivateKey: true,
		...over
	};
}

describe('picking certificates', () => {
	test('signing: needs sign usage and a private key, valid now; the latest-expiring valid one wins', () => {
		const old = cert({ fingerprint: 'old', notAfter: '2031-01-01T00:00:00.000Z' });
		const newer = cert({ fingerprint: 'newer', notAfter: '2040-01-01T00:00:00.000Z' });
		const noKey = cert({ fingerprint: 'nokey', hasPrivateKey: false, notAfter: '2044-01-01T00:00:00.000Z' });
		const noSign = cert({ fingerprint: 'nosign', usage: { sign: false, encrypt: true }, notAfter: '2044-01-01T00:00:00.000Z' });
		const expired = cert({ fingerprint: 'expired', notAfter: '2029-01-01T00:00:00.000Z' });
		const r = pickSigningCertificate([old, noKey, noSign, expired, newer], NOW);
		expect(r.status === 'found' && r.certificate.fingerprint).toBe('newer');
		expect(pickSigningCertificate([expired, noKey], NOW).status).toBe('not-usable');
		expect(pickSigningCertificate([noKey, noSign], NOW).status).toBe('not-found');
	});

	test('encryption: needs encrypt usage, no private key needed; CA certificates are never picked', () => {
		const ca = cert({ fingerprint: 'ca', isCA: true });
		const leaf = cert({ fingerprint: 'leaf', hasPrivateKey: false });
		const r = pickEncryptionCertificate([ca, leaf], NOW);
		expect(r.status === 'found' && r.certificate.fingerprint).toBe('leaf');
		expect(pickEncryptionCertificate([ca], NOW).status).toBe('not-found');
		expect(pickEncryptionCertificate([cert({ fingerprint: 'f', notBefore: '2031-01-01T00:00:00.000Z' })], NOW).status).toBe('not-usable');
	});

	test('encryption: of several valid certificates the newest (latest notBefore) wins, even if an older one expires later (issue 15)', () => {
		const older = cert({ fingerprint: 'older', notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2040-01-01T00:00:00.000Z' });
		const newer = cert({ fingerprint: 'newer', notBefore: '2029-06-01T00:00:00.000Z', notAfter: '2032-01-01T00:00:00.000Z' });
		const notYet = cert({ fingerprint: 'not-yet', notBefore: '2031-01-01T00:00:00.000Z', notAfter: '2045-01-01T00:00:00.000Z' });
		const expired = cert({ fingerprint: 'expired', notBefore: '2029-12-01T00:00:00.000Z', notAfter: '2029-12-31T00:00:00.000Z' });
		for (const order of [[older, newer, notYet, expired], [expired, notYet, newer, older]]) {
			const r = pickEncryptionCertificate(order, NOW);
			expect(r.status === 'found' && r.certificate.fingerprint).toBe('newer');
		}
		// Same notBefore: the one that expires last.
		const twin = cert({ fingerprint: 'twin', notBefore: newer.notBefore, notAfter: '2033-01-01T00:00:00.000Z' });
		const r = pickEncryptionCertificate([newer, twin], NOW);
		expect(r.status === 'found' && r.certificate.fingerprint).toBe('twin');
	});
});

describe('evaluating a draft', () => {
	const certs = new Map<string, CertificateInfo[]>([
		['me@example.com', [cert({ fingerprint: 'me', emails: ['me@example.com'] })]],
		['b@example.com', [cert({ fingerprint: 'b', emails: ['b@example.com'], hasPrivateKey: false })]],
		['c@example.com', [cert({ fingerprint: 'c', emails: ['c@example.com'], hasPrivateKey: false, key: { algorithm: 'EC', curve: 'P-256', size: 256 } })]]
	]);

	test('all found: the certificates to use, and the sender copy', () => {
		const e = evaluateSecurityOptions({ from: 'me@example.com', recipients: ['b@example.com', 'c@example.com'], certificatesByEmail: certs, now: NOW });
		expect(e.sign).toMatchObject({ possible: true, comment: 'The certificate for me@example.com was found.' });
		expect(e.sign.certificate?.fingerprint).toBe('me');
		expect(e.encrypt.possible).toBe(true);
		expect(e.encrypt.comment).toBe('The certificates for b@example.com, c@example.com were found.');
		expect(e.encrypt.recipients.map((r) => [r.email, r.certificate.fingerprint])).toEqual([
			['b@example.com', 'b'],
			['c@example.com', 'c']
		]);
		expect(e.encrypt.sender?.fingerprint).toBe('me');
	});

	test('every sentence is one of Zammad\'s, with %s filled in', () => {
		const e = evaluateSecurityOptions({ from: 'x@example.com', recipients: ['b@example.com', 'd@example.com'], certificatesByEmail: certs, now: NOW });
		expect(e.sign.comment).toBe(SECURITY_COMMENTS.signNotFound.replace('%s', 'x@example.com'));
		expect(e.encrypt.comment).toBe(SECURITY_COMMENTS.encryptNotFoundMany.replace('%s', 'd@example.com'));
		expect(e.encrypt.recipients).toEqual([]);
		const none = evaluateSecurityOptions({ from: null, recipients: [], certificatesByEmail: certs, now: NOW });
		expect(none.sign.comment).toBe('There was no certificate found.');
		expect(none.encrypt.comment).toBe('There was no recipient found.');
	});
});
