/**
 * Issue 5 interop: every variant desk.compose produces is verified with `openssl cms -verify`
 * against the root CA, decrypted with `openssl cms -decrypt` by every recipient, read by
 * `openssl smime` where it is CBC with RSA PKCS#1 v1.5, and received by our own desk.receive
 * with the same text and attachments byte for byte.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import PostalMime from 'postal-mime';
import type { Desk } from '../../src/lib/desk/desk';
import type { Draft } from '../../src/lib/desk/compose';
import { recordCapabilities } from '../../src/lib/desk/certificates';
import { ourCapabilities } from '../../src/lib/smime/algorithm-policy';
import * as O from '../../src/lib/base/oids';
import { deskWith, fingerprintOf, isCrlf7bit, openssl, opensslText, PKI, put, tempDir } from './outgoing-helpers';

const ROOT = join(PKI, 'root-ca.pem');

/** What openssl shows of a message's outer CMS structure. */
function cmsPrint(dir: string, raw: Uint8Array): string {
	const f = put(dir, 'print.eml', raw);
	return new TextDecoder().decode(openssl(['cms', '-cmsout', '-print', '-in', f]));
}

/** Decrypts with openssl cms as `who`, returns the decrypted entity. */
function decryptAs(dir: string, raw: Uint8Array, who: string): Uint8Array {
	const f = put(dir, 'enc.eml', raw);
	return openssl(['cms', '-decrypt', '-in', f, '-recip', join(PKI, `${who}.pem`), '-inkey', join(PKI, `${who}.key`)]);
}

/** Verifies a multipart/signed entity with openssl cms against the root CA; returns the signed content. */
function verifyCms(dir: string, signed: Uint8Array): Uint8Array {
	const f = put(dir, 'signed.eml', signed);
	return openssl(['cms', '-verify', '-in', f, '-CAfile', ROOT]);
}

/** What a reader gets from the signed (or plain) content entity. */
async function readContent(entity: Uint8Array): Promise<{ text: string; attachments: { filename: string; content: Uint8Array }[] }> {
	const email = await PostalMime.parse(entity, { attachmentEncoding: 'arraybuffer' });
	return {
		text: email.text ?? '',
		attachments: email.attachments.map((a) => ({
			filename: a.filename ?? '',
			content: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content)
		}))
	};
}

function sameText(got: string, draft: string): void {
	expect(got).toBe(draft);
}

const TEXT = 'Grüße aus Köln 👋\nZeile mit = Zeichen und Leerzeichen am Ende   \n.\nFrom the helpdesk\n' + 'x'.repeat(200);
const BINARY = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37 + 11) & 0xff);
const ATTACHMENTS = [
	{ filename: 'bericht-über-alles.bin', contentType: 'application/octet-stream', data: BINARY },
	{ filename: 'note.txt', contentType: 'text/plain', data: 'line one\r\nline two\r\n' }
];

async function receiveAs(desk: Desk, raw: Uint8Array): Promise<Awaited<ReturnType<Desk['receive']>>> {
	return desk.receive(raw);
}

async function expectRoundTrip(receiver: Desk, raw: Uint8Array, draft: Draft, signed: boolean, encrypted: boolean): Promise<void> {
	const article = await receiveAs(receiver, raw);
	expect(article.security.sign.status).toBe(signed ? 'valid' : 'none');
	expect(article.security.encryption.status).toBe(encrypted ? 'decrypted' : 'none');
	sameText(article.text, draft.text ?? '');
	const want = (draft.attachments ?? []).map((a) => (typeof a.data === 'string' ? new TextEncoder().encode(a.data) : a.data));
	expect(article.attachments.map((a) => a.name)).toEqual((draft.attachments ?? []).map((a) => a.filename));
	for (const [i, bytes] of want.entries()) {
		const got = await receiver.getAttachment(article.id, i);
		expect(got).toEqual(bytes);
	}
}

describe('RSA signer (alice) to an RSA recipient (bob) without recorded capabilities', () => {
	test('sign + encrypt: AES-256-CBC EnvelopedData, RSA PKCS#1 v1.5; openssl cms and smime both read it; receive round-trips', async () => {
		const sender = await deskWith(['alice', 'bob'], ['alice']);
		const draft: Draft = { from: 'Alice Agent <alice@sealdesk.test>', to: ['bob@sealdesk.test'], subject: 'Grüße – ünïcödé', text: TEXT, attachments: ATTACHMENTS, sign: true, encrypt: true };
		const sent = await sender.compose(draft);
		expect(sent.signed && sent.encrypted).toBe(true);
		expect(sent.contentEncryption).toBe('AES-256-CBC');
		expect(isCrlf7bit(sent.raw)).toBe(true);
		const dir = tempDir();
		const printed = cmsPrint(dir, sent.raw);
		expect(printed).toContain('contentType: pkcs7-envelopedData');
		expect(printed).toContain('aes-256-cbc');
		// bob: PKCS#1 v1.5 (nothing advertised); alice's own copy: OAEP, as she holds the key.
		expect(printed.match(/algorithm: rsaEncryption/g)).toHaveLength(1);
		expect(printed.match(/algorithm: rsaesOaep/g)).toHaveLength(1);

		// openssl cms, as the recipient
		const inner = decryptAs(dir, sent.raw, 'bob');
		const content = await readContent(verifyCms(dir, inner));
		sameText(content.text, TEXT);
		expect(content.attachments.map((a) => a.filename)).toEqual(['bericht-über-alles.bin', 'note.txt']);
		expect(content.attachments[0]?.content).toEqual(BINARY);

		// openssl smime (Zammad's and older tools' path)
		const f = put(dir, 'mail.eml', sent.raw);
		const smimeInner = openssl(['smime', '-decrypt', '-in', f, '-recip', join(PKI, 'bob.pem'), '-inkey', join(PKI, 'bob.key')]);
		expect(smimeInner).toEqual(inner);
		const g = put(dir, 'inner.eml', smimeInner);
		const smimeContent = await readContent(openssl(['smime', '-verify', '-in', g, '-CAfile', ROOT]));
		expect(smimeContent.attachments[0]?.content).toEqual(BINARY);

		// the sender can read its own copy
		expect(decryptAs(dir, sent.raw, 'alice')).toEqual(inner);

		// our own receive, on bob's desk
		const receiver = await deskWith(['alice', 'bob'], ['bob']);
		await expectRoundTrip(receiver, sent.raw, draft, true, true);
	});

	test('sign only: multipart/signed verifies with openssl cms and smime, and the signer chain is included', async () => {
		const sender = await deskWith(['alice'], ['alice']);
		const draft: Draft = { from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: 'Signed', text: TEXT, attachments: ATTACHMENTS, sign: true, encrypt: false };
		const sent = await sender.compose(draft);
		expect(sent.encrypted).toBe(false);
		const dir = tempDir();
		const head = new TextDecoder().decode(sent.raw.subarray(0, 1200));
		expect(head).toMatch(/multipart\/signed; protocol="application\/pkcs7-signature"; micalg=sha-256/);
		const content = await readContent(verifyCms(dir, sent.raw));
		expect(content.attachments[0]?.content).toEqual(BINARY);
		const f = put(dir, 'mail.eml', sent.raw);
		expect(opensslText(['smime', '-verify', '-in', f, '-CAfile', ROOT, '-out', join(dir, 'out.eml')]).ok).toBe(true);
		// Only the root is given to openssl: the intermediate must come from the message.
		const certs = new TextDecoder().decode(openssl(['smime', '-pk7out', '-in', f]));
		const p7 = put(dir, 'sig.p7', certs);
		const list = new TextDecoder().decode(openssl(['pkcs7', '-in', p7, '-print_certs', '-noout']));
		expect(list).toContain('CN = alice');
		expect(list).toContain('CN = Sealdesk Test Intermediate CA');
		expect(list).toContain('CN = Sealdesk Test Root CA');
		const receiver = await deskWith(['alice']);
		await expectRoundTrip(receiver, sent.raw, draft, true, false);
	});

	test('encrypt only: openssl smime decrypts it, and receive reads it', async () => {
		const sender = await deskWith(['alice', 'bob'], ['alice']);
		const draft: Draft = { from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: 'Encrypted', text: 'Nur verschlüsselt.', sign: false, encrypt: true };
		const sent = await sender.compose(draft);
		const dir = tempDir();
		const f = put(dir, 'mail.eml', sent.raw);
		const inner = openssl(['smime', '-decrypt', '-in', f, '-recip', join(PKI, 'bob.pem'), '-inkey', join(PKI, 'bob.key')]);
		sameText((await readContent(inner)).text, 'Nur verschlüsselt.');
		const receiver = await deskWith(['bob'], ['bob']);
		await expectRoundTrip(receiver, sent.raw, draft, false, true);
	});

	test('RSA-PSS as the admin setting: openssl verifies the RSASSA-PSS signature', async () => {
		const sender = await deskWith(['alice'], ['alice']);
		await sender.setSignatureScheme('pss');
		const sent = await sender.compose({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: 'PSS', text: 'pss', sign: true, encrypt: false });
		const dir = tempDir();
		const f = put(dir, 'mail.eml', sent.raw);
		expect(new TextDecoder().decode(openssl(['cms', '-cmsout', '-print', '-in', f]))).toContain('rsassaPss');
		sameText((await readContent(verifyCms(dir, sent.raw))).text, 'pss');
	});
});

describe('EC signer and recipients', () => {
	test('carol (P-256, ECDSA) signs for bob (RSA) and dave (P-384, ECDH): every recipient decrypts with openssl cms', async () => {
		const sender = await deskWith(['carol', 'bob', 'dave'], ['carol']);
		const draft: Draft = { from: 'carol@sealdesk.test', to: ['bob@sealdesk.test'], cc: ['Dave <dave@sealdesk.test>'], subject: 'EC', text: TEXT, attachments: ATTACHMENTS.slice(0, 1) };
		const sent = await sender.compose(draft);
		expect(sent.signed && sent.encrypted).toBe(true);
		expect(sent.recipients).toHaveLength(3);
		const dir = tempDir();
		const printed = cmsPrint(dir, sent.raw);
		expect(printed).toContain('dhSinglePass-stdDH-sha256kdf-scheme');
		let first: Uint8Array | null = null;
		for (const who of ['bob', 'dave', 'carol']) {
			const inner = decryptAs(dir, sent.raw, who);
			first ??= inner;
			expect(inner).toEqual(first);
		}
		// Not checked with `openssl smime`: its PKCS#7 code has no KeyAgreeRecipientInfo, so no
		// message with an EC recipient opens there (nor in Zammad, which uses OpenSSL::PKCS7).
		const verified = verifyCms(dir, first ?? new Uint8Array());
		expect((await readContent(verified)).attachments[0]?.content).toEqual(BINARY);
		const signedPrint = new TextDecoder().decode(openssl(['cms', '-cmsout', '-print', '-in', put(dir, 'inner.eml', first ?? new Uint8Array())]));
		expect(signedPrint).toContain('ecdsa-with-SHA256');
		const receiver = await deskWith(['carol', 'dave'], ['dave']);
		await expectRoundTrip(receiver, sent.raw, draft, true, true);
	});

	test('frank (Ed25519) signs with SHA-512 (RFC 8419); our receive verifies it', async () => {
		const sender = await deskWith(['frank'], ['frank']);
		const options = await sender.securityOptions({ from: 'frank@sealdesk.test', to: ['bob@sealdesk.test'] });
		expect(options.sign.possible).toBe(true);
		const sent = await sender.compose({ from: 'frank@sealdesk.test', to: 'bob@sealdesk.test', subject: 'Ed25519', text: 'signed with Ed25519', sign: true, encrypt: false });
		const dir = tempDir();
		// OpenSSL 3.0 cannot verify Ed25519 in CMS ("invalid digest"): it checks the structure, our receive the signature.
		const printed = new TextDecoder().decode(openssl(['cms', '-cmsout', '-print', '-in', put(dir, 'm.eml', sent.raw)]));
		expect(printed).toContain('ED25519');
		expect(printed).toContain('sha512');
		const receiver = await deskWith(['frank']);
		await expectRoundTrip(receiver, sent.raw, { from: 'frank@sealdesk.test', text: 'signed with Ed25519' }, true, false);
	});
});

describe('X25519 recipient', () => {
	test('grace (X25519, RFC 8418 HKDF) gets a KeyAgreeRecipientInfo; our receive opens it (OpenSSL 3.0 has no HKDF recipients)', async () => {
		const sender = await deskWith(['alice', 'grace'], ['alice']);
		const draft: Draft = { from: 'alice@sealdesk.test', to: 'grace@sealdesk.test', subject: 'X25519', text: TEXT, attachments: ATTACHMENTS };
		const sent = await sender.compose(draft);
		expect(sent.encrypted).toBe(true);
		expect(cmsPrint(tempDir(), sent.raw)).toContain('1.2.840.113549.1.9.16.3.19');
		const receiver = await deskWith(['alice', 'grace'], ['grace']);
		await expectRoundTrip(receiver, sent.raw, draft, true, true);
	});
});

describe('capabilities choose the algorithms', () => {
	test('a recipient that advertised RSA-OAEP with SHA-256 gets OAEP; openssl cms decrypts', async () => {
		const sender = await deskWith(['alice', 'bob'], ['alice']);
		await recordCapabilities(sender.context, await fingerprintOf(sender, 'bob@sealdesk.test'), ourCapabilities('RSA').filter((c) => c.oid !== O.OID_AES256_GCM));
		const draft: Draft = { from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: 'OAEP', text: 'oaep', sign: true, encrypt: true };
		const sent = await sender.compose(draft);
		expect(sent.contentEncryption).toBe('AES-256-CBC');
		const dir = tempDir();
		const printed = cmsPrint(dir, sent.raw);
		expect(printed).toContain('rsaesOaep');
		expect(printed).toContain('sha256');
		sameText((await readContent(verifyCms(dir, decryptAs(dir, sent.raw, 'bob')))).text, 'oaep');
		const receiver = await deskWith(['alice', 'bob'], ['bob']);
		await expectRoundTrip(receiver, sent.raw, draft, true, true);
	});

	test('GCM when every recipient advertised it, learned from their signed mail by receive; openssl cms decrypts AuthEnvelopedData', async () => {
		// bob and carol each send alice a signed mail from their own desks; alice's desk learns their capabilities.
		const alice = await deskWith(['alice', 'bob', 'carol'], ['alice']);
		for (const who of ['bob', 'carol']) {
			const theirs = await deskWith([who], [who]);
			const signed = await theirs.compose({ from: `${who}@sealdesk.test`, to: 'alice@sealdesk.test', subject: 'hello', text: 'hi', sign: true, encrypt: false });
			const article = await alice.receive(signed.raw);
			expect(article.security.sign.status).toBe('valid');
		}
		const draft: Draft = { from: 'alice@sealdesk.test', to: ['bob@sealdesk.test', 'carol@sealdesk.test'], subject: 'GCM', text: TEXT, attachments: ATTACHMENTS };
		const sent = await alice.compose(draft);
		expect(sent.contentEncryption).toBe('AES-256-GCM');
		const dir = tempDir();
		const printed = cmsPrint(dir, sent.raw);
		expect(printed).toContain('id-smime-ct-authEnvelopedData');
		expect(printed).toContain('aes-256-gcm');
		expect(printed).toContain('rsaesOaep'); // bob advertised OAEP too
		expect(new TextDecoder().decode(sent.raw)).toContain('smime-type=authEnveloped-data');
		for (const who of ['bob', 'carol', 'alice']) {
			const content = await readContent(verifyCms(dir, decryptAs(dir, sent.raw, who)));
			expect(content.attachments[0]?.content).toEqual(BINARY);
		}
		const receiver = await deskWith(['alice', 'carol'], ['carol']);
		await expectRoundTrip(receiver, sent.raw, draft, true, true);
	});

	test('one recipient without GCM keeps the message on CBC; the admin can force GCM or CBC', async () => {
		const desk = await deskWith(['alice', 'bob', 'dave'], ['alice']);
		await recordCapabilities(desk.context, await fingerprintOf(desk, 'bob@sealdesk.test'), ourCapabilities('RSA'));
		const draft: Draft = { from: 'alice@sealdesk.test', to: ['bob@sealdesk.test', 'dave@sealdesk.test'], subject: 'mixed', text: 'mixed' };
		expect((await desk.compose(draft)).contentEncryption).toBe('AES-256-CBC');
		await desk.setContentEncryption('gcm');
		const forced = await desk.compose(draft);
		expect(forced.contentEncryption).toBe('AES-256-GCM');
		const dir = tempDir();
		sameText((await readContent(verifyCms(dir, decryptAs(dir, forced.raw, 'dave')))).text, 'mixed');
		await recordCapabilities(desk.context, await fingerprintOf(desk, 'dave@sealdesk.test'), ourCapabilities('EC'));
		await desk.setContentEncryption('auto');
		expect((await desk.compose(draft)).contentEncryption).toBe('AES-256-GCM');
		await desk.setContentEncryption('cbc');
		const cbc = await desk.compose(draft);
		expect(cbc.contentEncryption).toBe('AES-256-CBC');
		expect(cmsPrint(dir, cbc.raw)).toContain('aes-256-cbc');
	});
});

describe('the message itself', () => {
	test('headers: RFC 2047 subject and names, Date, Message-ID, In-Reply-To and References; CRLF and 7-bit', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		const sent = await desk.compose({
			from: '"Ålice Agent" <alice@sealdesk.test>',
			to: ['Bøb <bob@sealdesk.test>'],
			subject: 'Re: 日本語の件名 and a very long subject line that must be folded into several encoded words 🎉',
			text: 'plain',
			inReplyTo: '<orig@example.com>',
			references: ['<first@example.com>', '<orig@example.com>'],
			sign: false,
			encrypt: false
		});
		expect(isCrlf7bit(sent.raw)).toBe(true);
		const email = await PostalMime.parse(sent.raw);
		expect(email.subject).toBe('Re: 日本語の件名 and a very long subject line that must be folded into several encoded words 🎉');
		expect(email.from?.name).toBe('Ålice Agent');
		expect(email.to?.[0]?.name).toBe('Bøb');
		expect(email.inReplyTo).toBe('<orig@example.com>');
		expect(email.references).toBe('<first@example.com> <orig@example.com>');
		expect(email.messageId).toBe(sent.messageId);
		expect(email.date).toBe('2026-11-29T04:00:00.000Z');
	});
});
