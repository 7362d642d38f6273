/**
 * An article's headers as stored, from the parsed message headers.
 */
import type { MessageHeaders } from '../mime/display';
import type { ArticleHeaders } from '../store/records';

/** The article headers from the parsed message headers. */
export function articleHeaders(h: MessageHeaders): ArticleHeaders {
	return {
		...(h.from ? { from: h.from } : {}),
		to: h.to,
		cc: h.cc,
		subject: h.subject,
		...(h.date ? { date: h.date.toISOString() } : {}),
		...(h.messageId ? { messageId: h.messageId } : {}),
		...(h.inReplyTo ? { inReplyTo: h.inReplyTo } : {}),
		references: h.references
	};
}
