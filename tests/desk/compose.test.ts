/**
 * Issue 5: desk.compose(draft). Bad drafts reject with a clear sentence, produce no message
 * and no article, and are logged; good ones are logged, stored as an outgoing article on
 * their ticket, and follow the defaults when sign/encrypt are not given.
 */
import { describe, expect, test } from 'vitest';
import PostalMime from 'postal-mime';
import type { Desk } from '../../src/lib/desk/desk';
import { DraftError } from '../../src/lib/smime/outgoing-draft';
import { deskWith } from '../interop/outgoing-helpers';

const A = 'alice@sealdesk.test';
const B = 'bob@sealdesk.test';

async function counts(desk: Desk): Promise<{ articles: number; tickets: number }> {
	return { articles: (await desk.context.db.getAll('articles')).length, tickets: (await desk.listTickets()).length };
}

async function outLogs(desk: Desk): Promise<Awaited<ReturnType<Desk['logs']>>> {
	return (await desk.logs()).filter((l) => l.direction === 'out');
}

describe('bad drafts', () => {
	const cases: [string, Record<string, unknown>, string, string][] = [
		['no recipients', { from: A, to: [], cc: [], subject: 's', text: 't' }, 'no-recipient', 'The message has no recipient.'],
		['no sender', { from: '', to: [B], text: 't' }, 'no-sender', 'The message has no sender.'],
		['an invalid To address', { from: A, to: ['bob@'], text: 't' }, 'invalid-address', 'The address "bob@" is not valid.'],
		['an invalid Cc address in a list', { from: A, to: B, cc: 'carol@sealdesk.test, not-an-address', text: 't' }, 'invalid-address', 'The address "not-an-address" is not valid.'],
		['an invalid From address', { from: 'alice at sealdesk', to: [B], text: 't' }, 'invalid-address', 'The address "alice at sealdesk" is not valid.'],
		['sign requested, From without a certificate', { from: 'nobody@sealdesk.test', to: [B], text: 't', sign: true, encrypt: false }, 'sign-impossible', 'The certificate for nobody@sealdesk.test was not found.'],
		['sign requested, From certificate without private key', { from: B, to: [A], text: 't', sign: true, encrypt: false }, 'sign-impossible', `The certificate for ${B} was not found.`],
		['encrypt requested, recipient certificate expired', { from: A, to: ['expired@sealdesk.test'], text: 't', sign: true, encrypt: true }, 'encrypt-impossible', 'The certificate for expired@sealdesk.test was found, but it is not valid yet or has expired.'],
		['encrypt requested, recipient certificate missing', { from: A, to: [B, 'nobody@example.com'], text: 't', sign: false, encrypt: true }, 'encrypt-impossible', 'The certificates for nobody@example.com were not found.'],
		['an unknown option', { from: A, to: [B], text: 't', replyTo: ['x@example.com'] }, 'invalid-option', 'Unknown draft option "replyTo".'],
		['a subject with a line break (header injection)', { from: A, to: [B], subject: 'Hi\r\nBcc: evil@example.com', text: 't' }, 'invalid-option', 'The subject must be one line.'],
		['a malformed In-Reply-To', { from: A, to: [B], text: 't', inReplyTo: 'not an id' }, 'invalid-option', 'The message ID "not an id" is not valid.'],
		['a reply to a ticket that does not exist', { from: A, to: [B], text: 't', ticketId: 999 }, 'invalid-option', 'No ticket has this id.']
	];

	test.each(cases)('%s', async (_name, draft, code, message) => {
		const desk = await deskWith(['alice', 'bob', 'expired'], ['alice']);
		const before = await counts(desk);
		const error: unknown = await desk.compose(draft as never).then(
			() => null,
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(DraftError);
		expect((error as DraftError).code).toBe(code);
		expect((error as DraftError).message).toBe(message);
		expect(await counts(desk)).toEqual(before);
		const [log, ...rest] = await outLogs(desk);
		expect(rest).toHaveLength(0);
		expect(log).toMatchObject({ direction: 'out', status: 'failed', messageId: null });
		expect(log?.detail).toContain(message);
	});
});

describe('good drafts', () => {
	test('sign and encrypt default to on where possible; the log says what was done', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		const sent = await desk.compose({ from: A, to: [B], subject: 'Hello', text: 'Hi Bob' });
		expect(sent).toMatchObject({ signed: true, encrypted: true, contentEncryption: 'AES-256-CBC' });
		expect(sent.signer).toHaveLength(64);
		expect(sent.recipients).toHaveLength(2); // bob and alice's own copy
		const [log] = await outLogs(desk);
		expect(log).toMatchObject({ direction: 'out', operation: 'sign+encrypt', status: 'success', messageId: sent.messageId });
		expect(log?.detail).toContain('signed by /CN=alice');
		expect(log?.detail).toMatch(/\(RSA PKCS#1 v1\.5, SHA-256, (no CA certificate|1 CA certificate|[2-9] CA certificates) included\)/);
		expect(log?.detail).toContain('encrypted with AES-256-CBC for bob@sealdesk.test (RSA PKCS#1 v1.5)');
	});

	test('where encryption is impossible it defaults to off, and the mail goes out signed', async () => {
		const desk = await deskWith(['alice'], ['alice']);
		const sent = await desk.compose({ from: A, to: ['customer@example.com'], subject: 'Hello', text: 'Hi' });
		expect(sent).toMatchObject({ signed: true, encrypted: false, contentEncryption: null, recipients: [] });
		expect((await outLogs(desk))[0]?.operation).toBe('sign');
	});

	test('group defaults apply when the draft does not say; an explicit choice wins', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		const group = await desk.saveGroup({ name: 'Support', email: A, sign: false, encrypt: false });
		const plain = await desk.compose({ from: A, to: [B], text: 'plain', group: group.id });
		expect(plain).toMatchObject({ signed: false, encrypted: false });
		expect((await outLogs(desk))[0]?.operation).toBe('send');
		const forced = await desk.compose({ from: A, to: [B], text: 'both', group: group.id, sign: true, encrypt: true });
		expect(forced).toMatchObject({ signed: true, encrypted: true });
	});

	test('the sent message is stored as an outgoing article; a reply lands on the ticket with In-Reply-To and References', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		const first = await desk.compose({ from: A, to: [B], subject: 'Case 1', text: 'first', sign: true, encrypt: false });
		const article = await desk.getArticle(first.articleId);
		expect(article).toMatchObject({ direction: 'out', ticketId: first.ticketId, subject: 'Case 1', text: 'first', messageId: first.messageId });
		expect(article?.security.sign).toMatchObject({ status: 'valid', signer: A });
		expect(await desk.articleRaw(first.articleId)).toEqual(first.raw);

		const reply = await desk.compose({ from: A, to: [B], subject: 'Re: Case 1', text: 'second', ticketId: first.ticketId, attachments: [{ filename: 'a.txt', data: 'abc' }] });
		expect(reply.ticketId).toBe(first.ticketId);
		const parsed = await PostalMime.parse(reply.raw);
		expect(parsed.inReplyTo).toBe(first.messageId);
		expect(parsed.references).toBe(first.messageId);
		const ticket = await desk.getTicket(first.ticketId);
		expect(ticket?.articles.map((a) => a.text)).toEqual(['first', 'second']);
		expect(await desk.getAttachment(reply.articleId, 0)).toEqual(new TextEncoder().encode('abc'));
		expect(ticket?.articles[1]?.security.encryption).toMatchObject({ status: 'decrypted', comment: 'Encrypted with AES-256-CBC.' });

		// Bob's answer, from his own desk, threads onto the same ticket when received.
		const bob = await deskWith(['alice', 'bob'], ['bob']);
		const answer = await bob.compose({ from: B, to: [A], subject: 'Re: Case 1', text: 'third', inReplyTo: reply.messageId, references: [first.messageId, reply.messageId] });
		expect((await desk.receive(answer.raw)).ticketId).toBe(first.ticketId);
		// A new mail without a thread opens a new ticket.
		const other = await desk.compose({ from: A, to: [B], subject: 'Other', text: 'x', sign: false, encrypt: false });
		expect(other.ticketId).not.toBe(first.ticketId);
	});

	test('the sender\'s own copy uses RSA-OAEP, so the agent reads sent mail even under strict key custody', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice']);
		await desk.setStrictKeyCustody(true);
		const sent = await desk.compose({ from: A, to: [B], subject: 'Mine', text: 'readable by me' });
		const again = await desk.retry(sent.articleId);
		expect(again.security.encryption.status).toBe('decrypted');
		expect(again.security.sign.status).toBe('valid');
		expect(again.text).toBe('readable by me');
	});

	test('attachments may use the display side\'s field names (name, type/mimeType, content)', async () => {
		const desk = await deskWith(['alice'], ['alice']);
		const bytes = new Uint8Array([1, 2, 3, 250]);
		const sent = await desk.compose({ from: A, to: 'x@example.com', text: 't', attachments: [{ name: 'r.bin', type: 'application/x-test', content: bytes.buffer } as never] });
		const parsed = await PostalMime.parse(sent.raw, { attachmentEncoding: 'arraybuffer' });
		expect(parsed.attachments[0]?.filename).toBe('r.bin');
		expect(parsed.attachments[0]?.mimeType).toBe('application/x-test');
		expect(new Uint8Array(parsed.attachments[0]?.content as ArrayBuffer)).toEqual(bytes);
		await expect(desk.compose({ from: A, to: 'x@example.com', attachments: [{ filename: '', data: 'x' }] })).rejects.toThrow('An attachment has no file name.');
	});

	test('Message-IDs are unique and on the sender domain; Date is the desk clock', async () => {
		const desk = await deskWith(['alice'], ['alice']);
		const one = await desk.compose({ from: A, to: 'x@example.com', text: '1', sign: false });
		const two = await desk.compose({ from: A, to: 'x@example.com', text: '2', sign: false });
		expect(one.messageId).toMatch(/^<[0-9a-f]{32}@sealdesk\.test>$/);
		expect(one.messageId).not.toBe(two.messageId);
		expect(new TextDecoder().decode(one.raw)).toContain('\r\nDate: Sun, 29 Nov 2026 04:00:00 +0000\r\n');
	});

	test('an attachment given as a File (read from its stream, across read chunks) comes back byte for byte, and the File is what is stored', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice', 'bob']);
		const data = new Uint8Array(1_048_572 + 1001).map((_, i) => (i * 2654435761) >>> 24);
		for (const [sign, encrypt] of [
			[false, false],
			[true, false],
			[false, true],
			[true, true]
		] as const) {
			const file = new File([data], 'big.bin', { type: 'application/octet-stream' });
			const empty = new File([], 'empty.txt', { type: 'text/plain' });
			const sent = await desk.compose({ from: A, to: [B], text: 'files', attachments: [{ filename: file.name, data: file }, { filename: empty.name, contentType: empty.type, data: empty }], sign, encrypt });
			const what = `sign ${String(sign)}, encrypt ${String(encrypt)}`;
			expect([sent.signed, sent.encrypted], what).toEqual([sign, encrypt]);
			const stored = await desk.getAttachment(sent.articleId, 0);
			expect(stored && Buffer.from(stored).equals(Buffer.from(data)), what).toBe(true);
			const received = await desk.receive(sent.raw);
			const back = await desk.getAttachment(received.id, 0);
			expect(back && Buffer.from(back).equals(Buffer.from(data)), what).toBe(true);
			expect(received.attachments.map((a) => [a.name, a.size]), what).toEqual([
				['big.bin', data.length],
				['empty.txt', 0]
			]);
		}
	});

	test('the text comes back exactly, whether or not it ends in a line break', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice', 'bob']);
		for (const text of ['Hello', 'Hello\n', 'a\n\nb\n\n', '', ' trailing space ', '=3D=\n.\nFrom me']) {
			for (const attachments of [[], [{ filename: 'x.bin', data: new Uint8Array([0, 255]) }]]) {
				const sent = await desk.compose({ from: A, to: [B], text, attachments, sign: true, encrypt: true });
				const received = await desk.receive(sent.raw);
				expect(received.text).toBe(text);
				expect(received.security.sign.status).toBe('valid');
				expect(received.security.encryption.status).toBe('decrypted');
			}
		}
	});
});
