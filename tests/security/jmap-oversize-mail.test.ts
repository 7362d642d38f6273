/**
 * Attack: a mail far larger than the desk reads (its message size limit) lands in the synced
 * mailbox, sent to take the helpdesk down: read whole, it would exhaust the tab's memory on every
 * sync, and every mail after it would never arrive. The desk checks the size Email/get gives and
 * does not download such a mail; a server that understates the size is not read past the limit.
 * The mail is logged and passed over (it stays on the mail server, as Zammad leaves mail over
 * its maximum email size), and the mails after it are stored. Against the real Cyrus, with the
 * limit lowered to 64 KB so that the test mail need not be 50 MB.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/lib/mailbox';
import { connectAs, deliver, mailserver, plainMail } from '../mailbox/helpers';
import { bobsDesk } from '../mailbox/mails';

const server = mailserver();
const credentials = (user: string): { sessionUrl: string; username: string; password: string } => ({ sessionUrl: server.sessionUrl, username: user, password: server.users[user] ?? '' });
const LIMIT = 64 * 1024;
const mail = (id: string, body = 'Hello.'): string => plainMail({ from: 'customer@sealdesk.test', to: 'bob@sealdesk.test', subject: id, messageId: `${id}@sealdesk.test`, body });
/** 300,000 bytes of body: 0.3 MB, over the 0.1 MB limit. */
const HUGE = ('A'.repeat(76) + '\r\n').repeat(3896);

/** Counts the body bytes each download read, by blobId; `rewrite` also changes Email/get answers and drops downloads' Content-Length. */
function countingFetch(rewrite?: (body: string) => string): { fetch: FetchLike; read: Map<string, number> } {
	const read = new Map<string, number>();
	const fetchFn: FetchLike = async (url, init) => {
		const response = await fetch(url, init);
		const blob = /\/download\/[^/]+\/([^/]+)\//.exec(url)?.[1];
		if (blob && response.body) {
			const counted = response.body.pipeThrough(
				new TransformStream<Uint8Array, Uint8Array>({
					transform(chunk, controller) {
						read.set(blob, (read.get(blob) ?? 0) + chunk.length);
						controller.enqueue(chunk);
					}
				})
			);
			const headers = new Headers(response.headers);
			if (rewrite) headers.delete('content-length');
			return new Response(counted, { status: response.status, headers });
		}
		if (rewrite && typeof init?.body === 'string' && init.body.includes('"Email/get"')) {
			return new Response(rewrite(await response.text()), { status: response.status, headers: response.headers });
		}
		return response;
	};
	return { fetch: fetchFn, read };
}

async function blobIdOf(user: string, messageId: string): Promise<string> {
	const client = await connectAs(user);
	const [id] = await client.findByMessageId(messageId);
	const { list } = await client.getEmails([id ?? '']);
	return list[0]?.blobId ?? '';
}

describe('a mail larger than the desk reads, in the synced mailbox', { timeout: 60_000 }, () => {
	it('is not downloaded: it is logged and passed over, stays on the server, and the mail after it is stored', async () => {
		await deliver('agent15', mail('before'));
		await deliver('agent15', mail('huge', HUGE));
		await deliver('agent15', mail('after'));
		const huge = await blobIdOf('agent15', 'huge@sealdesk.test');
		const { fetch: counting, read } = countingFetch();
		const { desk } = await bobsDesk({ fetch: counting, maxMessageSize: LIMIT });
		const account = await desk.connectMailbox(credentials('agent15'));
		const [result] = await desk.syncMailbox(account.id);
		expect(result).toMatchObject({ stored: 2, tooLarge: 1, gone: 0 });
		expect(read.has(huge)).toBe(false);
		const subjects = [];
		for (const row of await desk.listTickets()) subjects.push(row.subject);
		expect(subjects.sort()).toEqual(['after', 'before']);
		const logs = (await desk.logs()).filter((l) => l.operation === 'sync').map((l) => `${l.status}: ${l.detail}`);
		expect(logs).toContain('failed: Mail <huge@sealdesk.test> is 0.3 MB, over the 0.1 MB Sealdesk reads: not downloaded; it stays on the mail server.');
		expect(logs).toContain(`success: Sync of ${account.id}: 2 new, 0 already stored, 1 too large to download.`);
		// The sync moved past it: the next one is quiet, and the mail is still on the server.
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 0, tooLarge: 0 });
		expect(await (await connectAs('agent15')).findByMessageId('huge@sealdesk.test')).toHaveLength(1);
		// Arriving later, through Email/changes: the same.
		await deliver('agent15', mail('huge-later', HUGE));
		await deliver('agent15', mail('after-later'));
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 1, tooLarge: 1 });
		expect(read.has(await blobIdOf('agent15', 'huge-later@sealdesk.test'))).toBe(false);
		// Flagged on the server (another client read it): offered again by Email/changes, passed
		// over again without another log line.
		const client = await connectAs('agent15');
		const [flagged] = await client.findByMessageId('huge-later@sealdesk.test');
		await client.call('Email/set', { update: { [flagged ?? '']: { 'keywords/$seen': true } } });
		const logsBefore = (await desk.logs()).length;
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 0, skipped: 0, tooLarge: 0 });
		expect((await desk.logs()).length).toBe(logsBefore);
		await desk.close();
	});

	it('a server that understates its size is not read past the limit', async () => {
		await deliver('agent16', mail('lying', HUGE));
		await deliver('agent16', mail('honest'));
		const huge = await blobIdOf('agent16', 'lying@sealdesk.test');
		// Every Email/get answer says each mail is 100 bytes, and downloads come without a length.
		const { fetch: lying, read } = countingFetch((body) => body.replace(/"size":\d+/g, '"size":100'));
		const { desk } = await bobsDesk({ fetch: lying, maxMessageSize: LIMIT });
		const account = await desk.connectMailbox(credentials('agent16'));
		const [result] = await desk.syncMailbox(account.id);
		expect(result).toMatchObject({ stored: 1, tooLarge: 1 });
		// Read up to the limit and at most one chunk more, never the 300,000 bytes.
		expect(read.get(huge) ?? 0).toBeGreaterThan(0);
		expect(read.get(huge) ?? 0).toBeLessThan(LIMIT + 70_000);
		expect((await desk.logs()).map((l) => l.detail)).toContain('Mail <lying@sealdesk.test> is larger than the server said, over the 0.1 MB Sealdesk reads: not downloaded; it stays on the mail server.');
		expect((await desk.listTickets()).map((r) => r.subject)).toEqual(['honest']);
		await desk.close();
	});
});
