/**
 * How articles keep their large bytes (issue 8): the raw mail and every attachment are stored
 * as Blobs beside the record, not cloned into it, and read back byte for byte. Records written
 * before that, with Uint8Arrays, still read, retry and list their attachment sizes.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { ArticleRecord } from '../../src/lib/desk/tickets';
import { cms, encryptTo, loadPki, withHeaders } from '../smime/mail';
import { storeSnapshot } from '../reliability/snapshot';
import { freshDesk } from './receive-helpers';
import { deskWith } from '../interop/outgoing-helpers';

/** The User Timing measure of the article's IndexedDB transaction, as bench/messages.mjs reads it (desk/phases). */
const STORE_TIMING = 'sealdesk:store';

/** A multipart/mixed entity with a text part and one base64 attachment. */
function withAttachment(text: string, data: Uint8Array, filename = 'data.bin'): string {
	const b64 = Buffer.from(data).toString('base64').replace(/.{76}/g, '$&\r\n');
	return (
		'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
		`${text}\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n` +
		`Content-Disposition: attachment; filename="${filename}"\r\n\r\n${b64}\r\n--b1--\r\n`
	);
}

async function storedRecord(desk: Awaited<ReturnType<typeof freshDesk>>['desk'], id: number): Promise<ArticleRecord> {
	const record = await desk.context.db.get('articles', id);
	if (!record) throw new Error(`article ${String(id)} is not stored`);
	return record;
}

describe('article storage', () => {
	test('a received mail keeps its raw bytes and its decrypted attachment as Blobs, read back exactly', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		const attachment = new Uint8Array(randomBytes(200_000));
		const mail = withHeaders(cms([...encryptTo('bob'), '-aes256'], withAttachment('see the file', attachment)));
		const article = await desk.receive(mail);
		expect(article.security.encryption.status).toBe('decrypted');
		expect(article.attachments).toEqual([{ index: 0, name: 'data.bin', type: 'application/octet-stream', size: attachment.length }]);

		const record = await storedRecord(desk, article.id);
		expect(record.raw).toBeInstanceOf(Blob);
		expect(record.attachments[0]?.data).toBeInstanceOf(Blob);
		expect(await desk.articleRaw(article.id)).toEqual(mail);
		expect(await desk.getAttachment(article.id, 0)).toEqual(attachment);
		expect(await desk.getAttachment(article.id, 1)).toBeNull();
		// Retry reads the stored raw mail back and decrypts it again.
		const again = await desk.retry(article.id);
		expect(again.attachments).toEqual(article.attachments);
		expect(await desk.getAttachment(article.id, 0)).toEqual(attachment);
	});

	test('receive stores the mail as it came, even when the caller changes its array afterwards', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		const mail = withHeaders(withAttachment('plain', new Uint8Array([1, 2, 3])));
		const expected = mail.slice();
		const pending = desk.receive(mail);
		mail.fill(0x41);
		const article = await pending;
		expect(await desk.articleRaw(article.id)).toEqual(expected);
	});

	test('a received attachment of several Blob parts is stored and read back byte for byte, and again after a retry', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		const attachment = new Uint8Array(randomBytes(2_500_000));
		const mail = withHeaders(cms([...encryptTo('bob'), '-aes256'], withAttachment('see the file', attachment)));
		const article = await desk.receive(mail);
		expect(article.security.encryption.status).toBe('decrypted');
		const same = async (): Promise<boolean> => Buffer.from((await desk.getAttachment(article.id, 0)) ?? []).equals(Buffer.from(attachment));
		expect(await same()).toBe(true);
		await desk.retry(article.id);
		expect(await same()).toBe(true);
	});

	test('a sent message keeps its raw bytes and its attachments as Blobs', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		const data = new Uint8Array(randomBytes(50_000));
		const sent = await desk.compose({ from: 'support@sealdesk.test', to: ['bob@sealdesk.test'], subject: 'File', text: 'Here it is', attachments: [{ filename: 'f.bin', data }] });
		const record = await storedRecord(desk, sent.articleId);
		expect(record.raw).toBeInstanceOf(Blob);
		expect(record.attachments[0]?.data).toBeInstanceOf(Blob);
		expect(await desk.articleRaw(sent.articleId)).toEqual(sent.raw);
		expect(await desk.getAttachment(sent.articleId, 0)).toEqual(data);
		expect((await desk.getArticle(sent.articleId))?.attachments[0]?.size).toBe(data.length);
	});

	test('a sent message of several Blob parts is stored byte for byte: plain, signed, encrypted, both', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice', 'bob']);
		const data = new Uint8Array(randomBytes(2_500_000));
		for (const [sign, encrypt] of [[false, false], [true, false], [false, true], [true, true]] as const) {
			const sent = await desk.compose({ from: 'alice@sealdesk.test', to: ['bob@sealdesk.test'], subject: 'Parts', text: 'Attached', attachments: [{ filename: 'p.bin', data: new File([data], 'p.bin') }], sign, encrypt });
			expect(sent.raw.length, `sign ${String(sign)}, encrypt ${String(encrypt)}`).toBeGreaterThan(3_000_000);
			const stored = await desk.articleRaw(sent.articleId);
			expect(stored && Buffer.from(stored).equals(Buffer.from(sent.raw)), `sign ${String(sign)}, encrypt ${String(encrypt)}`).toBe(true);
		}
	});

	test('an article stored with Uint8Arrays (before Blobs) still lists, reads and retries', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		const attachment = new Uint8Array(randomBytes(1000));
		const mail = withHeaders(withAttachment('older record', attachment));
		const article = await desk.receive(mail);
		const record = await storedRecord(desk, article.id);
		await desk.context.db.put('articles', { ...record, raw: mail, attachments: [{ name: 'data.bin', type: 'application/octet-stream', data: attachment }] });

		expect((await desk.getArticle(article.id))?.attachments[0]?.size).toBe(1000);
		expect(await desk.articleRaw(article.id)).toEqual(mail);
		expect(await desk.getAttachment(article.id, 0)).toEqual(attachment);
		const again = await desk.retry(article.id);
		expect(again.text).toContain('older record');
		expect((await storedRecord(desk, article.id)).attachments[0]?.data).toBeInstanceOf(Blob);
		expect(await desk.getAttachment(article.id, 0)).toEqual(attachment);
	});

	test('a dropped .eml file (a Blob) is read in the desk and stored as it came', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await loadPki(desk, ['bob']);
		const attachment = new Uint8Array(randomBytes(3000));
		const mail = withHeaders(cms([...encryptTo('bob'), '-aes256'], withAttachment('from a file', attachment)));
		const article = await desk.receive(new File([mail.slice()], 'mail.eml', { type: 'message/rfc822' }));
		expect(article.security.encryption.status).toBe('decrypted');
		expect(article.text).toContain('from a file');
		expect(await desk.articleRaw(article.id)).toEqual(mail);
		expect(await desk.getAttachment(article.id, 0)).toEqual(attachment);
	});

	test('a mail file that cannot be read: a clear error, and nothing is stored', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		const before = await storeSnapshot(desk);
		await expect(desk.receive(new Unreadable(['x']))).rejects.toThrow('The mail file could not be read.');
		expect(await storeSnapshot(desk)).toEqual(before);
	});

	test('an attachment given as a File is sent and stored without the page reading it', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		const data = new Uint8Array(randomBytes(40_000));
		const file = new File([data], 'report.pdf', { type: 'application/pdf' });
		const sent = await desk.compose({ from: 'support@sealdesk.test', to: ['bob@sealdesk.test'], subject: 'Report', text: 'Attached', attachments: [{ filename: file.name, contentType: file.type, data: file }] });
		expect(await desk.getAttachment(sent.articleId, 0)).toEqual(data);
		// What was sent carries the file: reading the sent mail back gives the same bytes.
		const back = await desk.receive(sent.raw);
		expect(back.attachments).toEqual([{ index: 0, name: 'report.pdf', type: 'application/pdf', size: data.length }]);
		expect(await desk.getAttachment(back.id, 0)).toEqual(data);
	});

	test('an attachment File that cannot be read: the draft fails with a clear error, nothing sent or stored', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		await expect(
			desk.compose({ from: 'support@sealdesk.test', to: ['bob@sealdesk.test'], subject: 'Report', text: 'Attached', attachments: [{ filename: 'gone.pdf', data: new Unreadable(['x']) }] })
		).rejects.toMatchObject({ code: 'invalid-option', message: 'The attachment "gone.pdf" could not be read.' });
		expect(await desk.listTickets()).toEqual([]);
	});

	test('an attachment File whose size changed after it was picked: the same error, nothing stored, for plain, signed and encrypted mail', async () => {
		const desk = await deskWith(['alice', 'bob'], ['alice', 'bob']);
		const before = new Uint8Array(randomBytes(300_000));
		const cases: [string, Uint8Array, { sign?: boolean; encrypt?: boolean; from: string }][] = [
			['grown, plain', new Uint8Array(randomBytes(300_001)), { from: 'alice@sealdesk.test', sign: false, encrypt: false }],
			['shrunk, signed', before.subarray(0, 1000), { from: 'alice@sealdesk.test', sign: true, encrypt: false }],
			['grown, encrypted', new Uint8Array(randomBytes(400_000)), { from: 'alice@sealdesk.test', sign: false, encrypt: true }],
			['shrunk, signed and encrypted', new Uint8Array(), { from: 'alice@sealdesk.test', sign: true, encrypt: true }]
		];
		const snapshot = await storeSnapshot(desk);
		for (const [what, now, o] of cases) {
			await expect(
				desk.compose({ ...o, to: ['bob@sealdesk.test'], subject: 'Report', text: 'Attached', attachments: [{ filename: 'report.pdf', data: new Changed(before, now, 'report.pdf') }] }),
				what
			).rejects.toMatchObject({ code: 'invalid-option', message: 'The attachment "report.pdf" could not be read.' });
		}
		expect(await desk.listTickets()).toEqual([]);
		const after = await storeSnapshot(desk);
		// Only the failures are logged.
		expect({ ...after, logs: undefined }).toEqual({ ...snapshot, logs: undefined });
		expect(after.logs?.length).toBe((snapshot.logs?.length ?? 0) + cases.length);
	});

	test('the time the last article took to store is recorded as one User Timing measure', async () => {
		const { desk } = await freshDesk({ now: new Date() });
		performance.clearMeasures(STORE_TIMING);
		await desk.receive(withHeaders(withAttachment('one', new Uint8Array(10))));
		await desk.compose({ from: 'support@sealdesk.test', to: ['bob@sealdesk.test'], subject: 'Two', text: 'two' });
		const entries = performance.getEntriesByName(STORE_TIMING, 'measure');
		expect(entries).toHaveLength(1);
		expect(entries[0]?.duration).toBeGreaterThan(0);
	});
});

/** A file whose bytes are gone (removed from disk after it was picked): reading it whole or as a stream fails. */
class Unreadable extends Blob {
	override arrayBuffer(): Promise<ArrayBuffer> {
		return Promise.reject(new DOMException('The file could not be read.', 'NotReadableError'));
	}

	override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
		return new ReadableStream({
			type: 'bytes',
			pull(c) {
				c.error(new DOMException('The file could not be read.', 'NotReadableError'));
			}
		});
	}
}

/** A file changed on disk after it was picked: its stream gives `now`, not the `size` bytes it had. */
class Changed extends File {
	readonly #now: Uint8Array;
	constructor(before: Uint8Array, now: Uint8Array, name: string) {
		super([new Uint8Array(before)], name);
		this.#now = now;
	}

	override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
		return new Blob([new Uint8Array(this.#now)]).stream();
	}
}
