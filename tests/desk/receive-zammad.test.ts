/**
 * Zammad's expectations for incoming S/MIME mail (vectors/zammad/README.md §6, §6.1, §7),
 * through desk.receive. Where we deliberately differ from Zammad, the test name says so.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { openssl, tmpFile } from '../smime/helpers';
import { freshDesk, importFiles, read, ZAMMAD } from './receive-helpers';

const Z = (name: string): string => ZAMMAD + name;
const subject = (email: string): string =>
	`/C=DE/ST=Berlin/L=Berlin/O=Example Security/OU=IT Department/CN=example.com/emailAddress=${email}`;
const NOT_FOUND = 'The certificate for verification could not be found.';
const NOT_SENDER = 'This message was not signed by its sender.';

async function receiveWith(eml: string | Uint8Array, store: string[]): Promise<Awaited<ReturnType<Awaited<ReturnType<typeof freshDesk>>['desk']['receive']>>> {
	const { desk } = await freshDesk();
	await importFiles(desk, store.map(Z));
	return desk.receive(typeof eml === 'string' ? read(Z(eml)) : eml);
}

/** Signs `text` with a Zammad identity (key passphrase 1234), as openssl smime does for Zammad's generator. */
function zammadSigned(signer: string, from: string, extraArgs: string[] = [], body = 'Content-Type: text/plain\r\n\r\nSome text\r\n'): Uint8Array {
	const out = openssl(['smime', '-sign', '-signer', Z(`${signer}.crt`), '-inkey', Z(`${signer}.key`), '-passin', 'pass:1234', ...extraArgs, '-in', tmpFile(body, 'txt')]);
	const head = new TextEncoder().encode(`From: Zammad Helpdesk <${from}>\r\nTo: Nicole Braun <nicole.braun@zammad.org>\r\nSubject: S/MIME test\r\n`);
	const mail = new Uint8Array(head.length + out.length);
	mail.set(head);
	mail.set(out, head.length);
	return mail;
}

describe('Zammad fixture mails (§6)', () => {
	test('sender_is_signer.eml: valid, comment is the signer subject', async () => {
		const a = await receiveWith('sender_is_signer.eml', ['smime1@example.com.crt']);
		expect(a.security.sign).toEqual({ status: 'valid', signer: 'smime1@example.com', comment: subject('smime1@example.com') });
		expect(a.text).toContain('Some text');
	});

	test('sender_is_signer.eml with the From address upper-cased: the sender match is case-insensitive', async () => {
		const raw = new TextDecoder().decode(read(Z('sender_is_signer.eml'))).replace('smime1@example.com', 'SMIME1@example.com');
		const a = await receiveWith(new TextEncoder().encode(raw), ['smime1@example.com.crt']);
		expect(a.security.sign.status).toBe('valid');
	});

	test('sender_not_signer.eml: sender-mismatch with Zammad\'s sentence', async () => {
		const a = await receiveWith('sender_not_signer.eml', ['smime1@example.com.crt', 'smime2@example.com.crt']);
		expect(a.security.sign).toEqual({ status: 'sender-mismatch', signer: 'smime1@example.com', comment: NOT_SENDER });
	});

	test('sender_is_signer_with_ca.eml with only SenderCA stored: untrusted (we follow RFC 5280, Zammad expects success; README §8.1)', async () => {
		const a = await receiveWith('sender_is_signer_with_ca.eml', ['SenderCA.crt']);
		expect(a.security.sign.status).toBe('untrusted');
		expect(a.security.sign.comment).toBe(NOT_FOUND);
	});

	test('sender_is_signer_with_ca.eml with SenderCA and SenderIntermediateCA stored: valid (the stored intermediate vouches)', async () => {
		const a = await receiveWith('sender_is_signer_with_ca.eml', ['SenderCA.crt', 'SenderIntermediateCA.crt']);
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.sign.signer).toBe('smime-sender-ca@example.com');
		expect(a.security.sign.comment).toBe('/C=DE/ST=Berlin/O=Example Security/OU=IT Department/CN=example.com/emailAddress=SenderIntermediateCA@example.com');
		expect(a.from?.address).toBe('smime-sender-ca@example.com');
	});

	test('forged_cloned_subject.eml: a self-signed clone of smime1 is not trusted', async () => {
		const a = await receiveWith('forged_cloned_subject.eml', ['smime1@example.com.crt']);
		expect(a.security.sign.status).toBe('untrusted');
		expect(a.security.sign.comment).toBe(NOT_FOUND);
	});

	test('forged_extra_certificate.eml: really signed by smime2, so the smime1 sender is not the signer', async () => {
		const a = await receiveWith('forged_extra_certificate.eml', ['smime1@example.com.crt', 'smime2@example.com.crt']);
		expect(a.security.sign).toEqual({ status: 'sender-mismatch', signer: 'smime2@example.com', comment: NOT_SENDER });
		expect(a.from).toEqual({ name: 'Attacker', address: 'smime1@example.com' });
	});

	test('opaque_sender_not_in_store.eml with an empty store: untrusted, the body is still shown', async () => {
		const a = await receiveWith('opaque_sender_not_in_store.eml', []);
		expect(a.security.sign.status).toBe('untrusted');
		expect(a.security.sign.comment).toBe(NOT_FOUND);
		expect(a.security.encryption.status).toBe('none');
		expect(a.text).toContain('Some text');
	});

	test('opaque_no_bundled_signer_cert.eml with an empty store: untrusted, the body is still shown', async () => {
		const a = await receiveWith('opaque_no_bundled_signer_cert.eml', []);
		expect(a.security.sign).toEqual({ status: 'untrusted', comment: NOT_FOUND });
		expect(a.text).toContain('Some text');
	});

	test('opaque_no_bundled_signer_cert.eml with smime1 stored: valid (we find the signer in the store; Zammad does not, §8.3)', async () => {
		const a = await receiveWith('opaque_no_bundled_signer_cert.eml', ['smime1@example.com.crt']);
		expect(a.security.sign).toEqual({ status: 'valid', signer: 'smime1@example.com', comment: subject('smime1@example.com') });
	});

	test('wrong_mime_type.eml: Zammad\'s verification error, and the text stays readable', async () => {
		const a = await receiveWith('wrong_mime_type.eml', []);
		expect(a.security.sign).toEqual({ status: 'invalid', comment: 'Error while verifying signature, please contact your administrator.' });
		expect(a.text).toContain('Some text');
	});

	test('sender_name_with_trusted_ca.eml (LF-only copy of a CRLF mail) with the signer stored: valid', async () => {
		const a = await receiveWith('sender_name_with_trusted_ca.eml', ['smime-sender-name@example.com.crt']);
		expect(a.security.sign).toEqual({
			status: 'valid',
			signer: 'smime-sender-name@example.com',
			comment: '/C=DE/ST=Berlin/L=Berlin/O=Example Security/OU=IT Department/CN=Sender Name/emailAddress=smime-sender-name@example.com'
		});
		expect(a.html).toContain('<html');
	});
});

describe('other verification outcomes (§6.1)', () => {
	test('only IntermediateCA stored: valid, comment is the IntermediateCA subject', async () => {
		const a = await receiveWith('sender_is_signer.eml', ['IntermediateCA.crt']);
		expect(a.security.sign.status).toBe('valid');
		expect(a.security.sign.comment).toBe('/C=DE/ST=Berlin/O=Example Security/OU=IT Department/CN=example.com/emailAddress=IntermediateCA@example.com');
	});

	test('only RootCA stored and the mail lacks the intermediate: untrusted', async () => {
		const a = await receiveWith('sender_is_signer.eml', ['RootCA.crt']);
		expect(a.security.sign).toMatchObject({ status: 'untrusted', comment: NOT_FOUND });
	});

	for (const unrelated of ['smime3@example.com.crt', 'ExpiredCA.crt', 'ExpiredIntermediateCA.crt']) {
		test(`an unrelated stored certificate (${unrelated}) does not help`, async () => {
			const a = await receiveWith('sender_is_signer.eml', [unrelated]);
			expect(a.security.sign).toMatchObject({ status: 'untrusted', comment: NOT_FOUND });
		});
	}

	test('chain@ signs, IntermediateCA stored: valid', async () => {
		const a = await receiveWith(zammadSigned('chain@example.com', 'chain@example.com'), ['IntermediateCA.crt']);
		expect(a.security.sign).toMatchObject({ status: 'valid', signer: 'chain@example.com' });
	});

	test('an expired signer: expired, with Zammad\'s "(Certificate … expired!)" suffix exactly once', async () => {
		const a = await receiveWith(zammadSigned('expiredsmime1@example.com', 'expiredsmime1@example.com'), ['expiredsmime1@example.com.crt']);
		expect(a.security.sign.status).toBe('expired');
		expect(a.security.sign.signer).toBe('expiredsmime1@example.com');
		expect(a.security.sign.comment).toBe(
			`${subject('expiredsmime1@example.com')} (Certificate dad4b48842c42a5d81812fa5646fdb483c3fa71a with start date 2013-08-03 09:47:45 UTC and end date 2014-08-03 09:47:45 UTC expired!)`
		);
		expect(a.security.sign.comment.split('expired!')).toHaveLength(2);
	});

	test('Outlook-style opaque signed-data with smime-type=Signed-Data: valid, not treated as encrypted', async () => {
		const mail = new TextDecoder().decode(zammadSigned('smime2@example.com', 'smime2@example.com', ['-nodetach'])).replace('smime-type=signed-data', 'smime-type=Signed-Data');
		const a = await receiveWith(new TextEncoder().encode(mail), ['smime2@example.com.crt']);
		expect(a.security.sign).toEqual({ status: 'valid', signer: 'smime2@example.com', comment: subject('smime2@example.com') });
		expect(a.security.encryption.status).toBe('none');
		expect(a.text).toContain('Some text');
	});

	test('more than 20 bundled certificates: fails closed within 5 s', async () => {
		const bundle = readdirSync(ZAMMAD)
			.filter((f) => f.endsWith('.crt') && !f.startsWith('smime-sender-name') && f !== 'ChainCA.crt')
			.map((f) => new TextDecoder().decode(read(Z(f))))
			.join('\n');
		const mail = zammadSigned('smime1@example.com', 'smime1@example.com', ['-certfile', tmpFile(bundle, 'pem')]);
		const start = Date.now();
		const a = await receiveWith(mail, ['smime1@example.com.crt']);
		expect(Date.now() - start).toBeLessThan(5000);
		expect(a.security.sign.status).toBe('untrusted');
		expect(a.security.sign.comment).toBe('The message bundles more than 20 certificates.');
	});

	test('the sender certificate removed after a valid receive: retry says it could not be found', async () => {
		const { desk } = await freshDesk();
		await importFiles(desk, [Z('smime1@example.com.crt')]);
		const a = await desk.receive(read(Z('sender_is_signer.eml')));
		expect(a.security.sign.status).toBe('valid');
		const [cert] = await desk.listCertificates();
		await desk.deleteCertificate(cert?.fingerprint ?? '');
		const again = await desk.retry(a.id);
		expect(again.security.sign).toMatchObject({ status: 'untrusted', comment: NOT_FOUND });
	});
});

describe('decryption (§6.1)', () => {
	function encryptedTo(recipient: string, headers: string): Uint8Array {
		const out = openssl(['smime', '-encrypt', '-aes256', '-in', tmpFile('Content-Type: text/plain\r\n\r\nSecret text\r\n', 'txt'), Z(`${recipient}.crt`)]);
		const head = new TextEncoder().encode(headers);
		const mail = new Uint8Array(head.length + out.length);
		mail.set(head);
		mail.set(out, head.length);
		return mail;
	}

	test('no private key for the recipient: no-key with Zammad\'s sentence, nothing shown', async () => {
		const a = await receiveWith(encryptedTo('smime2@example.com', 'From: a@example.com\r\nTo: smime2@example.com\r\nSubject: x\r\n'), ['smime1@example.com.crt', 'smime1@example.com.key']);
		expect(a.security.encryption).toEqual({ status: 'no-key', comment: 'The private key for decryption could not be found.' });
		expect(a.text).toBe('');
	});

	test('the recipient only in Delivered-To (#6357): decrypted, comment is the recipient subject', async () => {
		const mail = encryptedTo('smime1@example.com', 'From: a@example.com\r\nTo: list@example.com\r\nDelivered-To: smime1@example.com\r\nSubject: x\r\n');
		const a = await receiveWith(mail, ['smime1@example.com.crt', 'smime1@example.com.key']);
		expect(a.security.encryption).toEqual({ status: 'decrypted', comment: subject('smime1@example.com') });
		expect(a.text).toContain('Secret text');
	});
});
