/**
 * Building outgoing S/MIME mail (RFC 8551): the content entity (text/plain UTF-8
 * quoted-printable, attachments in multipart/mixed as base64, CRLF and 7-bit throughout), then
 * a detached multipart/signed with SHA-256, then EnvelopedData (AES-256-CBC) or
 * AuthEnvelopedData (AES-256-GCM) around it: sign, then encrypt. Pure: certificates, keys and
 * the clock come from the caller.
 */
import { signData, type SignatureScheme } from '../cms/signed-sign';
import { prepareEnvelope, type ContentEncryption, type EncryptRecipient } from '../cms/enveloped';
import { messageHeaders, multipartSignedHead, pkcs7MimeHeaders, SIGNATURE_PART_HEADERS, type OutAddress, type OutAttachment } from '../mime/out-headers';
import { Base64LineWriter, base64LinesLength } from '../mime/base64-encode';
import { BlobReadError } from '../mime/blob-chunks';
import { boundaryFor } from '../mime/boundary';
import { contentEntityPieces } from '../mime/out-content';
import { ascii, materialize, piecesEndWithCrlf, piecesLength, writePieces, type Piece } from '../mime/out-pieces';
import { PieceReader } from '../mime/piece-reader';
import { BlobCopier, COPY_PART } from '../base/memory';
import type { PrivateKeySet } from '../pki/keyset';
import { ourCapabilities } from './algorithm-policy';
import { DraftError } from './outgoing-draft';

/** Who signs, with what. */
export interface OutgoingSigner {
	/** DER of the signing certificate. */
	certificate: Uint8Array;
	/** DER of the CA certificates on its path (intermediates first), included in the signature. */
	chain: Uint8Array[];
	keys: PrivateKeySet;
	/** RSA only; default 'pkcs1'. */
	scheme?: SignatureScheme;
}

/** Whom to encrypt for, and how. */
export interface OutgoingEncryption {
	/** Every recipient certificate (To, Cc and the sender), with its RSA key transport. */
	recipients: EncryptRecipient[];
	contentEncryption: ContentEncryption;
}

/** Options of {@link buildOutgoing}. Unknown options are rejected. */
export interface OutgoingOptions {
	from: OutAddress;
	to: OutAddress[];
	cc?: OutAddress[];
	subject: string;
	text: string;
	/** Bytes, or Blobs (Files) read once, in order, while the message is written. */
	attachments?: OutAttachment[];
	/** With or without angle brackets. */
	messageId: string;
	inReplyTo?: string;
	references?: string[];
	/** The Date header and the signing time. */
	date: Date;
	/** Sign when given. */
	sign?: OutgoingSigner;
	/** Encrypt when given. */
	encrypt?: OutgoingEncryption;
	crypto: Crypto;
}

/** A built message. */
export interface OutgoingMessage {
	/** The complete RFC 5322 message, CRLF line endings, 7-bit. */
	raw: Uint8Array;
	/**
	 * The same bytes as a Blob (what gets stored), copied a part at a time while `raw` was being
	 * written (see {@link BlobCopier}).
	 */
	blob: Blob;
	/**
	 * The content entity before signing and encryption (what a reader gets back): a view into
	 * the message (or the signed entity). For mail encrypted without a signature it is built
	 * when asked for, from the attachments as they are then (a Blob is read again): the entity
	 * was never held whole while encrypting.
	 * @throws DraftError 'invalid-option' when an attachment Blob can no longer be read
	 */
	content(): Promise<Uint8Array>;
	signed: boolean;
	encrypted: boolean;
	/** Set when encrypted. */
	contentEncryption?: ContentEncryption;
}

const KNOWN = new Set(['from', 'to', 'cc', 'subject', 'text', 'attachments', 'messageId', 'inReplyTo', 'references', 'date', 'sign', 'encrypt', 'crypto']);

/**
 * Builds the message: content entity, then the signature (when `sign` is given), then the
 * encryption (when `encrypt` is given), then the top-level headers.
 *
 * Each layer is written once into one buffer of its final size: the content entity in place
 * inside the multipart/signed (it is hashed where it lies), the message around the base64 of
 * the envelope's DER, encoded as it is encrypted; unsigned content is encrypted slice by slice
 * as it is written and never held whole. `content()` gives a view into the message (or into
 * the signed entity), or builds it (encrypted, unsigned). An attachment given as a Blob is
 * read from its stream as it is encoded, never whole. The message is copied into its Blob a
 * part at a time as it is written.
 * @throws TypeError for unknown options
 * @throws DraftError 'invalid-option' (`The attachment "<name>" could not be read.`) when an
 *   attachment Blob cannot be read, or yields more or fewer bytes than its size
 * @throws Error when signing fails (key does not match the certificate, cannot sign), with `cause`
 * @throws RecipientKeyError (from cms) when a recipient certificate cannot receive encrypted mail
 * @throws MimeError (from mime) for a header value with a line break or a malformed message ID
 */
export async function buildOutgoing(o: OutgoingOptions): Promise<OutgoingMessage> {
	for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new TypeError(`Unknown option ${k}.`);
	return withReadErrors(() => build(o));
}

/** Runs `f`, reporting an attachment that could not be read as the draft's error. */
async function withReadErrors<T>(f: () => Promise<T>): Promise<T> {
	try {
		return await f();
	} catch (error) {
		if (error instanceof BlobReadError) throw new DraftError('invalid-option', error.message, { cause: error });
		throw error;
	}
}

async function build(o: OutgoingOptions): Promise<OutgoingMessage> {
	const pieces = contentEntityPieces({ text: o.text, ...(o.attachments?.length ? { attachments: o.attachments } : {}) }, o.crypto);
	const headers = messageHeaders({
		from: o.from,
		to: o.to,
		...(o.cc?.length ? { cc: o.cc } : {}),
		subject: o.subject,
		date: o.date,
		messageId: o.messageId,
		...(o.inReplyTo ? { inReplyTo: o.inReplyTo } : {}),
		...(o.references?.length ? { references: o.references } : {})
	});
	const done = (raw: Uint8Array, blob: Blob, content: () => Promise<Uint8Array>): OutgoingMessage => ({
		raw,
		blob,
		content,
		signed: o.sign !== undefined,
		encrypted: o.encrypt !== undefined,
		...(o.encrypt ? { contentEncryption: o.encrypt.contentEncryption } : {})
	});
	if (!o.encrypt) {
		const copy = new BlobCopier();
		if (o.sign) {
			const signed = await writeSigned(o, o.sign, pieces, headers, copy);
			return done(signed.entity, copy.finish(signed.entity, signed.entity.length), resolved(signed.content));
		}
		// A plain text-only message ends in the text's soft line break; every message ends in CRLF.
		const raw = await materialize([headers, ...pieces, ...(piecesEndWithCrlf(pieces) ? [] : [CRLF])], copy);
		return done(raw, copy.finish(raw, raw.length), resolved(raw.subarray(headers.length, headers.length + piecesLength(pieces))));
	}
	// Signed: the entity exists whole (it was hashed). Unsigned: it is produced slice by slice as
	// it is encrypted, never whole; `content` is then built only if it is read.
	const signed = o.sign ? await writeSigned(o, o.sign, pieces, new Uint8Array()) : null;
	const entity = signed ? signed.entity : new PieceReader(pieces);
	const envelope = await prepareEnvelope({
		content: entity,
		recipients: o.encrypt.recipients,
		contentEncryption: o.encrypt.contentEncryption,
		crypto: o.crypto
	});
	const p7m = pkcs7MimeHeaders(o.encrypt.contentEncryption === 'aes-256-gcm' ? 'authEnveloped-data' : 'enveloped-data');
	const raw = new Uint8Array(headers.length + p7m.length + base64LinesLength(envelope.length));
	raw.set(headers);
	raw.set(p7m, headers.length);
	// The DER goes into its base64 lines as it is encrypted, never whole, and on into the Blob.
	const lines = new Base64LineWriter(raw, headers.length + p7m.length);
	const copy = new BlobCopier();
	await envelope.write((piece) => {
		// A piece may be the whole ciphertext (GCM is encrypted in one call): copied a part at a time all the same.
		for (let at = 0; at < piece.length; at += COPY_PART) {
			lines.write(piece.subarray(at, at + COPY_PART));
			copy.upTo(raw, lines.offset);
		}
	});
	if (lines.end() !== raw.length) throw new Error('The encrypted message does not have its computed length.');
	const blob = copy.finish(raw, raw.length);
	if (signed) return done(raw, blob, resolved(signed.content));
	let content: Promise<Uint8Array> | undefined;
	return done(raw, blob, () => (content ??= withReadErrors(() => materialize(pieces))));
}

function resolved(bytes: Uint8Array): () => Promise<Uint8Array> {
	return () => Promise.resolve(bytes);
}

const CRLF = ascii('\r\n');

/** Room for the signature part: its DER holds the certificates, the issuer name again and a few hundred bytes more. */
function signaturePartBound(signer: OutgoingSigner): number {
	let der = 4096 + 2 * signer.certificate.length;
	for (const c of signer.chain) der += c.length;
	return 256 + base64LinesLength(der);
}

/**
 * Below this size a signed entity is copied to its exact length, so that storing it does not
 * store the unused room too; above it the room is a rounding error and the copy would cost.
 */
const TRIM_BELOW = 1 << 20;

/**
 * Writes `prefix` and a detached multipart/signed (RFC 8551 §3.5.3) of the content into one
 * buffer: the content first, hashed and signed where it lies, then the signature part after
 * it. The buffer is sized for the largest signature part, so `entity` is a view of its start
 * (trimmed to size when small, see {@link TRIM_BELOW}). With `copy`, the bytes are handed to
 * it as they are written; finishing it is the caller's.
 */
async function writeSigned(
	o: OutgoingOptions,
	signer: OutgoingSigner,
	pieces: readonly Piece[],
	prefix: Uint8Array,
	copy?: BlobCopier
): Promise<{ entity: Uint8Array; content: Uint8Array }> {
	const b = boundaryFor([...pieces, SIGNATURE_PART_HEADERS], o.crypto);
	const head: Piece[] = [prefix, multipartSignedHead(b, 'sha-256'), ascii(`--${b}\r\n`)];
	const start = piecesLength(head);
	const contentEnd = start + piecesLength(pieces);
	let out = new Uint8Array(contentEnd + signaturePartBound(signer));
	await writePieces(head, out, 0, copy);
	await writePieces(pieces, out, start, copy);
	let signature: Uint8Array;
	try {
		signature = await signData({
			content: out.subarray(start, contentEnd),
			detached: true,
			certificate: signer.certificate,
			chain: signer.chain,
			keys: signer.keys,
			scheme: signer.scheme ?? 'pkcs1',
			capabilities: ourCapabilities(signer.keys.algorithm),
			now: o.date,
			crypto: o.crypto
		});
	} catch (cause) {
		throw new Error('The message could not be signed.', { cause });
	}
	const tail: Piece[] = [ascii(`\r\n--${b}\r\n`), SIGNATURE_PART_HEADERS, { base64: [signature] }, ascii(`\r\n--${b}--\r\n`)];
	const end = contentEnd + piecesLength(tail);
	if (end > out.length) {
		// Not expected (the bound is generous); correct all the same.
		const bigger = new Uint8Array(end);
		bigger.set(out.subarray(0, contentEnd));
		out = bigger;
	}
	await writePieces(tail, out, contentEnd, copy);
	if (end < TRIM_BELOW) out = out.slice(0, end);
	return { entity: out.subarray(0, end), content: out.subarray(start, contentEnd) };
}
