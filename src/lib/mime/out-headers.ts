/**
 * The header blocks of outgoing mail (CRLF, 7-bit): the message's top-level headers, an
 * attachment's, and the S/MIME parts' (RFC 8551). The entities around them are written as
 * pieces (out-pieces, out-content); the S/MIME assembly is smime/outgoing's.
 */
import { fromBinary } from '../base/bytes';
import { encodeHeaderWord, filenameParam, formatAddress } from './encode';
import { MimeError } from './errors';

const CRLF = '\r\n';

/** An address for headers. */
export interface OutAddress {
	name?: string;
	address: string;
}

/**
 * An attachment of an outgoing message. The data is bytes, or a Blob (a File the agent picked)
 * whose size is its length and whose bytes are read once, in order, when the message is
 * written.
 */
export interface OutAttachment {
	filename: string;
	contentType: string;
	data: Uint8Array | Blob;
}

function headerBytes(lines: string[]): Uint8Array {
	return fromBinary(lines.join(CRLF) + CRLF + CRLF);
}

/** The headers of a base64 attachment entity, blank line included, with RFC 2231 filename parameters when needed. */
export function attachmentHeaders(a: Pick<OutAttachment, 'filename' | 'contentType'>): Uint8Array {
	const ct = /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType) ? a.contentType.toLowerCase() : 'application/octet-stream';
	return headerBytes([
		`Content-Type: ${ct};${CRLF} ${filenameParam('name', a.filename)}`,
		'Content-Transfer-Encoding: base64',
		`Content-Disposition: attachment;${CRLF} ${filenameParam('filename', a.filename)}`,
	]);
}

/** The headers of the application/pkcs7-signature part of a multipart/signed, blank line included. */
export const SIGNATURE_PART_HEADERS: Uint8Array = headerBytes([
	'Content-Type: application/pkcs7-signature; name="smime.p7s"',
	'Content-Transfer-Encoding: base64',
	'Content-Disposition: attachment; filename="smime.p7s"',
]);

/** The Content-Type header of a multipart/signed with `boundary`, blank line and preamble included. */
export function multipartSignedHead(boundary: string, micalg = 'sha-256'): Uint8Array {
	return fromBinary(
		`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=${micalg};${CRLF} boundary="${boundary}"${CRLF}${CRLF}` +
			'This is an S/MIME signed message' + CRLF + CRLF,
	);
}

/** The headers of an application/pkcs7-mime entity (RFC 8551 §3.2), blank line included. */
export function pkcs7MimeHeaders(smimeType: 'enveloped-data' | 'authEnveloped-data' | 'signed-data'): Uint8Array {
	return headerBytes([
		`Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name="smime.p7m"`,
		'Content-Transfer-Encoding: base64',
		'Content-Disposition: attachment; filename="smime.p7m"',
	]);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Formats a date per RFC 5322 §3.3 in UTC, e.g. `Mon, 02 Jun 2025 10:00:00 +0000`. */
export function formatDate(d: Date): string {
	const p = (n: number): string => String(n).padStart(2, '0');
	return `${DAYS[d.getUTCDay()] ?? ''}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()] ?? ''} ${String(d.getUTCFullYear())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function msgId(id: string): string {
	const t = id.trim();
	if (!/^<?[^\s<>]+@[^\s<>]+>?$/.test(t)) throw new MimeError('The message ID is not valid.');
	return t.startsWith('<') ? t : `<${t}>`;
}

function noCrlf(s: string): string {
	if (/[\r\n]/.test(s)) throw new MimeError('A header value contains a line break.');
	return s;
}

/** The top-level headers of an outgoing message, for {@link messageHeaders}. */
export interface MessageHeaderOptions {
	from: OutAddress;
	to: OutAddress[];
	cc?: OutAddress[];
	subject: string;
	date: Date;
	messageId: string;
	inReplyTo?: string;
	references?: string[];
}

/**
 * The top-level headers of a message (From to MIME-Version, each line ending in CRLF), which
 * the entity's own headers follow. Throws MimeError on a line break in a header value or a bad
 * message ID.
 */
export function messageHeaders(o: MessageHeaderOptions): Uint8Array {
	const addrs = (l: OutAddress[]): string => l.map((a) => formatAddress({ ...a, address: noCrlf(a.address) })).join(`,${CRLF} `);
	const lines = [`From: ${formatAddress(o.from)}`];
	if (o.to.length > 0) lines.push(`To: ${addrs(o.to)}`);
	// Blind copies only: To names an empty group, as Thunderbird writes it (RFC 5322 §3.6.3).
	else if (!o.cc?.length) lines.push('To: undisclosed-recipients:;');
	if (o.cc?.length) lines.push(`Cc: ${addrs(o.cc)}`);
	lines.push(`Subject: ${encodeHeaderWord(noCrlf(o.subject))}`, `Date: ${formatDate(o.date)}`, `Message-ID: ${msgId(o.messageId)}`);
	if (o.inReplyTo) lines.push(`In-Reply-To: ${msgId(o.inReplyTo)}`);
	if (o.references?.length) lines.push(`References: ${o.references.map(msgId).join(`${CRLF} `)}`);
	lines.push('MIME-Version: 1.0');
	return fromBinary(lines.join(CRLF) + CRLF);
}
