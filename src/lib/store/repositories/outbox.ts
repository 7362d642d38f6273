/**
 * The 'outbox' store: outgoing articles on their way to the mail server (records: {@link OutboxRecord}).
 */
import type { OutboxRecord } from '../records';
import { onStore, type Source } from './source';

/** The outbox entry of an article, or undefined. */
export function byArticle(source: Source<'outbox'>, articleId: number): Promise<OutboxRecord | undefined> {
	return onStore(source, 'outbox', 'readonly', (s) => s.get(articleId));
}

/** The outbox entries of a ticket's articles. */
export function ofTicket(source: Source<'outbox'>, ticketId: number): Promise<OutboxRecord[]> {
	return onStore(source, 'outbox', 'readonly', (s) => s.index('ticketId').getAll(ticketId));
}

/** Every outbox entry, by article id (oldest first). */
export function all(source: Source<'outbox'>): Promise<OutboxRecord[]> {
	return onStore(source, 'outbox', 'readonly', (s) => s.getAll());
}

/** Stores an entry, new or replacing the article's. */
export async function save(source: Source<'outbox', 'readwrite'>, record: OutboxRecord): Promise<void> {
	await onStore(source, 'outbox', 'readwrite', (s) => s.put(record));
}
