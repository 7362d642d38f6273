/**
 * Issue 15, point 4: a signer whose certificate is in the message but chains to nothing
 * imported is named, its certificate is described, and the agent may trust it (only an
 * end-entity certificate for e-mail signing), which imports it and checks the article again.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { freshDesk } from '../desk/receive-helpers';
import { PKI, openssl, text, tmpFile } from './helpers';
import { cms, content, loadPki } from './mail';
import { dated, soon } from './mail-now';

/** A self-signed e-mail certificate and its key, made by openssl req -x509. */
function selfSigned(name: string, extensions: string[]): { cert: string; key: string } {
	const key = tmpFile('', 'key');
	const cert = tmpFile('', 'pem');
	openssl([
		'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '3650',
		'-subj', `/O=Self/CN=${name}/emailAddress=${name}@self.test`,
		'-addext', `subjectAltName=email:${name}@self.test`,
		...extensions.flatMap((e) => ['-addext', e])
	]);
	return { cert, key };
}

const fingerprint = (cert: string, md: 'sha256' | 'sha1'): string =>
	/=([0-9A-F:]+)/.exec(text(openssl(['x509', '-in', cert, '-noout', '-fingerprint', `-${md}`])))?.[1]?.replace(/:/g, '').toLowerCase() ?? '';

const signedBy = (cert: string, key: string, from: string, marker = 'untrusted'): Uint8Array =>
	dated(cms(['-sign', '-signer', cert, '-inkey', key], content(marker)), { from });

const EMAIL_SIGNER = ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=emailProtection', 'basicConstraints=critical,CA:FALSE'];

describe('an untrusted signer is named', () => {
	test('a self-signed signer: untrusted, signer is its address, the certificate is described', async () => {
		const { desk } = await freshDesk({ now: soon() });
		const me = selfSigned('selfie', EMAIL_SIGNER);
		const a = await desk.receive(signedBy(me.cert, me.key, 'selfie@self.test'));
		expect(a.security.sign.status).toBe('untrusted');
		expect(a.security.sign.signer).toBe('selfie@self.test');
		// Zammad's sentence stays the comment (vectors/zammad); the certificate says the rest.
		expect(a.security.sign.comment).toBe('The certificate for verification could not be found.');
		const c = a.security.sign.certificate;
		expect(c).toMatchObject({
			fingerprint: fingerprint(me.cert, 'sha256'),
			sha1: fingerprint(me.cert, 'sha1'),
			subject: '/O=Self/CN=selfie/emailAddress=selfie@self.test',
			issuer: '/O=Self/CN=selfie/emailAddress=selfie@self.test',
			emails: ['selfie@self.test'],
			selfSigned: true,
			trustable: true
		});
		const dates = text(openssl(['x509', '-in', me.cert, '-noout', '-startdate', '-enddate']));
		const date = (k: string): string => new Date(new RegExp(`${k}=(.*)`).exec(dates)?.[1] ?? '').toISOString();
		expect(c?.notBefore).toBe(date('notBefore'));
		expect(c?.notAfter).toBe(date('notAfter'));
		expect(a.text).toContain('untrusted');
	});

	test('alice with her chain in the message but nothing imported: named, issued by the intermediate, trustable', async () => {
		const { desk } = await freshDesk({ now: soon() });
		const args = ['-sign', '-signer', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-certfile', join(PKI, 'chain.pem')];
		const a = await desk.receive(dated(cms(args, content('chain')), { from: 'alice@sealdesk.test' }));
		expect(a.security.sign).toMatchObject({ status: 'untrusted', signer: 'alice@sealdesk.test' });
		expect(a.security.sign.certificate).toMatchObject({ selfSigned: false, trustable: true, issuer: '/CN=Sealdesk Test Intermediate CA/O=Sealdesk Test' });
	});

	test('a signer certificate that is not in the message (-nocerts) is not named', async () => {
		const { desk } = await freshDesk({ now: soon() });
		const args = ['-sign', '-signer', join(PKI, 'alice.pem'), '-inkey', join(PKI, 'alice.key'), '-nocerts'];
		const a = await desk.receive(dated(cms(args, content('nocerts')), { from: 'alice@sealdesk.test' }));
		expect(a.security.sign).toEqual({ status: 'untrusted', comment: 'The certificate for verification could not be found.' });
	});

	test('a TLS server certificate or a CA certificate that signed: named, but never offered for trust', async () => {
		const { desk } = await freshDesk({ now: soon() });
		await loadPki(desk, []);
		const tls = await desk.receive(signedBy(join(PKI, 'tls.pem'), join(PKI, 'tls.key'), 'tls@sealdesk.test'));
		expect(tls.security.sign.status).toBe('untrusted');
		expect(tls.security.sign.comment).toBe("The signer's certificate cannot be used: The certificate is not meant for e-mail protection.");
		expect(tls.security.sign.certificate?.trustable).toBe(false);
		await expect(desk.trustSignerCertificate(tls.id, tls.security.sign.certificate?.fingerprint ?? '')).rejects.toThrow(
			'This certificate cannot be trusted here: only an end-entity certificate for e-mail signing can.'
		);
		const ca = selfSigned('ca', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,keyCertSign']);
		const byCa = await desk.receive(signedBy(ca.cert, ca.key, 'ca@self.test'));
		expect(byCa.security.sign).toMatchObject({ status: 'untrusted', signer: 'ca@self.test' });
		expect(byCa.security.sign.certificate?.trustable).toBe(false);
		const noDigitalSignature = selfSigned('nr', ['keyUsage=critical,nonRepudiation', 'extendedKeyUsage=emailProtection']);
		const nr = await desk.receive(signedBy(noDigitalSignature.cert, noDigitalSignature.key, 'nr@self.test'));
		expect(nr.security.sign.certificate?.trustable).toBe(false);
		const certificates = (await desk.listCertificates()).map((c) => c.subject);
		expect(certificates).toEqual(['/CN=Sealdesk Test Root CA/O=Sealdesk Test']);
	});
});

describe('Trust this certificate…', () => {
	test('on confirmation the certificate is imported, logged as an admin import, and the article becomes valid', async () => {
		const { desk } = await freshDesk({ now: soon() });
		const me = selfSigned('trusty', EMAIL_SIGNER);
		const a = await desk.receive(signedBy(me.cert, me.key, 'trusty@self.test'));
		const fp = a.security.sign.certificate?.fingerprint ?? '';
		await expect(desk.trustSignerCertificate(a.id, '00'.repeat(32))).rejects.toThrow('The certificate is not the one shown. Check it again before trusting it.');
		expect(await desk.listCertificates()).toEqual([]);
		const again = await desk.trustSignerCertificate(a.id, fp.toUpperCase());
		expect(again.security.sign).toEqual({ status: 'valid', signer: 'trusty@self.test', comment: '/O=Self/CN=trusty/emailAddress=trusty@self.test' });
		expect(await desk.getArticle(a.id)).toMatchObject({ security: { sign: { status: 'valid' } } });
		const stored = await desk.getCertificate(fp);
		expect(stored).toMatchObject({ emails: ['trusty@self.test'], isCA: false, source: 'import' });
		const logs = await desk.logs();
		expect(logs[1]).toMatchObject({ direction: 'admin', operation: 'import', status: 'success' });
		expect(logs[1]?.detail).toContain(fp);
		expect(logs[0]).toMatchObject({ direction: 'in', operation: 'verify', status: 'success' });
		expect(logs[0]?.detail).toMatch(/^Retry\. Sign: valid\./);
		// Nothing is left to trust on a valid article.
		await expect(desk.trustSignerCertificate(a.id, fp)).rejects.toThrow('This article has no untrusted signer certificate to trust.');
	});

	test('refused while S/MIME is off, and nothing is imported', async () => {
		const { desk } = await freshDesk({ now: soon() });
		const me = selfSigned('offline', EMAIL_SIGNER);
		const a = await desk.receive(signedBy(me.cert, me.key, 'offline@self.test'));
		await desk.setEnabled(false);
		await expect(desk.trustSignerCertificate(a.id, a.security.sign.certificate?.fingerprint ?? '')).rejects.toThrow('Enable S/MIME first.');
		await desk.setEnabled(true);
		expect(await desk.listCertificates()).toEqual([]);
		expect((await desk.getArticle(a.id))?.security.sign.status).toBe('untrusted');
	});

	test('an unknown article or an unsigned one has nothing to trust', async () => {
		const { desk } = await freshDesk({ now: soon() });
		await expect(desk.trustSignerCertificate(999, 'ab')).rejects.toThrow('No article has this id.');
		const plain = await desk.receive(dated(content('plain')));
		await expect(desk.trustSignerCertificate(plain.id, 'ab')).rejects.toThrow('This article has no untrusted signer certificate to trust.');
	});
});
