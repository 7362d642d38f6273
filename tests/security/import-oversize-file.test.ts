/**
 * Attack: a file far larger than the desk reads is dropped as .eml (or was stored before the
 * limit was lowered), to exhaust the worker's memory: read whole, a 2 GB file would end the tab.
 * A file over the size limit is not read whole, not on receive and not on retry: only its header
 * block is, for the ticket. It is stored as it is (the original stays downloadable) with the
 * sentence readIncoming gives a message over the limit. The limit is lowered to 64 KB here.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDesk } from '../../src/lib/desk';
import { MAX_HEADER_BYTES } from '../../src/lib/mime/entity';
import { TOO_LARGE } from '../../src/lib/smime/comments';

const LIMIT = 64 * 1024;
const head = 'From: Alice <alice@sealdesk.test>\r\nTo: bob@sealdesk.test\r\nSubject: A very large mail\r\nMessage-ID: <huge@sealdesk.test>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n';

/** The sizes of every Blob read with arrayBuffer() while `run` runs. */
async function blobReads(run: () => Promise<unknown>): Promise<number[]> {
	const sizes: number[] = [];
	const read = (blob: Blob): Promise<ArrayBuffer> => new Response(blob).arrayBuffer();
	const spy = vi.spyOn(Blob.prototype, 'arrayBuffer').mockImplementation(function (this: Blob) {
		sizes.push(this.size);
		return read(this);
	});
	try {
		await run();
	} finally {
		spy.mockRestore();
	}
	return sizes;
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe('a dropped file over the size limit', () => {
	it('is not read whole on receive or retry: stored as it is, with its headers and the too-large sentence', async () => {
		const desk = await openDesk({ indexedDB: new IDBFactory(), name: 'oversize-file', maxMessageSize: LIMIT });
		await desk.setEnabled(true);
		const file = new File([head, 'x'.repeat(1_000_000)], 'huge.eml', { type: 'message/rfc822' });
		let article: Awaited<ReturnType<typeof desk.receive>> | undefined;
		const reads = await blobReads(async () => (article = await desk.receive(file)));
		expect(reads.length).toBeGreaterThan(0);
		expect(Math.max(...reads)).toBeLessThanOrEqual(MAX_HEADER_BYTES);
		expect(article?.security.sign).toEqual({ status: 'none', comment: TOO_LARGE });
		expect(article?.security.encryption).toEqual({ status: 'none', comment: TOO_LARGE });
		const ticket = await desk.getTicket(article?.ticketId ?? 0);
		expect(ticket?.subject).toBe('A very large mail');
		expect(ticket?.articles[0]?.messageId).toBe('<huge@sealdesk.test>');

		const retried = await blobReads(async () => desk.retry(article?.id ?? 0));
		expect(retried.filter((size) => size > MAX_HEADER_BYTES)).toEqual([]);
		expect((await desk.getTicket(article?.ticketId ?? 0))?.articles[0]?.security.sign.comment).toBe(TOO_LARGE);

		// The original is kept whole, byte for byte.
		const raw = await desk.articleRaw(article?.id ?? 0);
		expect(raw?.length).toBe(file.size);
		expect(Buffer.from(raw ?? []).equals(Buffer.from(await file.arrayBuffer()))).toBe(true);
		await desk.close();
	});

	it('a file within the limit is read and processed as before', async () => {
		const desk = await openDesk({ indexedDB: new IDBFactory(), name: 'oversize-file-small', maxMessageSize: LIMIT });
		await desk.setEnabled(true);
		const file = new File([head, 'Hello.\r\n'], 'small.eml', { type: 'message/rfc822' });
		const article = await desk.receive(file);
		expect(article.security.sign.comment).not.toBe(TOO_LARGE);
		expect(article.text.trim()).toBe('Hello.');
		await desk.close();
	});
});
