/**
 * The content entity of an outgoing mail, built so that the text comes back exactly as typed.
 *
 * mime's buildTextEntity ends the quoted-printable body with a line break, which a reader
 * takes as part of the text (postal-mime also keeps the CRLF before a boundary, which RFC 2046
 * gives to the delimiter), so "Hello" came back as "Hello\n" or "Hello\n\n". Ending the body with
 * a soft line break ("=", RFC 2045 §6.7 rule 5) and no CRLF says the text has no final line
 * break; the CRLF that follows (a boundary delimiter's, or the message's last one) is then
 * swallowed by the soft break in readers that take it as content, and belongs to the delimiter
 * in those that do not. Either way the typed text comes back exactly; a text that ends in a
 * line break keeps it.
 */
import { buildAttachmentEntity, buildTextEntity, makeBoundary, type OutAttachment } from '../mime/build';

const enc = new TextEncoder();

function ascii(s: string): Uint8Array {
	return enc.encode(s);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/**
 * A text/plain UTF-8 quoted-printable entity whose body ends in a soft line break without a
 * CRLF, so it decodes to exactly `text` (line breaks as CRLF). The caller follows it with a
 * CRLF (a multipart delimiter does; so must the end of a message).
 */
export function buildExactTextEntity(text: string): Uint8Array {
	const entity = buildTextEntity(text);
	// buildTextEntity ends with the CRLF after the last encoded line; a soft break replaces it.
	const end = entity.length - 2;
	if (entity[end] !== 0x0d || entity[end + 1] !== 0x0a) return entity;
	return concat([entity.subarray(0, end), ascii('=')]);
}

/**
 * The content entity (see {@link buildExactTextEntity} for how it ends): the text alone, or multipart/mixed with the text first and the
 * attachments (base64, RFC 2231 file names) after it. CRLF and 7-bit throughout.
 */
export function buildExactContentEntity(o: { text: string; attachments?: readonly OutAttachment[] }): Uint8Array {
	const text = buildExactTextEntity(o.text);
	if (!o.attachments?.length) return text;
	const children = [text, ...o.attachments.map(buildAttachmentEntity)];
	const b = makeBoundary(children);
	const chunks: Uint8Array[] = [ascii(`Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n`)];
	for (const c of children) chunks.push(ascii(`--${b}\r\n`), c, ascii('\r\n'));
	chunks.push(ascii(`--${b}--\r\n`));
	return concat(chunks);
}
