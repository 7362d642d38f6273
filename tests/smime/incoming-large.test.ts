/**
 * Large mail through desk.receive (issue 8): the envelope is decrypted within the decoded body
 * and the attachment decoded outside postal-mime, so check what that must not change: the
 * stored raw mail stays byte for byte what arrived (also when the envelope is sent binary, as a
 * view of the raw mail, which must then not be decrypted in place), the attachment is exact,
 * and a signature inside the envelope still verifies.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { readIncoming } from '../../src/lib/smime/incoming';
import { freshDesk } from '../desk/receive-helpers';
import { cms, encryptTo, loadPki, signAs, withHeaders } from './mail';
import { own } from '../../src/lib/base/memory';

let desk: Desk;
const data = new Uint8Array(700_000).map((_, i) => (i * 2654435761) >>> 24);

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A multipart entity with text and a base64 attachment of `data`. */
function entity(): string {
	const b64 = (Buffer.from(data).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
	return (
		'Content-Type: multipart/mixed; boundary="big"\r\n\r\n--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachment.\r\n' +
		'--big\r\nContent-Type: application/octet-stream; name="data.bin"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="data.bin"\r\n\r\n' +
		`${b64}\r\n--big--\r\n`
	);
}

/** Rewrites openssl's base64 application/pkcs7-mime body as binary. */
function asBinary(mail: Uint8Array): Uint8Array {
	const text = new TextDecoder('latin1').decode(mail);
	const blank = /\r?\n\r?\n/.exec(text);
	if (!blank) throw new Error('No body.');
	const split = blank.index + blank[0].length;
	const head = text.slice(0, split).replace(/Content-Transfer-Encoding: base64/i, 'Content-Transfer-Encoding: binary');
	const der = Buffer.from(text.slice(split).replace(/\s+/g, ''), 'base64');
	return new Uint8Array(Buffer.concat([Buffer.from(head, 'latin1'), der]));
}

beforeAll(async () => {
	desk = (await freshDesk({ now: new Date() })).desk;
	await loadPki(desk, ['alice', 'bob']);
});

describe('large signed and encrypted mail', () => {
	const encrypted = withHeaders(cms([...encryptTo('bob'), '-aes256'], entity()));
	const signedEncrypted = withHeaders(cms([...encryptTo('bob'), '-aes256'], cms([...signAs('alice'), '-binary'], entity())), { from: 'Alice <alice@sealdesk.test>' });

	const opaque = withHeaders(cms([...signAs('alice'), '-binary', '-nodetach'], entity()), { from: 'Alice <alice@sealdesk.test>' });

	test.each([
		['opaque signature (no envelope)', opaque, true],
		['base64 envelope', encrypted, false],
		['binary envelope', asBinary(encrypted), false],
		['signed, then encrypted', signedEncrypted, true]
	])('%s: decrypted, attachment exact, raw mail unchanged', async (_name, mail, signed) => {
		const before = sha(mail);
		const a = await desk.receive(mail);
		if (mail !== opaque) expect(a.security.encryption.status).toBe('decrypted');
		if (signed) expect(a.security.sign.status).toBe('valid');
		expect(a.text).toContain('See the attachment.');
		expect(a.attachments.map((x) => [x.name, x.size])).toEqual([['data.bin', data.length]]);
		expect(sha((await desk.getAttachment(a.id, 0)) ?? new Uint8Array())).toBe(sha(data));
		expect(sha(mail)).toBe(before);
		expect(sha((await desk.articleRaw(a.id)) ?? new Uint8Array())).toBe(before);
		// Retry reads the stored raw mail again: it must still decrypt.
		const again = await desk.retry(a.id);
		expect(again.security).toEqual(a.security);
		expect(sha((await desk.getAttachment(a.id, 0)) ?? new Uint8Array())).toBe(sha(data));
	});
});

describe('owned input: a dropped .eml File is decoded and decrypted within the bytes read from it', () => {
	const encrypted = withHeaders(cms([...encryptTo('bob'), '-aes256'], entity()));
	const signedEncrypted = withHeaders(cms([...encryptTo('bob'), '-aes256'], cms([...signAs('alice'), '-binary'], entity())), { from: 'Alice <alice@sealdesk.test>' });
	const opaque = withHeaders(cms([...signAs('alice'), '-binary', '-nodetach'], entity()), { from: 'Alice <alice@sealdesk.test>' });
	const gcm = withHeaders(cms([...encryptTo('bob'), '-aes-256-gcm'], entity()));

	test.each([
		['opaque signature (no envelope)', opaque, true, false],
		['base64 envelope', encrypted, false, true],
		['binary envelope', asBinary(encrypted), false, true],
		['AES-GCM envelope', gcm, false, true],
		['signed, then encrypted', signedEncrypted, true, true]
	])('%s: the same article as from bytes, the stored raw mail exact, retry still works', async (_name, mail, signed, encryptedMail) => {
		const before = sha(mail);
		const fromBytes = await desk.receive(mail);
		const a = await desk.receive(new File([mail as Uint8Array<ArrayBuffer>], 'mail.eml', { type: 'message/rfc822' }));
		expect(a.security).toEqual(fromBytes.security);
		expect(a.text).toBe(fromBytes.text);
		if (encryptedMail) expect(a.security.encryption.status).toBe('decrypted');
		if (signed) expect(a.security.sign.status).toBe('valid');
		expect(a.attachments.map((x) => [x.name, x.size])).toEqual([['data.bin', data.length]]);
		expect(sha((await desk.getAttachment(a.id, 0)) ?? new Uint8Array())).toBe(sha(data));
		expect(sha((await desk.articleRaw(a.id)) ?? new Uint8Array())).toBe(before);
		const again = await desk.retry(a.id);
		expect(again.security).toEqual(a.security);
		expect(sha((await desk.getAttachment(a.id, 0)) ?? new Uint8Array())).toBe(sha(data));
		expect(sha((await desk.articleRaw(a.id)) ?? new Uint8Array())).toBe(before);
	});

	test('readIncoming with owned input: an opaque signature is decoded within the raw buffer, the result the same as borrowed input, which is left as it was', async () => {
		const options = { certificates: [], candidates: [], now: new Date(), crypto: globalThis.crypto };
		const borrowed = opaque.slice();
		const copy = await readIncoming({ ...options, raw: borrowed });
		expect(sha(borrowed)).toBe(sha(opaque));
		const raw = opaque.slice();
		const inPlace = await readIncoming({ ...options, raw: own(raw) });
		expect(inPlace.security).toEqual(copy.security);
		expect(copy.content).not.toBeNull();
		expect(sha(inPlace.content ?? new Uint8Array())).toBe(sha(copy.content ?? new Uint8Array()));
		expect(inPlace.content?.buffer).toBe(raw.buffer);
		expect(sha(raw)).not.toBe(sha(opaque));
	});

	test('a pkcs7-mime body of another CMS type (id-data) is shown as it came, owned or not', async () => {
		const mail = withHeaders(cms(['-data_create'], entity()));
		const options = { certificates: [], candidates: [], now: new Date(), crypto: globalThis.crypto };
		const copy = await readIncoming({ ...options, raw: mail });
		const raw = mail.slice();
		const inPlace = await readIncoming({ ...options, raw: own(raw) });
		expect(sha(raw)).toBe(sha(mail));
		expect(inPlace.security).toEqual(copy.security);
		expect(sha(inPlace.content ?? new Uint8Array())).toBe(sha(copy.content ?? new Uint8Array()));
		expect(sha(inPlace.content ?? new Uint8Array())).toBe(sha(mail));
	});
});
