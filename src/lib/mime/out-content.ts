/**
 * The content entity of an outgoing mail, built so that the text comes back exactly as typed.
 *
 * A quoted-printable body that ends with a line break gives readers that line break as part of
 * the text (postal-mime also keeps the CRLF before a boundary, which RFC 2046 gives to the
 * delimiter), so "Hello" came back as "Hello\n" or "Hello\n\n". Ending the body with
 * a soft line break ("=", RFC 2045 §6.7 rule 5) and no CRLF says the text has no final line
 * break; the CRLF that follows (a boundary delimiter's, or the message's last one) is then
 * swallowed by the soft break in readers that take it as content, and belongs to the delimiter
 * in those that do not. Either way the typed text comes back exactly; a text that ends in a
 * line break keeps it.
 */
import { boundaryFor } from './boundary';
import { encodeQuotedPrintable } from './encode';
import { attachmentHeaders, type OutAttachment } from './out-headers';
import { ascii, materialize, type Piece } from './out-pieces';

const TEXT_HEADERS = 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n';

/**
 * A text/plain UTF-8 quoted-printable entity whose body ends in a soft line break without a
 * CRLF, so it decodes to exactly `text` (line breaks as CRLF). The caller follows it with a
 * CRLF (a multipart delimiter does; so must the end of a message).
 */
export function buildExactTextEntity(text: string): Uint8Array {
	// The quoted-printable lines end in CRLF but the last; a soft break ends that one.
	return ascii(TEXT_HEADERS + encodeQuotedPrintable(text) + '=');
}

/**
 * The content entity as pieces to write (see {@link buildExactTextEntity} for how it ends): the
 * text alone, or multipart/mixed with the text first and the attachments (base64, RFC 2231
 * file names) after it, its boundary drawn from `crypto`. CRLF and 7-bit throughout. The
 * attachment data is referenced, not copied: bytes, or a Blob read when the pieces are written
 * (labelled with the file name).
 */
export function contentEntityPieces(o: { text: string; attachments?: readonly OutAttachment[] }, crypto: Crypto): Piece[] {
	const text = buildExactTextEntity(o.text);
	if (!o.attachments?.length) return [text];
	const heads = o.attachments.map(attachmentHeaders);
	const b = boundaryFor([text, ...heads], crypto);
	const pieces: Piece[] = [ascii(`Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\n`), text];
	o.attachments.forEach((a, i) => {
		pieces.push(ascii(`\r\n--${b}\r\n`), heads[i] as Uint8Array, a.data instanceof Blob ? { base64: a.data, label: a.filename } : { base64: [a.data] });
	});
	pieces.push(ascii(`\r\n--${b}--\r\n`));
	return pieces;
}

/**
 * The content entity of {@link contentEntityPieces}, as one array.
 * @throws BlobReadError (from blob-chunks) when an attachment Blob cannot be read or does not hold its size
 */
export async function buildExactContentEntity(o: { text: string; attachments?: readonly OutAttachment[] }, crypto: Crypto): Promise<Uint8Array> {
	return materialize(contentEntityPieces(o, crypto));
}
