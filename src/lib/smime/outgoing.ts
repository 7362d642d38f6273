/**
 * Building outgoing S/MIME mail (RFC 8551): the content entity (text/plain UTF-8
 * quoted-printable, attachments in multipart/mixed as base64, CRLF and 7-bit throughout), then
 * a detached multipart/signed with SHA-256, then EnvelopedData (AES-256-CBC) or
 * AuthEnvelopedData (AES-256-GCM) around it: sign, then encrypt. Pure: certificates, keys and
 * the clock come from the caller.
 */
import { signData, type SignatureScheme } from '../cms/signed-sign';
import { encryptContent, type ContentEncryption, type EncryptRecipient } from '../cms/enveloped';
import { buildMessage, buildMultipartSigned, buildPkcs7Mime, type OutAddress, type OutAttachment } from '../mime/build';
import { concatBytes } from '../mime/bytes';
import type { PrivateKeySet } from '../pki/keyset';
import { ourCapabilities } from './algorithm-policy';
import { buildExactContentEntity } from './outgoing-content';

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
	/** The content entity before signing and encryption (what a reader gets back). */
	content: Uint8Array;
	signed: boolean;
	encrypted: boolean;
	/** Set when encrypted. */
	contentEncryption?: ContentEncryption;
}

const KNOWN = new Set(['from', 'to', 'cc', 'subject', 'text', 'attachments', 'messageId', 'inReplyTo', 'references', 'date', 'sign', 'encrypt', 'crypto']);

/**
 * Builds the message: content entity, then the signature (when `sign` is given), then the
 * encryption (when `encrypt` is given), then the top-level headers.
 * @throws TypeError for unknown options
 * @throws Error when signing fails (key does not match the certificate, cannot sign), with `cause`
 * @throws RecipientKeyError (from cms) when a recipient certificate cannot receive encrypted mail
 * @throws MimeError (from mime) for a header value with a line break or a malformed message ID
 */
export async function buildOutgoing(o: OutgoingOptions): Promise<OutgoingMessage> {
	for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new TypeError(`Unknown option ${k}.`);
	const content = buildExactContentEntity({ text: o.text, ...(o.attachments?.length ? { attachments: o.attachments } : {}) });
	let entity = content;
	if (o.sign) {
		let signature: Uint8Array;
		try {
			signature = await signData({
				content: entity,
				detached: true,
				certificate: o.sign.certificate,
				chain: o.sign.chain,
				keys: o.sign.keys,
				scheme: o.sign.scheme ?? 'pkcs1',
				capabilities: ourCapabilities(o.sign.keys.algorithm),
				now: o.date,
				crypto: o.crypto
			});
		} catch (cause) {
			throw new Error('The message could not be signed.', { cause });
		}
		entity = buildMultipartSigned(entity, signature, 'sha-256');
	}
	if (o.encrypt) {
		const der = await encryptContent({
			content: entity,
			recipients: o.encrypt.recipients,
			contentEncryption: o.encrypt.contentEncryption,
			crypto: o.crypto
		});
		entity = buildPkcs7Mime(der, o.encrypt.contentEncryption === 'aes-256-gcm' ? 'authEnveloped-data' : 'enveloped-data');
	}
	const message = buildMessage({
		from: o.from,
		to: o.to,
		...(o.cc?.length ? { cc: o.cc } : {}),
		subject: o.subject,
		date: o.date,
		messageId: o.messageId,
		...(o.inReplyTo ? { inReplyTo: o.inReplyTo } : {}),
		...(o.references?.length ? { references: o.references } : {}),
		body: entity
	});
	// A plain text-only message ends in the text's soft line break; every message ends in CRLF.
	const raw = endsWithCrlf(message) ? message : concatBytes([message, Uint8Array.of(0x0d, 0x0a)]);
	return {
		raw,
		content,
		signed: o.sign !== undefined,
		encrypted: o.encrypt !== undefined,
		...(o.encrypt ? { contentEncryption: o.encrypt.contentEncryption } : {})
	};
}

function endsWithCrlf(b: Uint8Array): boolean {
	return b.length >= 2 && b[b.length - 2] === 0x0d && b[b.length - 1] === 0x0a;
}
