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

/**
 * Of each text, only this many first characters are indexed: a mail's words worth searching
 * come early, and a hostile 50 MB body must not cost its size in time and memory at every store.
 */
export const MAX_TEXT_INDEXED = 1 << 20;
/** The text is read in slices of about this many characters, so no regex runs over a huge string. */
const SLICE = 1 << 16;

/**
 * The words of a text, as they are indexed and searched: lower-case, without diacritics,
 * deduplicated, in order of first use; at most `limit` of them, from the first
 * {@link MAX_TEXT_INDEXED} characters.
 */
export function wordsOf(text: string, limit = Infinity): string[] {
	const seen = new Set<string>();
	const end = Math.min(text.length, MAX_TEXT_INDEXED);
	for (let at = 0; at < end && seen.size < limit; ) {
		let to = Math.min(end, at + SLICE);
		// End the slice at a space when one is near, so that words are rarely cut in two.
		if (to < end) {
			const space = text.slice(to, to + 64).search(/\s/);
			if (space !== -1) to += space;
		}
		for (const raw of text.slice(at, to).normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
			if (raw === '') continue;
			seen.add(raw.slice(0, MAX_WORD_LENGTH));
			if (seen.size >= limit) break;
		}
		at = to;
	}
	return [...seen];
}

/** The union of a ticket's words and those of more text, at most {@link MAX_WORDS} (the first ones kept). */
export function withWords(existing: readonly string[] | undefined, ...texts: string[]): string[] {
	const all = new Set(existing ?? []);
	for (const text of texts) {
		for (const word of wordsOf(text, MAX_WORDS)) {
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
