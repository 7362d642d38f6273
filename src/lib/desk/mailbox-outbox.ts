/**
 * Outgoing mail: the outbox. Sending an outgoing article records it in the outbox, then walks
 * its steps, each recorded as it is done: the message the desk built is uploaded unchanged
 * (uploaded), imported into Drafts (imported), and submitted with an explicit envelope that
 * moves it to Sent (submitted). A step that fails without an answer (offline, server down) leaves
 * the entry waiting and it is retried later; a refusal fails it with the server's reason until
 * the agent retries. Before submitting again after an unclear failure, the Sent mailbox is
 * searched by Message-ID, so a message is submitted once.
 */
import { JmapMethodError, MailboxError } from '../mailbox/errors';
import type { JmapClient } from '../mailbox/client';
import type { OutboxRecord } from '../store/records';
import { mailAccountStore, outboxStore } from '../store/repositories';
import { storedBytes } from '../store/stored-bytes';
import { withWriteTransaction } from '../store/transaction';
import { announce, type DeskContext } from './context';
import { appendLog } from './log';
import { clientFor, NO_ACCOUNT } from './mailbox-accounts';
import { articleRecord } from './tickets';

/** What the ticket page shows for a sent article. */
export interface Delivery {
	articleId: number;
	/** queued: waiting or on its way; sent: submitted; failed: refused (see reason). */
	state: 'queued' | 'sent' | 'failed';
	/** The server's reason when failed; why it waits when queued and a try failed. */
	reason?: string;
	step: OutboxRecord['step'];
	attempts: number;
	sentAt?: string;
}

/** The sentence when there is no account to send with. */
export const NO_SEND_ACCOUNT = 'Connect a mailbox on the admin page to send mail.';
/** The sentence for Retry on an article that is not in the outbox. */
export const NOT_IN_OUTBOX = 'This article is not in the outbox.';

function delivery(record: OutboxRecord): Delivery {
	const state = record.step === 'submitted' ? 'sent' : record.failed !== undefined ? 'failed' : 'queued';
	const reason = record.failed ?? record.waiting;
	return { articleId: record.articleId, state, ...(reason !== undefined && state !== 'sent' ? { reason } : {}), step: record.step, attempts: record.attempts, ...(record.sentAt ? { sentAt: record.sentAt } : {}) };
}

/** Addresses without display names: `Alice <a@x>` gives `a@x`. */
function plainAddress(address: { address: string }): string {
	return address.address;
}

/**
 * Puts an outgoing article in the outbox and tries to send it at once (unless offline).
 * Sending the same article twice is a no-op that returns its delivery.
 * @param accountId - the account to send with; the only (or first) account by default
 * @throws Error NO_SEND_ACCOUNT, "No article has this id.", "Only outgoing articles can be sent."
 */
export async function sendArticle(ctx: DeskContext, articleId: number, accountId?: string): Promise<Delivery> {
	const existing = await outboxStore.byArticle(ctx.db, articleId);
	if (existing) return delivery(existing);
	const article = await articleRecord(ctx, articleId);
	if (!article) throw new Error('No article has this id.');
	if (article.direction !== 'out') throw new Error('Only outgoing articles can be sent.');
	const account = accountId ?? (await mailAccountStore.ids(ctx.db))[0];
	if (account === undefined) throw new Error(NO_SEND_ACCOUNT);
	if (!(await mailAccountStore.byId(ctx.db, account))) throw new Error(NO_ACCOUNT);
	const h = article.headers;
	if (!h.from || !h.messageId) throw new Error('The message has no sender or no Message-ID.');
	const now = ctx.now().toISOString();
	const record: OutboxRecord = {
		articleId,
		ticketId: article.ticketId,
		accountId: account,
		messageId: h.messageId,
		mailFrom: plainAddress(h.from),
		// Bcc lives on the article only: the envelope is the one place the server learns of it.
		rcptTo: [...new Set([...h.to, ...h.cc, ...(h.bcc ?? [])].map(plainAddress))],
		step: 'queued',
		attempts: 0,
		createdAt: now,
		updatedAt: now
	};
	await withWriteTransaction(ctx.db, ['outbox', 'logs'], async (tx) => {
		await outboxStore.save(tx, record);
		await appendLog(tx, { direction: 'out', operation: 'queue', status: 'success', detail: `Queued for ${record.rcptTo.join(', ')} via ${account}.`, messageId: record.messageId }, ctx.now());
	});
	announce(ctx, ['outbox', 'logs']);
	await sendQueued(ctx);
	return delivery((await outboxStore.byArticle(ctx.db, articleId)) ?? record);
}

/** The deliveries of a ticket's articles (only articles that went to the outbox). */
export async function deliveries(ctx: DeskContext, ticketId: number): Promise<Delivery[]> {
	return (await outboxStore.ofTicket(ctx.db, ticketId)).map(delivery);
}

/** One article's delivery, or null when it was never sent through the outbox. */
export async function deliveryOf(ctx: DeskContext, articleId: number): Promise<Delivery | null> {
	const record = await outboxStore.byArticle(ctx.db, articleId);
	return record ? delivery(record) : null;
}

/**
 * Retry: clears a failure and sends again (the whole outbox is tried).
 * @throws Error NOT_IN_OUTBOX
 */
export async function retryDelivery(ctx: DeskContext, articleId: number): Promise<Delivery> {
	const record = await outboxStore.byArticle(ctx.db, articleId);
	if (!record) throw new Error(NOT_IN_OUTBOX);
	if (record.step !== 'submitted') {
		const cleared: OutboxRecord = { ...record, updatedAt: ctx.now().toISOString() };
		delete cleared.failed;
		await save(ctx, cleared);
	}
	await sendQueued(ctx);
	return delivery((await outboxStore.byArticle(ctx.db, articleId)) ?? record);
}

async function save(ctx: DeskContext, record: OutboxRecord): Promise<void> {
	await outboxStore.save(ctx.db, record);
	announce(ctx, ['outbox']);
}

/**
 * Sends every outbox entry that is neither sent nor failed, one at a time. A call while a run is
 * in progress joins it. Never throws for a failed send: the entry records it.
 * @returns how many entries are sent now, and how many are still waiting
 */
export function sendQueued(ctx: DeskContext): Promise<{ sent: number; waiting: number; failed: number }> {
	if (ctx.mailbox.sending) return ctx.mailbox.sending as Promise<{ sent: number; waiting: number; failed: number }>;
	const run = runOutbox(ctx).finally(() => {
		ctx.mailbox.sending = null;
	});
	ctx.mailbox.sending = run;
	return run;
}

async function runOutbox(ctx: DeskContext): Promise<{ sent: number; waiting: number; failed: number }> {
	const counts = { sent: 0, waiting: 0, failed: 0 };
	const clients = new Map<string, JmapClient>();
	const all = await outboxStore.all(ctx.db);
	for (const entry of all) {
		if (entry.step === 'submitted' || entry.failed !== undefined) continue;
		const done = await advance(ctx, entry, clients);
		if (done.step === 'submitted') counts.sent++;
		else if (done.failed !== undefined) counts.failed++;
		else counts.waiting++;
	}
	return counts;
}

/** Walks one entry's steps as far as it can, recording each. */
async function advance(ctx: DeskContext, start: OutboxRecord, clients: Map<string, JmapClient>): Promise<OutboxRecord> {
	let record: OutboxRecord = { ...start, attempts: start.attempts + 1, updatedAt: ctx.now().toISOString() };
	const step = async (changes: Partial<OutboxRecord>): Promise<void> => {
		record = { ...record, ...changes, updatedAt: ctx.now().toISOString() };
		delete record.waiting;
		await save(ctx, record);
	};
	let submitting = false;
	try {
		let client = clients.get(record.accountId);
		if (!client) {
			client = (await clientFor(ctx, record.accountId)).client;
			clients.set(record.accountId, client);
		}
		const mailboxes = await client.mailboxes();
		const drafts = mailboxes.find((m) => m.role === 'drafts');
		const sent = mailboxes.find((m) => m.role === 'sent');
		if (!drafts || !sent) throw new JmapMethodError('Mailbox/get', { type: 'notFound', description: 'the account has no Drafts or no Sent mailbox' });
		const messageId = record.messageId.replace(/^<|>$/g, '');
		if (record.unclear) {
			// A submission may have gone out without our hearing of it: if the message is in Sent, it was sent.
			const found = await client.findByMessageId(messageId, sent.id);
			if (found.length > 0) {
				await step({ step: 'submitted', emailId: found[0] ?? '', unclear: false, sentAt: ctx.now().toISOString() });
				await logSend(ctx, record, 'success', 'Found in Sent after an unclear failure; not submitted again.');
				return record;
			}
		}
		if (record.step === 'queued') {
			const article = await articleRecord(ctx, record.articleId);
			if (!article) throw new Error('The article of this outbox entry is gone.');
			const blob = await client.upload(await storedBytes(article.raw));
			await step({ step: 'uploaded', blobId: blob.blobId });
		}
		if (record.step === 'uploaded') {
			try {
				const imported = await client.importEmail({ blobId: record.blobId ?? '', mailboxIds: [drafts.id], keywords: ['$draft', '$seen'] });
				await step({ step: 'imported', emailId: imported.id });
			} catch (error) {
				// An upload the server has since dropped is uploaded again on the next try.
				if (error instanceof JmapMethodError && error.type === 'blobNotFound') {
					await step({ step: 'queued' });
					throw new MailboxError('request', 'The uploaded message expired on the server.');
				}
				throw error;
			}
		}
		if (record.step === 'imported') {
			const identities = await client.identities();
			const identity = identities.find((i) => i.email.toLowerCase() === record.mailFrom.toLowerCase()) ?? identities[0];
			if (!identity) throw new JmapMethodError('Identity/get', { type: 'forbiddenFrom', description: 'the account has no identity to send as' });
			submitting = true;
			await client.submit({
				emailId: record.emailId ?? '',
				identityId: identity.id,
				envelope: { mailFrom: { email: record.mailFrom }, rcptTo: record.rcptTo.map((email) => ({ email })) },
				onSuccess: { [`mailboxIds/${drafts.id}`]: null, [`mailboxIds/${sent.id}`]: true, 'keywords/$draft': null }
			});
			await step({ step: 'submitted', unclear: false, sentAt: ctx.now().toISOString() });
			await logSend(ctx, record, 'success', `Submitted to ${record.rcptTo.join(', ')} and moved to Sent.`);
		}
		return record;
	} catch (error) {
		if (error instanceof JmapMethodError) {
			record = { ...record, failed: error.message, updatedAt: ctx.now().toISOString() };
			delete record.waiting;
			await save(ctx, record);
			await logSend(ctx, record, 'failed', error.message);
			return record;
		}
		const reason = error instanceof MailboxError ? error.message : error instanceof Error ? error.message : String(error);
		// Without an answer to the submission, it may have gone out: check Sent before sending again.
		record = { ...record, waiting: reason, ...(submitting ? { unclear: true } : {}), updatedAt: ctx.now().toISOString() };
		await save(ctx, record);
		await logSend(ctx, record, 'failed', `Will retry: ${reason}${error instanceof MailboxError && error.detail ? ` (${error.detail})` : ''}`);
		return record;
	}
}

async function logSend(ctx: DeskContext, record: OutboxRecord, status: 'success' | 'failed', detail: string): Promise<void> {
	await appendLog(ctx, { direction: 'out', operation: 'submit', status, detail, messageId: record.messageId });
}
