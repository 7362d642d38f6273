/**
 * Tickets and their articles: storing a mail on a ticket (threaded by Message-ID,
 * In-Reply-To and References) and the reads the ticket pages make.
 *
 * An article keeps the raw RFC 5322 bytes, so S/MIME processing can be re-run (retry), and
 * the result of the last run: the security statuses, the readable text, the HTML and the
 * attachments.
 *
 * Large bytes (the raw mail and the attachments) are stored as Blobs: IndexedDB then keeps
 * them beside the record instead of cloning them into it, which is several times cheaper in
 * time and memory for a 25 MB mail, and reading a ticket never loads them. Records written
 * before this keep their Uint8Arrays; every reader takes both.
 */
import type { SecurityResult } from '../smime/incoming-types';
import { TICKET_STATES, type ArticleHeaders, type ArticleRecord, type TicketRecord, type TicketState } from '../store/records';
import { storedBytes, storedSize } from '../store/stored-bytes';
import { articleStore, groupStore, ticketStore, type StoredArticle } from '../store/repositories';
import { readTransaction, withWriteTransaction, type Tx, type WriteTx } from '../store/transaction';
import { queryWords, withWords } from '../store/search-words';
import { announce, type DeskContext } from './context';
import { toSections, type ArticleSection, type AttachmentInfo } from './sections';
import { sortedGroups } from './groups';
import { articleOverview, currentOverview, OVERVIEW_VERSION, overviewWith, ticketRow, type TicketRow, type TicketSummary } from './ticket-overview';

export { TICKET_STATES, type ArticleHeaders, type ArticleRecord, type StoredAttachment, type StoredBytes, type TicketRecord, type TicketState } from '../store/records';
export type { AttachmentInfo } from './sections';
export type { TicketSummary } from './ticket-overview';

/** An article as the UI and the acceptance tests read it. */
export interface Article extends ArticleHeaders {
	id: number;
	ticketId: number;
	direction: 'in' | 'out';
	receivedAt: string;
	processedAt?: string;
	/** `security.sign` and `security.encryption`, as the architecture gives them. */
	security: SecurityResult;
	/** The readable body. Empty when nothing may be shown (not decrypted, or withheld). */
	text: string;
	/** The HTML body, to be shown only in a sandboxed iframe. */
	html?: string;
	attachments: AttachmentInfo[];
	/**
	 * Signed parts of a partly signed message and attached messages (message/rfc822), each with
	 * its own headers, text, attachments and verdict; present only when there are any. For a
	 * partly signed message, `text` is the rest: the signed parts are only here.
	 */
	sections?: ArticleSection[];
}

/** A ticket with its articles, oldest first. */
export interface TicketDetail extends TicketSummary {
	articles: Article[];
}

/** A transaction that stores an article: at least its ticket and the article. */
export type ArticleTx = WriteTx<'tickets' | 'articles'>;

/**
 * The ticket a mail continues: of the tickets holding any of its Message-IDs, the oldest (the
 * lowest id), looked up by the `messageIds` index rather than by reading every ticket.
 */
async function threadedTicket(tx: ArticleTx, wanted: readonly string[]): Promise<TicketRecord | undefined> {
	let oldest: number | undefined;
	for (const messageId of new Set(wanted)) {
		const key = await ticketStore.idByMessageId(tx, messageId);
		if (key !== undefined && (oldest === undefined || key < oldest)) oldest = key;
	}
	return oldest === undefined ? undefined : ticketStore.byId(tx, oldest);
}

/**
 * Stores a new article inside the caller's transaction, on the ticket its In-Reply-To,
 * References or own Message-ID points to, or on a new ticket.
 * @returns the article's id and ticket id
 * @throws Error when IndexedDB refuses the write (the transaction then aborts)
 */
export async function addArticle(tx: ArticleTx, article: Omit<ArticleRecord, 'id' | 'ticketId'>): Promise<{ id: number; ticketId: number }> {
	const h = article.headers;
	const wanted = [h.inReplyTo, ...h.references.slice().reverse(), h.messageId].filter((x): x is string => x !== undefined);
	let ticket = await threadedTicket(tx, wanted);
	let ticketId = ticket?.id;
	if (!ticket || ticketId === undefined) {
		ticket = {
			state: 'open',
			search: withWords([], h.subject, h.from?.address ?? '', h.from?.name ?? ''),
			subject: h.subject || '(no subject)',
			customer: h.from?.address ?? '',
			createdAt: article.receivedAt,
			updatedAt: article.receivedAt,
			messageIds: [],
			articleCount: 0,
			overview: { version: OVERVIEW_VERSION, articles: [] }
		};
		// Put once for its id, which the article needs; put again below with the article counted.
		ticketId = await ticketStore.save(tx, ticket);
	}
	return addToStoredTicket(tx, ticketId, ticket, article);
}

/**
 * Stores an article on a stored ticket inside the caller's transaction: the article, then the
 * ticket with its activity time, Message-IDs, count and overview.
 * @param ticket - the ticket's record as stored
 */
export async function addToStoredTicket(tx: ArticleTx, ticketId: number, ticket: TicketRecord, article: Omit<ArticleRecord, 'id' | 'ticketId'>): Promise<{ id: number; ticketId: number }> {
	const messageId = article.headers.messageId;
	const stored = { ...article, ticketId };
	const id = await articleStore.add(tx, stored);
	const overview = await overviewWith(tx, ticketId, ticket, { ...stored, id });
	// A customer's mail reopens the ticket; the agent's own mail leaves its state as it is.
	const state: TicketState = article.direction === 'in' ? 'open' : (ticket.state ?? 'open');
	const sender = article.headers.from;
	await ticketStore.save(tx, {
		...ticket,
		id: ticketId,
		state,
		search: withWords(ticket.search, ticket.subject, ticket.customer, article.headers.subject, sender?.address ?? '', sender?.name ?? '', article.text),
		updatedAt: article.receivedAt,
		messageIds: messageId && !ticket.messageIds.includes(messageId) ? [...ticket.messageIds, messageId] : ticket.messageIds,
		articleCount: ticket.articleCount + 1,
		overview
	});
	return { id, ticketId };
}

/** The UI's view of a stored article. */
export function toArticle(record: ArticleRecord): Article {
	return {
		...record.headers,
		id: record.id ?? 0,
		ticketId: record.ticketId,
		direction: record.direction,
		receivedAt: record.receivedAt,
		...(record.processedAt ? { processedAt: record.processedAt } : {}),
		security: record.security,
		text: record.text,
		...(record.html !== undefined ? { html: record.html } : {}),
		attachments: record.attachments.map((a, index) => ({ index, name: a.name, type: a.type, size: storedSize(a.data) })),
		...(record.sections && record.sections.length > 0 ? { sections: toSections(record.sections) } : {})
	};
}

function summary(t: TicketRecord): TicketSummary {
	return { id: t.id ?? 0, state: t.state ?? 'open', subject: t.subject, customer: t.customer, createdAt: t.createdAt, updatedAt: t.updatedAt, articleCount: t.articleCount };
}

/**
 * Every ticket as the list shows it, most recently updated first, read in one transaction:
 * the group from the groups as they are now, and the protection flags. Tickets with an overview
 * cost no article read; older tickets have theirs computed from their articles.
 */
export async function listTickets(ctx: DeskContext): Promise<TicketRow[]> {
	const tx = readTransaction(ctx.db, ['tickets', 'articles', 'groups']);
	const [all, groupRecords] = await Promise.all([ticketStore.all(tx), groupStore.all(tx)]);
	const groups = sortedGroups(groupRecords);
	const rows = await Promise.all(all.map((t) => rowOf(tx, t, groups)));
	return rows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id);
}

/** What {@link queryTickets} takes; every field optional, unknown fields rejected. */
export interface TicketQuery {
	/** One state, or 'all'. Defaults to 'open'. */
	state?: TicketState | 'all';
	/** Words to search for in the subject, customer and readable text; every word must start a word of the ticket. */
	search?: string;
	/** The first row to return, in the order of the list (most recent activity first). Defaults to 0. */
	offset?: number;
	/** How many rows at most; 1 to 500, defaults to 50. */
	limit?: number;
}

/** One page of the tickets list. */
export interface TicketPage {
	rows: TicketRow[];
	/** How many tickets match the state and search, over all pages. */
	total: number;
	/** How many tickets each state has (without the search). */
	counts: Record<TicketState, number>;
}

const QUERY_KEYS = new Set(['state', 'search', 'offset', 'limit']);

function checkQuery(query: TicketQuery): Required<Omit<TicketQuery, 'search'>> & { words: string[] } {
	for (const key of Object.keys(query)) if (!QUERY_KEYS.has(key)) throw new Error(`Unknown ticket query option "${key}".`);
	const state = query.state ?? 'open';
	if (state !== 'all' && !TICKET_STATES.includes(state)) throw new Error(`Unknown ticket state "${state}".`);
	const offset = query.offset ?? 0;
	const limit = query.limit ?? 50;
	if (!Number.isSafeInteger(offset) || offset < 0) throw new Error('The offset must be a whole number, 0 or more.');
	if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw new Error('The limit must be a whole number from 1 to 500.');
	return { state, offset, limit, words: queryWords(query.search ?? '') };
}

/**
 * One page of the tickets list, most recent activity first, filtered by state and search, read
 * from the indexes: the ids of the matching tickets come from index keys (never whole records),
 * and only the page's tickets are read.
 * @throws Error for an unknown option or state, or an offset or limit out of range
 */
export async function queryTickets(ctx: DeskContext, query: TicketQuery = {}): Promise<TicketPage> {
	const q = checkQuery(query);
	const tx = readTransaction(ctx.db, ['tickets', 'articles', 'groups']);
	const countsPromise = Promise.all(TICKET_STATES.map((s) => ticketStore.countInState(tx, s)));
	// Ascending by [state,] updatedAt, ties by id: reversed, the newest first (ties: the higher id first).
	const ordered = await ticketStore.idsByActivity(tx, q.state);
	ordered.reverse();
	let ids = ordered;
	if (q.words.length > 0) {
		// Every query word must start a word of the ticket: the tickets of each prefix range, intersected.
		const perWord = await Promise.all(q.words.map(async (word) => new Set(await ticketStore.idsWithWordPrefix(tx, word))));
		ids = ordered.filter((id) => perWord.every((found) => found.has(id)));
	}
	const pageIds = ids.slice(q.offset, q.offset + q.limit);
	const [records, groupRecords, counts] = await Promise.all([Promise.all(pageIds.map((id) => ticketStore.byId(tx, id))), groupStore.all(tx), countsPromise]);
	const groups = sortedGroups(groupRecords);
	const rows = await Promise.all(records.filter((t): t is TicketRecord => t !== undefined).map((t) => rowOf(tx, t, groups)));
	return { rows, total: ids.length, counts: { open: counts[0] ?? 0, pending: counts[1] ?? 0, closed: counts[2] ?? 0 } };
}

/** A ticket's list row: from its overview, or for an older ticket from its articles. */
async function rowOf(tx: Tx<'articles'>, t: TicketRecord, groups: ReturnType<typeof sortedGroups>): Promise<TicketRow> {
	const s = summary(t);
	let entries = currentOverview(t)?.articles;
	if (!entries) {
		entries = (await articleStore.ofTicket(tx, s.id)).map(articleOverview);
	}
	return ticketRow(s, entries, groups);
}

/**
 * Sets a ticket's state.
 * @throws Error "No ticket has this id." or "Unknown ticket state "x"."
 */
export async function setTicketState(ctx: DeskContext, id: number, state: TicketState): Promise<TicketSummary> {
	if (!TICKET_STATES.includes(state)) throw new Error(`Unknown ticket state "${state}".`);
	const updated = await withWriteTransaction(ctx.db, ['tickets'], async (tx) => {
		const ticket = await ticketStore.byId(tx, id);
		if (!ticket) throw new Error('No ticket has this id.');
		const record: TicketRecord = { ...ticket, state };
		await ticketStore.save(tx, record);
		return record;
	});
	announce(ctx, ['tickets']);
	return summary(updated);
}

/** A ticket with its articles (oldest first), or null when no ticket has this id. */
export async function getTicket(ctx: DeskContext, id: number): Promise<TicketDetail | null> {
	const tx = readTransaction(ctx.db, ['tickets', 'articles']);
	const ticket = await ticketStore.byId(tx, id);
	if (!ticket) return null;
	const records = await articleStore.ofTicket(tx, id);
	return { ...summary(ticket), articles: records.map(toArticle) };
}

/** The stored record of an article, or null. */
export async function articleRecord(ctx: DeskContext, id: number): Promise<StoredArticle | null> {
	return (await articleStore.byId(ctx.db, id)) ?? null;
}

/** One article, or null when no article has this id. */
export async function getArticle(ctx: DeskContext, id: number): Promise<Article | null> {
	const record = await articleRecord(ctx, id);
	return record ? toArticle(record) : null;
}

/** The bytes of one attachment of an article, or null when there is no such attachment. */
export async function getAttachment(ctx: DeskContext, articleId: number, index: number): Promise<Uint8Array | null> {
	const data = (await articleRecord(ctx, articleId))?.attachments[index]?.data;
	return data === undefined ? null : storedBytes(data);
}

/** The bytes of one attachment of a section (a signed part or an attached message) of an article, or null. */
export async function getSectionAttachment(ctx: DeskContext, articleId: number, path: string, index: number): Promise<Uint8Array | null> {
	const data = (await articleRecord(ctx, articleId))?.sections?.find((s) => s.path === path)?.attachments[index]?.data;
	return data === undefined ? null : storedBytes(data);
}

/** The raw RFC 5322 bytes of an article as received, or null. */
export async function articleRaw(ctx: DeskContext, id: number): Promise<Uint8Array | null> {
	const raw = (await articleRecord(ctx, id))?.raw;
	return raw === undefined ? null : storedBytes(raw);
}
