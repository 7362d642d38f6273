/**
 * Test-side assembly of whole messages from the real header blocks of src/lib/mime (issue 17:
 * these builders were test-only code in src/lib/mime/build.ts). Synchronous, bytes only, with
 * Node's base64 for the bodies, so that they do not lean on the piece writer they help test.
 */
import { boundaryFor } from '../../src/lib/mime/boundary';
import { buildExactTextEntity } from '../../src/lib/mime/out-content';
import { attachmentHeaders, messageHeaders, multipartSignedHead, pkcs7MimeHeaders, SIGNATURE_PART_HEADERS, type MessageHeaderOptions, type OutAttachment } from '../../src/lib/mime/out-headers';

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const concat = (parts: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** Base64 in lines of 76 characters, each ending in CRLF (none for no bytes). */
export function base64Lines(data: Uint8Array): Uint8Array {
	const b64 = Buffer.from(data).toString('base64');
	let s = '';
	for (let i = 0; i < b64.length; i += 76) s += b64.slice(i, i + 76) + '\r\n';
	return ascii(s);
}

/** An attachment given as bytes. */
export type BytesAttachment = OutAttachment & { data: Uint8Array };

/** A multipart entity of `children` under `contentType(boundary)`, the boundary drawn from `crypto`. */
function multipart(contentType: (b: string) => string, children: readonly Uint8Array[], crypto: Crypto): Uint8Array {
	const b = boundaryFor(children, crypto);
	const chunks = [ascii(`Content-Type: ${contentType(b)}\r\n\r\n`)];
	for (const c of children) chunks.push(ascii(`--${b}\r\n`), c, ascii('\r\n'));
	chunks.push(ascii(`--${b}--\r\n`));
	return concat(chunks);
}

/** The exact text entity alone, or multipart/mixed with the attachments after it. */
export function contentEntity(o: { text: string; attachments?: readonly BytesAttachment[] }, crypto: Crypto = globalThis.crypto): Uint8Array {
	const text = buildExactTextEntity(o.text);
	if (!o.attachments?.length) return text;
	return multipart((b) => `multipart/mixed; boundary="${b}"`, [text, ...o.attachments.map((a) => concat([attachmentHeaders(a), base64Lines(a.data)]))], crypto);
}

/** A detached multipart/signed of `entity` and its signature (RFC 8551 §3.5.3). */
export function multipartSigned(entity: Uint8Array, signature: Uint8Array, crypto: Crypto = globalThis.crypto): Uint8Array {
	const sig = concat([SIGNATURE_PART_HEADERS, base64Lines(signature)]);
	const b = boundaryFor([entity, sig], crypto);
	return concat([multipartSignedHead(b), ascii(`--${b}\r\n`), entity, ascii(`\r\n--${b}\r\n`), sig, ascii(`\r\n--${b}--\r\n`)]);
}

/** CMS DER as an application/pkcs7-mime entity (RFC 8551 §3.2). */
export function pkcs7Mime(der: Uint8Array, smimeType: 'enveloped-data' | 'authEnveloped-data' | 'signed-data'): Uint8Array {
	return concat([pkcs7MimeHeaders(smimeType), base64Lines(der)]);
}

/** The top-level headers and then `body` (an entity with its own headers); ends in CRLF. */
export function message(o: MessageHeaderOptions & { body: Uint8Array }): Uint8Array {
	const raw = concat([messageHeaders(o), o.body]);
	return raw.length >= 2 && raw[raw.length - 2] === 13 && raw[raw.length - 1] === 10 ? raw : concat([raw, ascii('\r\n')]);
}
