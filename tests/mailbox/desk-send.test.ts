// Outgoing mail through the desk against the real Cyrus: the agent's signed and encrypted reply
// is uploaded unchanged, imported, submitted with an explicit envelope and moved to Sent; it
// lands in the customer's mailbox, where openssl decrypts and verifies it. Offline, the outbox
// holds it and sends it once; after an unclear failure it is found in Sent, not sent twice.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/lib/mailbox';
import { connectAs, eventually, mailserver } from './helpers';
import { bobsDesk, opensslDecryptVerify } from './mails';

const server = mailserver();
// bob@sealdesk.test's helpdesk is the JMAP user bob; the reply goes to alice@sealdesk.test, which
// the SMTP sink delivers to the JMAP user alice.
const BOB = { sessionUrl: server.sessionUrl, username: 'bob', password: server.users.bob ?? '' };

let aliceClient: Awaited<ReturnType<typeof connectAs>> | null = null;

async function inAlicesInbox(messageId: string): Promise<Uint8Array[]> {
	aliceClient ??= await connectAs('alice');
	const alice = aliceClient;
	const inbox = await alice.mailboxByRole('inbox');
	const ids = await alice.findByMessageId(messageId.replace(/^<|>$/g, ''), inbox?.id);
	const { list } = await alice.getEmails(ids);
	return Promise.all(list.map((e) => alice.download(e.blobId)));
}

async function reply(desk: Awaited<ReturnType<typeof bobsDesk>>['desk'], subject: string): Promise<{ articleId: number; messageId: string; raw: Uint8Array }> {
	const sent = await desk.compose({ from: 'bob@sealdesk.test', to: 'alice@sealdesk.test', subject, text: `Reply: ${subject}`, sign: true, encrypt: true });
	return { articleId: sent.articleId, messageId: sent.messageId, raw: sent.raw };
}

function endsWith(whole: Uint8Array, tail: Uint8Array): boolean {
	return Buffer.from(whole).subarray(whole.length - tail.length).equals(Buffer.from(tail));
}

describe('outbox', { timeout: 60_000 }, () => {
	it('sends a signed and encrypted reply that openssl decrypts and verifies in the recipient mailbox', async () => {
		const { desk } = await bobsDesk();
		await desk.connectMailbox(BOB);
		const { articleId, messageId, raw } = await reply(desk, 'Sent over the mailbox');
		const delivery = await desk.sendArticle(articleId);
		expect(delivery).toMatchObject({ state: 'sent', step: 'submitted', attempts: 1 });
		const [arrived] = await eventually(async () => {
			const found = await inAlicesInbox(messageId);
			return found.length > 0 ? found : undefined;
		});
		// The bytes the desk built, unchanged, after the server's trace headers.
		expect(endsWith(arrived ?? new Uint8Array(), raw)).toBe(true);
		expect(opensslDecryptVerify(arrived ?? new Uint8Array())).toContain('Reply: Sent over the mailbox');
		// Moved to Sent on bob's side, out of Drafts.
		const bob = await connectAs('bob');
		const sentBox = await bob.mailboxByRole('sent');
		expect(await bob.findByMessageId(messageId.replace(/^<|>$/g, ''), sentBox?.id)).toHaveLength(1);
		const logs = (await desk.logs()).filter((l) => l.messageId === messageId).map((l) => `${l.operation} ${l.status}`);
		expect(logs).toEqual(expect.arrayContaining(['queue success', 'submit success']));
		expect(await desk.deliveries(delivery.articleId === articleId ? (await desk.getArticle(articleId))?.ticketId ?? 0 : 0)).toEqual([delivery]);
		// Sending the same article again does nothing more.
		expect(await desk.sendArticle(articleId)).toEqual(delivery);
	});

	it('queues while offline and sends once when back online', async () => {
		let online = false;
		const network: FetchLike = (url, init) => (online ? fetch(url, init) : Promise.reject(new TypeError('Failed to fetch')));
		const { desk } = await bobsDesk({ fetch: network });
		online = true;
		await desk.connectMailbox(BOB);
		online = false;
		const { articleId, messageId } = await reply(desk, 'Written offline');
		const queued = await desk.sendArticle(articleId);
		expect(queued).toMatchObject({ state: 'queued', step: 'queued', reason: 'The mail server could not be reached. Check the session URL and the network.' });
		expect(await desk.sendQueued()).toEqual({ sent: 0, waiting: 1, failed: 0 });
		online = true;
		// Coming back online triggers sendQueued; two triggers at once join one run.
		const [a, b] = await Promise.all([desk.sendQueued(), desk.sendQueued()]);
		expect(a).toEqual({ sent: 1, waiting: 0, failed: 0 });
		expect(b).toEqual(a);
		expect(await desk.sendQueued()).toEqual({ sent: 0, waiting: 0, failed: 0 });
		const arrived = await eventually(async () => {
			const found = await inAlicesInbox(messageId);
			return found.length > 0 ? found : undefined;
		});
		await new Promise((r) => setTimeout(r, 300));
		expect(await inAlicesInbox(messageId)).toHaveLength(arrived.length);
		expect(arrived).toHaveLength(1);
	});

	it('after a submission whose answer was lost, finds it in Sent instead of sending it twice', async () => {
		let loseSubmitAnswer = true;
		const lossy: FetchLike = async (url, init) => {
			const response = await fetch(url, init);
			if (loseSubmitAnswer && typeof init?.body === 'string' && init.body.includes('EmailSubmission/set')) {
				loseSubmitAnswer = false;
				throw new TypeError('network gone after the request was sent');
			}
			return response;
		};
		const { desk } = await bobsDesk({ fetch: lossy });
		await desk.connectMailbox(BOB);
		const { articleId, messageId } = await reply(desk, 'Answer lost');
		expect(await desk.sendArticle(articleId)).toMatchObject({ state: 'queued', step: 'imported' });
		expect((await desk.context.db.get('outbox', articleId))?.unclear).toBe(true);
		expect(await desk.sendQueued()).toEqual({ sent: 1, waiting: 0, failed: 0 });
		expect((await desk.logs()).find((l) => l.messageId === messageId && l.operation === 'submit')?.detail).toBe('Found in Sent after an unclear failure; not submitted again.');
		await eventually(async () => ((await inAlicesInbox(messageId)).length > 0 ? true : undefined));
		await new Promise((r) => setTimeout(r, 300));
		expect(await inAlicesInbox(messageId)).toHaveLength(1);
	});

	it('a refused submission fails with the server reason; Retry tries again, and only when asked', async () => {
		const { desk } = await bobsDesk();
		await desk.connectMailbox(BOB);
		const sent = await desk.compose({ from: 'bob@sealdesk.test', to: 'refused-user@sealdesk.test', subject: 'Refused', text: 'x', sign: false, encrypt: false });
		const failed = await desk.sendArticle(sent.articleId);
		expect(failed.state).toBe('failed');
		expect(failed.reason).toMatch(/^The mail server refused EmailSubmission\/set: /);
		expect((await desk.logs()).find((l) => l.operation === 'submit')).toMatchObject({ status: 'failed', detail: failed.reason });
		// A failed entry is not retried by itself.
		expect(await desk.sendQueued()).toEqual({ sent: 0, waiting: 0, failed: 0 });
		const again = await desk.retryDelivery(sent.articleId);
		expect(again).toMatchObject({ state: 'failed', attempts: 2 });
		await expect(desk.retryDelivery(123456)).rejects.toThrow('This article is not in the outbox.');
	});

	it('refuses to send without an account, and incoming articles', async () => {
		const { desk } = await bobsDesk();
		const sent = await desk.compose({ from: 'bob@sealdesk.test', to: 'alice@sealdesk.test', subject: 'No account', text: 'x', sign: false, encrypt: false });
		await expect(desk.sendArticle(sent.articleId)).rejects.toThrow('Connect a mailbox on the admin page to send mail.');
		await desk.connectMailbox(BOB);
		const incoming = await desk.receive('From: a@example.org\r\nTo: bob@sealdesk.test\r\nSubject: in\r\nMessage-ID: <in@x>\r\n\r\nhi\r\n');
		await expect(desk.sendArticle(incoming.id)).rejects.toThrow('Only outgoing articles can be sent.');
	});
});
