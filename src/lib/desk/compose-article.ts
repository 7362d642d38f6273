/**
 * Storing a sent message as an outgoing article on its ticket, with its log entry, in one
 * transaction. A reply names its ticket; its In-Reply-To and References then default to the
 * ticket's Message-IDs, which is also how tickets.addArticle threads it.
 */
import { readHeaders, type Address } from '../mime/display';
import type { SecurityResult } from '../smime/incoming-types';
import type { ArticleRecord, StoredAttachment } from '../store/records';
import { ticketStore } from '../store/repositories';
import { toStoredBytes } from '../store/stored-bytes';
import { withWriteTransaction } from '../store/transaction';
import { articleHeaders } from './article-headers';
import { announce, type DeskContext } from './context';
import { appendLog, type NewLogEntry } from './log';
import { addArticle, addToStoredTicket, type ArticleTx } from './tickets';

/** Puts an article on a given ticket (a reply whose thread may carry no Message-IDs). */
async function addToTicket(tx: ArticleTx, ticketId: number, article: Omit<ArticleRecord, 'id' | 'ticketId'>): Promise<{ id: number; ticketId: number }> {
	const ticket = await ticketStore.byId(tx, ticketId);
	if (!ticket) throw new Error('No ticket has this id.');
	return addToStoredTicket(tx, ticketId, ticket, article);
}

/** What the sender knows about a message it built. */
export interface SentArticle {
	/** The message (its headers are read from it). */
	raw: Uint8Array;
	/** The same bytes as a Blob: what is stored. */
	blob: Blob;
	text: string;
	attachments: StoredAttachment[];
	security: SecurityResult;
	/** Bcc recipients: kept on the article (for the outbox's envelope and the agent), never in `raw`. */
	bcc?: Address[];
}

/**
 * The thread a reply continues: the ticket's Message-IDs as References, the newest as
 * In-Reply-To. Returns null when no ticket has this id.
 */
export async function threadOf(ctx: DeskContext, ticketId: number): Promise<{ inReplyTo?: string; references: string[] } | null> {
	const ticket = await ticketStore.byId(ctx.db, ticketId);
	if (!ticket) return null;
	const last = ticket.messageIds[ticket.messageIds.length - 1];
	return { ...(last ? { inReplyTo: last } : {}), references: [...ticket.messageIds] };
}

/**
 * Stores the sent message as an outgoing article and writes its log entry, atomically: on
 * `ticketId` when given (a reply; the ticket must exist), else on the ticket its In-Reply-To
 * or References point to, or on a new ticket.
 * @returns the article's id and its ticket's id
 * @throws Error (with `cause`) "The browser's storage is full. The sent message was not stored."
 *   when the quota is exhausted, else "The sent message could not be stored." when IndexedDB
 *   refuses or the ticket is gone
 */
export async function storeSent(ctx: DeskContext, sent: SentArticle, log: NewLogEntry, ticketId?: number): Promise<{ id: number; ticketId: number }> {
	const now = ctx.now().toISOString();
	const record: Omit<ArticleRecord, 'id' | 'ticketId'> = {
		direction: 'out',
		raw: sent.blob,
		receivedAt: now,
		processedAt: now,
		headers: { ...articleHeaders(readHeaders(sent.raw)), ...(sent.bcc?.length ? { bcc: sent.bcc } : {}) },
		security: sent.security,
		text: sent.text,
		attachments: sent.attachments.map((a) => ({ ...a, data: toStoredBytes(a.data) }))
	};
	const storing = performance.now();
	const ids = await withWriteTransaction(
		ctx.db,
		['tickets', 'articles', 'logs'],
		async (tx) => {
			const stored = ticketId === undefined ? await addArticle(tx, record) : await addToTicket(tx, ticketId, record);
			await appendLog(tx, log, ctx.now());
			return stored;
		},
		{ notStored: 'The sent message was not stored.', otherwise: 'The sent message could not be stored.' }
	);
	ctx.phases('store', performance.now() - storing);
	announce(ctx, ['tickets', 'articles', 'logs']);
	return ids;
}
