/** Builders for outgoing entities and messages (CRLF, 7-bit, random boundaries). */
import { base64LinesLength, writeBase64Lines } from './base64-encode';
import { concatBytes, indexOfBytes, latin1ToBytes } from './bytes';
import { encodeHeaderWord, encodeQuotedPrintable, filenameParam, formatAddress } from './encode';
import { MimeError } from './errors';

const enc = new TextEncoder();
const CRLF = '\r\n';

/** An address for headers. */
export interface OutAddress {
	name?: string;
	address: string;
}

/**
 * An attachment of an outgoing message. The data is bytes, or a Blob (a File the agent picked)
 * whose size is its length and whose bytes are read once, in order, when the message is
 * written; the builders of this module take bytes only ({@link BytesAttachment}).
 */
export interface OutAttachment {
	filename: string;
	contentType: string;
	data: Uint8Array | Blob;
}

/** An attachment given as bytes, for {@link buildContentEntity}. */
export type BytesAttachment = OutAttachment & { data: Uint8Array };

/** Returns a random boundary that does not occur in any of `contents`. */
export function makeBoundary(contents: readonly Uint8Array[]): string {
	for (;;) {
		const r = new Uint8Array(18);
		globalThis.crypto.getRandomValues(r);
		const b = '----=_sealdesk_' + Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('');
		const needle = latin1ToBytes(b);
		if (contents.every((c) => indexOfBytes(c, needle) === -1)) return b;
	}
}

function headerBytes(lines: string[]): Uint8Array {
	return latin1ToBytes(lines.join(CRLF) + CRLF + CRLF);
}

function multipart(subtypeAndParams: (b: string) => string, children: Uint8Array[], preamble = ''): Uint8Array {
	const b = makeBoundary(children);
	const chunks: Uint8Array[] = [latin1ToBytes(`Content-Type: ${subtypeAndParams(b)}${CRLF}${CRLF}${preamble}`)];
	for (const c of children) {
		chunks.push(latin1ToBytes(`--${b}${CRLF}`), c, latin1ToBytes(CRLF));
	}
	chunks.push(latin1ToBytes(`--${b}--${CRLF}`));
	return concatBytes(chunks);
}

/** Builds a text/plain UTF-8 quoted-printable entity. */
export function buildTextEntity(text: string): Uint8Array {
	const qp = encodeQuotedPrintable(text);
	return concatBytes([
		headerBytes(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable']),
		latin1ToBytes(qp + CRLF),
	]);
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

/** Builds a base64 attachment entity with RFC 2231 filename parameters when needed. */
export function buildAttachmentEntity(a: BytesAttachment): Uint8Array {
	return withBase64(attachmentHeaders(a), a.data);
}

/** `head` followed by the base64 lines of `data`, in one allocation. */
function withBase64(head: Uint8Array, data: Uint8Array): Uint8Array {
	const out = new Uint8Array(head.length + base64LinesLength(data.length));
	out.set(head);
	writeBase64Lines(data, out, head.length);
	return out;
}

/**
 * Builds the content entity of an outgoing mail: text/plain alone, or
 * multipart/mixed with the text first and then the attachments.
 */
export function buildContentEntity(o: { text: string; attachments?: BytesAttachment[] }): Uint8Array {
	const text = buildTextEntity(o.text);
	if (!o.attachments?.length) return text;
	return multipart((b) => `multipart/mixed; boundary="${b}"`, [text, ...o.attachments.map(buildAttachmentEntity)]);
}

/** The headers of the application/pkcs7-signature part of a multipart/signed, blank line included. */
export const SIGNATURE_PART_HEADERS: Uint8Array = headerBytes([
	'Content-Type: application/pkcs7-signature; name="smime.p7s"',
	'Content-Transfer-Encoding: base64',
	'Content-Disposition: attachment; filename="smime.p7s"',
]);

/** The Content-Type header of a multipart/signed with `boundary`, blank line and preamble included. */
export function multipartSignedHead(boundary: string, micalg = 'sha-256'): Uint8Array {
	return latin1ToBytes(
		`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=${micalg};${CRLF} boundary="${boundary}"${CRLF}${CRLF}` +
			'This is an S/MIME signed message' + CRLF + CRLF,
	);
}

/** Wraps an entity and its detached signature as multipart/signed (RFC 8551 §3.5.3). */
export function buildMultipartSigned(entity: Uint8Array, signatureDer: Uint8Array, micalg = 'sha-256'): Uint8Array {
	const sig = withBase64(SIGNATURE_PART_HEADERS, signatureDer);
	const b = makeBoundary([entity, sig]);
	return concatBytes([
		multipartSignedHead(b, micalg),
		latin1ToBytes(`--${b}${CRLF}`),
		entity,
		latin1ToBytes(`${CRLF}--${b}${CRLF}`),
		sig,
		latin1ToBytes(`${CRLF}--${b}--${CRLF}`),
	]);
}

/** The headers of an application/pkcs7-mime entity (RFC 8551 §3.2), blank line included. */
export function pkcs7MimeHeaders(smimeType: 'enveloped-data' | 'authEnveloped-data' | 'signed-data'): Uint8Array {
	return headerBytes([
		`Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name="smime.p7m"`,
		'Content-Transfer-Encoding: base64',
		'Content-Disposition: attachment; filename="smime.p7m"',
	]);
}

/** Wraps CMS DER as an application/pkcs7-mime entity (RFC 8551 §3.2). */
export function buildPkcs7Mime(der: Uint8Array, smimeType: 'enveloped-data' | 'authEnveloped-data' | 'signed-data'): Uint8Array {
	return withBase64(pkcs7MimeHeaders(smimeType), der);
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

/** Options for {@link buildMessage}. */
export interface BuildMessageOptions {
	from: OutAddress;
	to: OutAddress[];
	cc?: OutAddress[];
	subject: string;
	date: Date;
	messageId: string;
	inReplyTo?: string;
	references?: string[];
	/** A complete entity with its own Content-* headers (CRLF). */
	body: Uint8Array;
}

/**
 * The top-level headers of a message (From to MIME-Version, each line ending in CRLF), which
 * the entity's own headers follow. Throws MimeError on a line break in a header value or a bad
 * message ID.
 */
export function messageHeaders(o: Omit<BuildMessageOptions, 'body'>): Uint8Array {
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
	return latin1ToBytes(lines.join(CRLF) + CRLF);
}

/**
 * Builds a complete RFC 5322 message: top-level headers followed by the entity's
 * own headers and body. Throws MimeError on a line break in a header value or a bad message ID.
 */
export function buildMessage(o: BuildMessageOptions): Uint8Array {
	return concatBytes([messageHeaders(o), o.body]);
}

/** Encodes a string as UTF-8. */
export function utf8(s: string): Uint8Array {
	return enc.encode(s);
}
