/**
 * Local search over tickets: the words of a ticket's subject, customer and the readable text
 * of its articles (plain mail, and encrypted mail once decrypted), kept on the ticket record
 * under a multiEntry index, so a search reads index keys, never every ticket. Nothing of it
 * leaves the browser: the words are derived from text this database already holds.
 *
 * Words are lower-cased, stripped of diacritics, split at anything that is not a letter or a
 * digit; a query matches tickets that have, for every query word, a word starting with it.
 */

/** The most words kept per ticket: enough for long threads, bounded for hostile mail. */
export const MAX_WORDS = 5000;
/** Longer words are cut to this (a base64 blob pasted into a mail is not a word anyone searches). */
export const MAX_WORD_LENGTH = 32;

/** The words of a text, as they are indexed and searched: lower-case, without diacritics, deduplicated, in order of first use. */
export function wordsOf(text: string): string[] {
	const seen = new Set<string>();
	for (const raw of text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
		if (raw === '') continue;
		seen.add(raw.slice(0, MAX_WORD_LENGTH));
	}
	return [...seen];
}

/** The union of a ticket's words and those of more text, at most {@link MAX_WORDS} (the first ones kept). */
export function withWords(existing: readonly string[] | undefined, ...texts: string[]): string[] {
	const all = new Set(existing ?? []);
	for (const text of texts) {
		for (const word of wordsOf(text)) {
			if (all.size >= MAX_WORDS) return [...all];
			all.add(word);
		}
	}
	return [...all];
}

/** The query's words: each must be the start of some word of a ticket for it to match. */
export function queryWords(query: string): string[] {
	return wordsOf(query);
}
