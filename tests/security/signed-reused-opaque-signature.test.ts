/**
 * Attack (issue 15, point 1): the reused opaque signature. An attacker takes an opaque-signed mail
 * (`application/pkcs7-mime; smime-type=signed-data`) that a trusted sender once sent, puts its
 * SignedData, eContent and all, as the signature part of a new multipart/signed, and writes any
 * text or HTML as the first part. The signature covers the embedded copy, never the part shown,
 * so the mail must be `invalid`, even when the embedded content equals the part.
 *
 * Every SignedData here is real `openssl cms -sign -nodetach` output, made at test time with
 * the fixture PKI; OpenSSL itself must refuse each forged mail ("content verify error").
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { verifySignedData } from '../../src/lib/cms/signed';
import type { Desk } from '../../src/lib/desk/desk';
import { freshDesk } from '../desk/receive-helpers';
import { PKI, openssl, opensslOk, tmpFile } from '../smime/helpers';
import { loadPki, signAs, withHeaders } from '../smime/mail';

const COVER = 'The signature is invalid: It does not cover the content shown, because it carries content of its own (RFC 8551 §3.5.3).';

const SIGNERS = [
	{ name: 'alice', kind: 'RSA', email: 'alice@sealdesk.test' },
	{ name: 'carol', kind: 'EC P-256', email: 'carol@sealdesk.test' }
] as const;
const DIGESTS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;

/** What the sender once really signed and sent, opaque. */
const ORIGINAL = 'Content-Type: text/plain; charset=utf-8\r\n\r\nSee you at the meeting on Monday.\r\n';
const TEXT_PART = 'Content-Type: text/plain; charset=utf-8\r\n\r\nPlease wire 9,800 EUR to IBAN XX00 0000 0000 today.\r\n';
const HTML_PART = 'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Please wire <b>9,800 EUR</b> to IBAN XX00 0000 0000 today.</p>\r\n';

/** `openssl cms -sign -nodetach`: a SignedData with eContent, as DER. */
function opaqueSignedData(signer: string, md: string, content: string): Uint8Array {
	return openssl(['cms', '-sign', '-nodetach', '-binary', '-md', md, ...signAs(signer).slice(1), '-outform', 'DER', '-in', tmpFile(content, 'eml')]);
}

/** The opaque mail as the sender sent it: application/pkcs7-mime, smime-type=signed-data. */
function opaqueMail(der: Uint8Array): string {
	return (
		'MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\r\n' +
		'Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="smime.p7m"\r\n\r\n' +
		`${base64Lines(der)}\r\n`
	);
}

/** The forgery: a new multipart/signed whose first part is `part` and whose signature part is `der`. */
function forgedMail(part: string, der: Uint8Array, md: string): string {
	const b = '----=_forged_7d1f';
	return (
		`MIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg="${md.replace('sha', 'sha-')}"; boundary="${b}"\r\n\r\n` +
		`This is an S/MIME signed message\r\n\r\n--${b}\r\n${part}\r\n--${b}\r\n` +
		'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\nContent-Transfer-Encoding: base64\r\n' +
		`Content-Disposition: attachment; filename="smime.p7s"\r\n\r\n${base64Lines(der)}\r\n--${b}--\r\n`
	);
}

function base64Lines(der: Uint8Array): string {
	return (Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? []).join('\r\n');
}

function opensslVerifies(mail: Uint8Array): boolean {
	return opensslOk(['cms', '-verify', '-CAfile', join(PKI, 'root-ca.pem'), '-in', tmpFile(mail, 'eml'), '-out', tmpFile('', 'out')]);
}

let desk: Desk;

beforeAll(async () => {
	desk = (await freshDesk({ now: new Date() })).desk;
	await loadPki(desk, [], ['root-ca']);
	await desk.setAcceptSha1Signatures(true); // the SHA-1 originals must verify, to show the forgery is what fails
});

describe('a SignedData with eContent reused as the signature of a multipart/signed', () => {
	for (const signer of SIGNERS) {
		for (const md of DIGESTS) {
			const der = (): Uint8Array => opaqueSignedData(signer.name, md, ORIGINAL);
			const from = { from: `Sender <${signer.email}>` };

			test(`${signer.kind}, ${md}: the original opaque mail is valid (the SignedData is genuine)`, async () => {
				const mail = withHeaders(opaqueMail(der()), from);
				const a = await desk.receive(mail);
				expect(a.security.sign.status).toBe('valid');
				expect(a.security.sign.signer).toBe(signer.email);
				expect(a.text).toContain('See you at the meeting');
				expect(opensslVerifies(mail)).toBe(true);
			});

			for (const [label, part, shown] of [
				['a text first part', TEXT_PART, 'Please wire 9,800 EUR'],
				['an HTML first part', HTML_PART, '9,800 EUR']
			] as const) {
				test(`${signer.kind}, ${md}, ${label}: invalid, no signer, and OpenSSL refuses it too`, async () => {
					const mail = withHeaders(forgedMail(part, der(), md), from);
					const a = await desk.receive(mail);
					expect(a.security.sign).toEqual({ status: 'invalid', comment: COVER });
					expect(a.security.layers).toEqual([{ kind: 'signed', form: 'detached', status: 'invalid', covers: 'content' }]);
					expect(`${a.text} ${a.html ?? ''}`).toContain(shown);
					expect(opensslVerifies(mail)).toBe(false);
					const [log] = await desk.logs();
					expect(log).toMatchObject({ direction: 'in', operation: 'verify', status: 'failed' });
				});
			}
		}
	}
});

describe('the equal-content variant: the embedded content is the first part itself', () => {
	for (const signer of SIGNERS) {
		test(`${signer.kind}: still invalid, because the signature is not a detached one`, async () => {
			const mail = withHeaders(forgedMail(TEXT_PART.replace(/\r\n$/, ''), opaqueSignedData(signer.name, 'sha256', TEXT_PART.replace(/\r\n$/, '')), 'sha256'), {
				from: `Sender <${signer.email}>`
			});
			const a = await desk.receive(mail);
			expect(a.security.sign).toEqual({ status: 'invalid', comment: COVER });
		});
	}

	test('the engine: every signer invalid, and neither the eContent nor the part is returned as signed content', async () => {
		const part = new TextEncoder().encode(TEXT_PART);
		const r = await verifySignedData({ der: opaqueSignedData('alice', 'sha256', TEXT_PART), detachedContent: part, crypto });
		expect(r.content).toBeNull();
		expect(r.signers).toEqual([expect.objectContaining({ status: 'invalid', reason: 'It does not cover the content shown, because it carries content of its own (RFC 8551 §3.5.3).' })]);
	});
});

describe('an opaque signed-data without eContent', () => {
	/** `openssl cms -sign` (detached): a SignedData with no eContent, sent as if it were opaque. */
	const detachedDer = (signer: string): Uint8Array =>
		openssl(['cms', '-sign', '-binary', ...signAs(signer).slice(1), '-outform', 'DER', '-in', tmpFile(ORIGINAL, 'eml')]);

	for (const signer of SIGNERS) {
		test(`${signer.kind}: invalid, never valid over empty content, and nothing is shown`, async () => {
			const a = await desk.receive(withHeaders(opaqueMail(detachedDer(signer.name)), { from: `Sender <${signer.email}>` }));
			expect(a.security.sign).toEqual({ status: 'invalid', comment: 'The signature is invalid: The signed content is missing.' });
			expect(a.text).toBe('');
		});
	}

	test('the engine: invalid with no certificate at all (the missing content is found before the signer)', async () => {
		const der = openssl(['cms', '-sign', '-binary', '-nocerts', ...signAs('alice').slice(1, 5), '-outform', 'DER', '-in', tmpFile(ORIGINAL, 'eml')]);
		const r = await verifySignedData({ der, crypto });
		expect(r.content).toBeNull();
		expect(r.signers).toEqual([expect.objectContaining({ status: 'invalid', reason: 'The signed content is missing.' })]);
	});
});
