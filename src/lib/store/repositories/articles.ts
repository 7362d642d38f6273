/**
 * The 'articles' store (records: {@link ArticleRecord}), with its `ticketId` index.
 */
import type { ArticleRecord } from '../records';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** A stored article: its id is always set. */
export type StoredArticle = ArticleRecord & { id: number };

/** The article with this id, or undefined. */
export async function byId(source: Source<'articles'>, id: number): Promise<StoredArticle | undefined> {
	return (await onStore(source, 'articles', 'readonly', (s) => s.get(id))) as StoredArticle | undefined;
}

/** The articles of a ticket, by id (oldest first). */
export async function ofTicket(source: Source<'articles'>, ticketId: number): Promise<StoredArticle[]> {
	const records = (await onStore(source, 'articles', 'readonly', (s) => s.index('ticketId').getAll(ticketId))) as StoredArticle[];
	return records.sort((a, b) => a.id - b.id);
}

/**
 * Adds a new article (without an id).
 * @returns its id
 */
export function add(tx: WriteTx<'articles'>, record: Omit<ArticleRecord, 'id'>): Promise<number> {
	return tx.objectStore('articles').add(record);
}

/** Replaces a stored article (a new processing result). */
export async function replace(tx: WriteTx<'articles'>, record: StoredArticle): Promise<void> {
	await tx.objectStore('articles').put(record);
}
