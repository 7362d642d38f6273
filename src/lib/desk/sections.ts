/**
 * Sections of an article shown apart from its body (issue 15): signed parts of a partly signed
 * message, and attached messages, each with its own verdict, text and attachments. Attached
 * messages inside attached messages follow their parent, their path saying where they are.
 */
import { readHeaders, toDisplay } from '../mime/display';
import type { NestedResult } from '../smime/incoming-types';
import type { StoredSection } from '../store/records';
import { storedSize, toStoredBytes } from '../store/stored-bytes';
import { articleHeaders } from './article-headers';

/** What the ticket view shows of an attachment; the bytes come from the desk's getAttachment. */
export interface AttachmentInfo {
	/** Position in the article's attachment list, for getAttachment. */
	index: number;
	name: string;
	type: string;
	/** Size in bytes. */
	size: number;
}

export type { StoredSection } from '../store/records';

/** A section as the UI and the API read it. */
export type ArticleSection = Omit<StoredSection, 'attachments'> & { attachments: AttachmentInfo[] };

/** Content with the given byte ranges replaced by empty text parts: the message without its signed parts. */
export function withoutRanges(content: Uint8Array, ranges: readonly { start: number; end: number }[]): Uint8Array {
	const filler = new TextEncoder().encode('Content-Type: text/plain; charset=us-ascii\r\n\r\n');
	const sorted = [...ranges].sort((a, b) => a.start - b.start);
	const pieces: Uint8Array[] = [];
	let at = 0;
	for (const r of sorted) {
		if (r.start < at) continue;
		pieces.push(content.subarray(at, r.start), filler);
		at = r.end;
	}
	pieces.push(content.subarray(at));
	const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of pieces) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

/** The sections of nested results, in document order (attached messages' own sections after them). */
export async function sectionsOf(nested: readonly NestedResult[], displayable: (content: Uint8Array) => Uint8Array, crypto: Crypto): Promise<StoredSection[]> {
	const out: StoredSection[] = [];
	for (const n of nested) {
		const display = n.content ? await toDisplay(displayable(n.content), crypto) : { text: '', attachments: [] };
		const attachments = display.attachments.map((a) => ({ name: a.filename, type: a.mimeType, data: toStoredBytes(a.content) }));
		const section: StoredSection = { path: n.path, kind: n.kind, security: n.security, text: display.text, attachments };
		if (display.html !== undefined) section.html = display.html;
		if (n.kind === 'message') section.headers = articleHeaders(readHeaders(n.raw));
		out.push(section);
		if (n.kind === 'message') out.push(...(await sectionsOf(n.nested, displayable, crypto)));
	}
	return out;
}

/** The UI's view of stored sections. */
export function toSections(stored: readonly StoredSection[]): ArticleSection[] {
	return stored.map((s) => ({
		...s,
		attachments: s.attachments.map((a, index) => ({ index, name: a.name, type: a.type, size: storedSize(a.data) }))
	}));
}
