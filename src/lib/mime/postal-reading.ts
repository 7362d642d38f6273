/**
 * How postal-mime 4 reads a leaf's headers, a calendar part and a multipart's unused lines,
 * repeated here so that display.ts classifies each leaf as postal-mime does (node_modules/postal-mime/src/mime-node.ts,
 * postal-mime.ts). When the two disagree on a leaf's transfer encoding, the placeholder that
 * display.ts puts in its place does not come back, and the message is read the slow way.
 */
import { parseContentType, type ContentType, type Header, type MimeEntity } from './entity';

/**
 * postal-mime's `stripComments`: removes RFC 822 comments from a structured header value. A
 * comment may nest and holds quoted pairs; a quoted string holds no comment; inside an unquoted
 * parameter value a '(' opens a comment only after whitespace (`name=a(1).pdf` keeps it). When
 * a '(' is never closed, the dangling text is dropped only if no ';' follows it; otherwise the
 * value is kept as it was.
 */
export function stripComments(str: string): string {
	let result = '';
	let depth = 0;
	let escaped = false;
	let inQuote = false;
	let commentStart = -1;
	let inParameterValue = false;
	// Whether `result` ends in SP or HTAB, kept on each append (reading `result`'s end would flatten it each time).
	const last = { wsp: false };
	const append = (c: string): void => {
		result += c;
		last.wsp = c === ' ' || c === '\t';
	};
	for (let i = 0; i < str.length; i++) {
		const chr = str.charAt(i);
		if (escaped) {
			if (depth === 0) append(chr);
			escaped = false;
			continue;
		}
		if (chr === '\\') {
			escaped = true;
			if (depth === 0) append(chr);
			continue;
		}
		if (chr === '"' && depth === 0) {
			inQuote = !inQuote;
			append(chr);
			continue;
		}
		if (!inQuote) {
			if (chr === '(' && (!inParameterValue || !result.length || last.wsp)) {
				if (depth === 0) commentStart = i;
				depth++;
				continue;
			}
			if (chr === ')' && depth > 0) {
				depth--;
				continue;
			}
			if (depth === 0) {
				if (chr === '=') inParameterValue = true;
				else if (chr === ';') inParameterValue = false;
			}
		}
		if (depth === 0) append(chr);
	}
	if (depth === 0) return result;
	return str.indexOf(';', commentStart) < 0 ? result : str;
}

/** How a leaf's body is decoded: base64, quoted-printable, or as it is (7bit, 8bit, binary, anything else). */
export type TransferEncoding = 'base64' | 'qp' | 'plain';

/**
 * postal-mime's transfer encoding of a part: the first Content-Transfer-Encoding header only
 * (later copies are ignored), comments stripped, the first run of word characters and '-' of
 * its value (so quotes around it do not matter), base64 when that word contains "base64",
 * quoted-printable when it contains "quoted-printable", else as it is. No header reads as it is.
 */
export function postalTransferEncoding(headers: readonly Header[]): TransferEncoding {
	const value = headers.find((h) => h.name.toLowerCase() === 'content-transfer-encoding')?.value;
	if (value === undefined) return 'plain';
	const word = /[\w-]+/.exec(stripComments(value).toLowerCase())?.[0] ?? '';
	if (word.includes('base64')) return 'base64';
	return word.includes('quoted-printable') ? 'qp' : 'plain';
}

/**
 * The part's Content-Type as postal-mime reads it: the first header only, comments stripped
 * (`text/calendar (invite)` is a calendar, `multipart/mixed (x); boundary=b` a multipart).
 */
export function postalContentType(headers: readonly Header[]): ContentType {
	const value = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value;
	return parseContentType(value === undefined ? undefined : stripComments(value));
}

/** True for the types postal-mime turns into a calendar attachment (text with normalised line breaks). */
export function isCalendar(mimeType: string): boolean {
	return mimeType === 'text/calendar' || mimeType === 'application/ics';
}

/**
 * postal-mime's content of a calendar attachment, from the part's decoded text: every CRLF
 * made LF, and the text ending in exactly one LF, as UTF-8. Done on the UTF-8 bytes (where CR
 * and LF are those characters and nothing else), in one pass: a regular expression replacing
 * 25 million line breaks took 19 s.
 */
export function calendarBytes(text: string): Uint8Array {
	const bytes = new TextEncoder().encode(text);
	let o = 0;
	for (let i = 0; i < bytes.length; i++) {
		const c = bytes[i] as number;
		if (c === 13 && bytes[i + 1] === 10) continue;
		bytes[o++] = c;
	}
	while (o > 0 && bytes[o - 1] === 10) o--;
	const out = new Uint8Array(o + 1);
	out.set(bytes.subarray(0, o));
	out[o] = 10;
	return out;
}

/**
 * Where `bytes` holds more than `max` lines: the offset just after its `max`-th LF, or -1 when
 * it has at most `max` LFs. Costs at most `max` native scans, however many lines there are.
 */
export function afterLines(bytes: Uint8Array, max: number): number {
	let at = -1;
	for (let n = 0; n < max; n++) {
		at = bytes.indexOf(10, at + 1);
		if (at === -1) return -1;
	}
	return bytes.indexOf(10, at + 1) === -1 ? -1 : at + 1;
}

/**
 * The byte ranges of a multipart body that postal-mime reads and drops: the preamble before the
 * first delimiter line, the epilogue after the close delimiter line, or the whole body when no
 * delimiter was found (or there is no boundary). postal-mime gives every line of them to the
 * multipart's own decoder, whose content it never uses, at its usual cost per line. A range with
 * a line starting "--" is kept: were its boundary read otherwise by postal-mime, that line could
 * be a delimiter to it (such a range, if huge, meets display.ts's line cap instead).
 * @param start - the body's offset in `raw`
 * @param children - the multipart's parts, as split from `raw` (subarrays of it)
 */
export function unread(raw: Uint8Array, start: number, length: number, children: readonly MimeEntity[]): { start: number; end: number }[] {
	const end = start + length;
	const first = children[0];
	const last = children[children.length - 1];
	const out: { start: number; end: number }[] = [];
	const push = (from: number, to: number): void => {
		if (to > from && !hasDashLine(raw, from, to)) out.push({ start: from, end: to });
	};
	if (!first || !last) {
		push(start, end);
		return out;
	}
	// The first delimiter line ends just before the first part: the preamble ends where that line starts.
	const firstAt = first.raw.byteOffset - raw.byteOffset;
	const lineStart = Math.max(start, raw.lastIndexOf(10, firstAt - 2) + 1);
	push(start, lineStart);
	// The last part ends at the line break before the close delimiter; the epilogue starts after that line.
	const lastEnd = last.raw.byteOffset - raw.byteOffset + last.raw.length;
	if (lastEnd < end) {
		const before = raw.indexOf(10, lastEnd);
		const after = before === -1 || before >= end ? -1 : raw.indexOf(10, before + 1);
		if (after !== -1) push(after + 1, end);
	}
	return out;
}

/** True when a line of `raw[from, to)` starts with "--" (`from` counts as a line start). One pass, no native call per line. */
function hasDashLine(raw: Uint8Array, from: number, to: number): boolean {
	for (let i = from; i + 1 < to; i++) {
		if (raw[i] === 45 && raw[i + 1] === 45 && (i === from || raw[i - 1] === 10)) return true;
	}
	return false;
}
