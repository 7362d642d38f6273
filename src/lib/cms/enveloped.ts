/**
 * EnvelopedData (RFC 5652) and AuthEnvelopedData (RFC 5083): encrypt for several recipients,
 * decrypt with one of our keys. AuthEnvelopedData is built here by hand because pkijs has none.
 *
 * Every decryption failure that an attacker could provoke (wrong key, bad padding, bad tag,
 * truncated or modified ciphertext) gives the same status and the same comment.
 */
import { borrow, isOwned, type MaybeOwned } from '../base/memory';
import { BerError, children, der, derOid, gatherOctets, gatherOwnedOctets, octets, oidOf, parseOne, type Tlv } from './enveloped-asn1';
import { contentAlgorithm, decryptWithCek, splitAlgId } from './content-cipher';
import { prepareEnvelope } from './enveloped-write';

export { prepareEnvelope, type EnvelopeWriter } from './enveloped-write';
import { OID_AUTH_ENVELOPED_DATA, OID_ENVELOPED_DATA } from '../base/oids';
import { matchRecipients, unwrapCek, type DecryptCandidate, type RecipientMatch } from './recipients-decrypt';
import type { EncryptRecipient } from './recipients-encrypt';

export type { DecryptCandidate } from './recipients-decrypt';
export type { EncryptRecipient, KeyTransport } from './recipients-encrypt';
export { RecipientKeyError } from './recipients-encrypt';

/** Content encryption for sending: AES-256-CBC in EnvelopedData, AES-256-GCM in AuthEnvelopedData. */
export type ContentEncryption = 'aes-256-cbc' | 'aes-256-gcm';

/** The outcome of decryptContent. */
export type DecryptResult =
	| {
			status: 'decrypted';
			content: Uint8Array;
			/** e.g. 'AES-256-GCM'. */
			contentEncryption: string;
			/** e.g. 'RSA-OAEP (SHA-256)', 'RSA PKCS#1 v1.5', 'ECDH (X9.63 SHA-256, AES-256 wrap)'. */
			keyTransport: string;
			/** The DER certificate whose key opened the message. */
			recipient: Uint8Array;
			/** True for AEAD content (AES-GCM, ChaCha20-Poly1305), whose tag was checked. */
			authenticated: boolean;
	  }
	| { status: 'no-key'; comment: string; recipients: string[] }
	| { status: 'strict-custody'; comment: string }
	| { status: 'failed'; comment: string };

/** Thrown by decryptContent when the input is not an EnvelopedData/AuthEnvelopedData ContentInfo at all. */
export class NotEnvelopedError extends Error {
	override name = 'NotEnvelopedError';
}

/** The one comment every cryptographic failure gets, so that failures look alike. */
export const DECRYPT_FAILED_COMMENT = 'The message could not be decrypted.';
/** The comment of a 'no-key' result. */
export const NO_KEY_COMMENT = 'The private key for decryption could not be found.';
/** The comment of a 'strict-custody' result. */
export const STRICT_CUSTODY_COMMENT = 'The sender used RSA PKCS#1 v1.5, which strict key custody does not allow.';
/** The comment when the content cipher is unknown (public information, not an oracle). */
const UNSUPPORTED_CIPHER_COMMENT = 'The message uses a content encryption algorithm that Sealdesk does not support.';

const FAILED = { status: 'failed', comment: DECRYPT_FAILED_COMMENT } as const;

/**
 * RecipientInfos tried at most for one of our keys. Each try of RSA PKCS#1 v1.5 is a private-key
 * operation in JavaScript; a hostile message can carry thousands of RecipientInfos for our key.
 */
export const MAX_TRIES_PER_KEY = 3;
/** RecipientInfos tried at most in one message, over all our keys. */
export const MAX_TRIES_PER_MESSAGE = 8;

/**
 * Encrypts `content` for every recipient and returns a DER ContentInfo: EnvelopedData with
 * AES-256-CBC, or AuthEnvelopedData with AES-256-GCM (12-byte nonce, 16-byte tag, no authAttrs).
 * Throws RecipientKeyError for an unusable recipient certificate, and Error when there is no
 * recipient. The DER in one array; {@link prepareEnvelope} writes it piece by piece instead.
 */
export async function encryptContent(o: {
	content: Uint8Array;
	recipients: EncryptRecipient[];
	contentEncryption: ContentEncryption;
	crypto: Crypto;
}): Promise<Uint8Array> {
	const envelope = await prepareEnvelope(o);
	const der = new Uint8Array(envelope.length);
	let at = 0;
	await envelope.write((piece) => {
		der.set(piece, at);
		at += piece.length;
	});
	return der;
}

function looksEnveloped(der: Uint8Array): boolean {
	const head = der.subarray(0, 24);
	return [OID_ENVELOPED_DATA, OID_AUTH_ENVELOPED_DATA].some((oid) => {
		const needle = derOid(oid);
		for (let i = 0; i + needle.length <= head.length; i++) {
			if (needle.every((x, j) => head[i + j] === x)) return true;
		}
		return false;
	});
}

interface ParsedEnvelope {
	auth: boolean;
	recipientInfos: Tlv[];
	algorithm: Tlv;
	/** Owned when the envelope was: then it may be decrypted within its own bytes. */
	ciphertext: MaybeOwned | null;
	mac?: Uint8Array;
	aad?: Uint8Array;
}

/** Reads the envelope `inner` of `owner`'s bytes; its ciphertext is owned when `owner` is. */
function parseEnvelope(inner: Tlv, auth: boolean, owner: MaybeOwned): ParsedEnvelope {
	const parts = children(inner);
	let i = 1;
	if (parts[i]?.tag === 0xa0) i++; // originatorInfo
	const ris = parts[i++];
	const eciT = parts[i++];
	if (ris?.tag !== 0x31 || eciT?.tag !== 0x30) throw new BerError('The envelope is malformed.');
	const [, algorithm, encT] = children(eciT);
	if (!algorithm) throw new BerError('The envelope has no content encryption algorithm.');
	const ciphertext = encT && (encT.tag === 0x80 || encT.tag === 0xa0) ? (isOwned(owner) ? gatherOwnedOctets(encT, owner) : gatherOctets(encT)) : null;
	if (!auth) return { auth, recipientInfos: children(ris), algorithm, ciphertext };
	let aad: Uint8Array = new Uint8Array();
	if (parts[i]?.tag === 0xa1) aad = der(0x31, (parts[i++] as Tlv).value);
	const macT = parts[i];
	if (macT?.tag !== 0x04 && macT?.tag !== 0x24) throw new BerError('The envelope has no authentication tag.');
	return { auth, recipientInfos: children(ris), algorithm, ciphertext, mac: octets(macT), aad };
}

/** Options of {@link decryptContent}. */
export interface DecryptContentOptions {
	/** The ContentInfo: borrowed (left as it was), or owned (decrypted within, see {@link decryptContent}). */
	der: MaybeOwned;
	candidates: DecryptCandidate[];
	crypto: Crypto;
	/**
	 * Checks content decrypted under a key that came through RSA PKCS#1 v1.5. Implicit rejection
	 * makes a wrong or damaged encrypted key a random content key, and about 1 in 256 of those
	 * passes the CBC padding check: such content is garbage and must be refused here (the S/MIME
	 * layer passes a well-formed MIME entity check). When it returns false, the next matching
	 * RecipientInfo is tried. Without it, such content is accepted.
	 */
	plausible?: (content: Uint8Array) => boolean;
}

/**
 * Decrypts an EnvelopedData or AuthEnvelopedData ContentInfo with the first candidate key that
 * opens it, trying at most {@link MAX_TRIES_PER_KEY} RecipientInfos per key and
 * {@link MAX_TRIES_PER_MESSAGE} in all (those that need no legacy path first). Returns 'no-key' when no recipientInfo is addressed to a candidate, 'strict-custody'
 * when the only usable ones need RSA PKCS#1 v1.5 and no legacy key could be opened, and 'failed'
 * (always with DECRYPT_FAILED_COMMENT) for any decryption failure or damaged envelope.
 * Throws NotEnvelopedError only when `der` is not an EnvelopedData/AuthEnvelopedData at all.
 *
 * When `der` is owned ({@link own}: the caller has no further use for it), the content is
 * gathered and decrypted within its bytes and returned as a view of them: no copy of message
 * size is made. `der` then no longer holds the envelope. Borrowed `der` is left as it was.
 */
export async function decryptContent(o: DecryptContentOptions): Promise<DecryptResult> {
	let contentType: string;
	let inner: Tlv | undefined;
	try {
		const [ct, wrapper] = children(parseOne(borrow(o.der)));
		if (!ct) throw new BerError('The ContentInfo is empty.');
		contentType = oidOf(ct);
		inner = wrapper?.tag === 0xa0 ? children(wrapper)[0] : undefined;
	} catch (e) {
		if (looksEnveloped(borrow(o.der))) return FAILED;
		throw new NotEnvelopedError('This is not an encrypted CMS message.', { cause: e });
	}
	if (contentType !== OID_ENVELOPED_DATA && contentType !== OID_AUTH_ENVELOPED_DATA) {
		throw new NotEnvelopedError('This is not an encrypted CMS message.');
	}
	let env: ParsedEnvelope;
	let matched: ReturnType<typeof matchRecipients>;
	try {
		if (!inner) throw new BerError('The ContentInfo has no content.');
		env = parseEnvelope(inner, contentType === OID_AUTH_ENVELOPED_DATA, o.der);
		matched = matchRecipients(env.recipientInfos, o.candidates);
	} catch {
		return FAILED;
	}
	if (matched.matches.length === 0) return { status: 'no-key', comment: NO_KEY_COMMENT, recipients: matched.labels };
	let alg;
	let params: Tlv | undefined;
	try {
		const a = splitAlgId(env.algorithm);
		alg = contentAlgorithm(a.oid);
		params = a.params;
	} catch {
		return FAILED;
	}
	if (!alg || alg.aead !== env.auth) return { status: 'failed', comment: UNSUPPORTED_CIPHER_COMMENT };
	const ciphertext = env.ciphertext;
	if (!ciphertext) return FAILED;
	let strict = false;
	let tried = false;
	const tries = boundedTries(matched.matches);
	for (const [n, m] of tries.entries()) {
		const r = await unwrapCek(o.crypto, m, alg.keyLength);
		if (r.status === 'strict-custody') {
			strict = true;
			continue;
		}
		tried = true;
		if (r.status === 'failed') continue;
		// A legacy key may be a random one whose content passes the padding check: decrypted in place,
		// that garbage would overwrite the ciphertext the next RecipientInfo needs. So only the last
		// try is handed the owned ciphertext; the others borrow it.
		const handOver = !m.legacy || n === tries.length - 1;
		const content = await decryptWithCek(o.crypto, r.cek, {
			alg,
			params,
			ciphertext: handOver ? ciphertext : borrow(ciphertext),
			...(env.mac ? { mac: env.mac } : {}),
			...(env.aad ? { aad: env.aad } : {})
		});
		r.cek.fill(0);
		if (content && m.legacy && o.plausible && !o.plausible(content)) continue;
		if (content) {
			return {
				status: 'decrypted',
				content,
				contentEncryption: alg.name,
				keyTransport: r.keyTransport,
				recipient: m.candidate.certificate,
				authenticated: alg.aead
			};
		}
	}
	if (strict && !tried) return { status: 'strict-custody', comment: STRICT_CUSTODY_COMMENT };
	return FAILED;
}

/** The matches to try, in order: at most MAX_TRIES_PER_KEY for each key and MAX_TRIES_PER_MESSAGE in all. */
function boundedTries(matches: RecipientMatch[]): RecipientMatch[] {
	const perKey = new Map<DecryptCandidate, number>();
	const out: RecipientMatch[] = [];
	for (const m of matches) {
		if (out.length >= MAX_TRIES_PER_MESSAGE) break;
		const used = perKey.get(m.candidate) ?? 0;
		if (used >= MAX_TRIES_PER_KEY) continue;
		perKey.set(m.candidate, used + 1);
		out.push(m);
	}
	return out;
}
