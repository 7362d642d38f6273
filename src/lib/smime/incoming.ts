/**
 * Reading an incoming message: unwrap its S/MIME layers (detached and opaque signatures,
 * EnvelopedData and AuthEnvelopedData, in any order), verify and decrypt each, and decide
 * what may be shown.
 *
 * EFAIL rules: only layers reached through S/MIME wrapping are unwrapped, so an encrypted
 * part inside a cleartext container is never decrypted or merged into the view; content is
 * released only after the GCM tag (checked by the CMS layer) and, for decrypted content, an
 * inner signature has been checked.
 */
import { borrow, isOwned, own, partOf, type MaybeOwned, type OwnedBytes } from '../base/memory';
import { decryptContent } from '../cms/enveloped';
import { children, derOid, oidOf, parseOne } from '../cms/enveloped-asn1';
import { decodeBase64, decodeBase64InPlace } from '../mime/base64-decode';
import { OID_AUTH_ENVELOPED_DATA, OID_ENVELOPED_DATA, OID_SIGNED_DATA } from '../base/oids';
import { decodeBody, parseEntity, parts } from '../mime/entity';
import { classifySmime, splitSigned } from '../mime/smime';
import { isWellFormedEntity } from '../mime/well-formed';
import { hasTooManyParts } from '../mime/part-count';
import { readHeaders } from '../mime/display';
import { MimeError } from '../mime/errors';
import type { MimeEntity } from '../mime/entity';
import { NESTED_ENCRYPTED_PART, TOO_DEEP, TOO_LARGE, TOO_MANY_PARTS, VERIFY_ERROR, WITHHELD_INVALID } from './comments';
import { readSignatureLayer, type SignatureLayer, type SignaturePolicy } from './incoming-sign';
import type { IncomingResult, ReadIncomingOptions, SecurityResult, SignerCertificate, TrustedSigner } from './incoming-types';
import { NOT_ENCRYPTED, encryptionResult, layerSummaries, signResult, untrustedSigner, type FoundLayer } from './incoming-verdict';
import { describeSignerCertificate } from './signer-certificate';
import { ATTACHED_ENCRYPTED, MAX_ATTACHED_DEPTH, MAX_NESTED_PARTS, PARTLY_SIGNED, readNested, type NestedContext } from './incoming-nested';

/** Levels (S/MIME layers and MIME containers) read at most; deeper messages are refused. */
export const MAX_LEVELS = 10;
/** The default size limit of a raw message: 50 MB. */
export const DEFAULT_MAX_SIZE = 50 * 1024 * 1024;

const BROKEN: SignatureLayer = { verdicts: [{ status: 'invalid', comment: VERIFY_ERROR, emails: [] }], content: null };

/**
 * Unwraps, verifies and decrypts one raw message. Never throws for hostile input: every
 * problem is a status with a comment.
 * @throws only for programming errors (for example unknown options passed on to cms/pki)
 */
export async function readIncoming(o: ReadIncomingOptions): Promise<IncomingResult> {
	const headers = readHeaders(borrow(o.raw));
	const from = headers.from?.address;
	const fromField = from ? { from } : {};
	if (o.raw.length > (o.maxSize ?? DEFAULT_MAX_SIZE)) {
		return {
			security: { sign: { status: 'none', comment: TOO_LARGE }, encryption: { status: 'none', comment: TOO_LARGE }, layers: [] },
			content: null,
			trustedSigners: [],
			nested: [],
			...fromField
		};
	}
	const policy = signaturePolicy(o, headers.date);
	const walk = await unwrap(o, policy);
	const layers = walk.layers;
	let content = walk.content;
	const security: SecurityResult = {
		sign: signResult(layers, from),
		encryption: encryptionResult(layers, o.legacyUnavailable) ?? { status: 'none' as const, comment: NOT_ENCRYPTED },
		layers: layerSummaries(layers)
	};
	if (walk.tooDeep) {
		const signed = layers.some((l) => l.kind === 'signed');
		const encrypted = layers.some((l) => l.kind === 'encrypted');
		security.sign = { status: signed ? 'invalid' : 'none', comment: TOO_DEEP };
		security.encryption = { status: encrypted ? 'failed' : 'none', comment: TOO_DEEP };
		content = null;
	} else if (content && withheld(layers)) {
		content = null;
		security.encryption = { ...security.encryption, comment: `${security.encryption.comment} ${WITHHELD_INVALID}` };
	} else if (content && hasTooManyParts(content)) {
		content = null;
		security.sign = noteParts(security.sign);
		security.encryption = noteParts(security.encryption);
	} else if (content) {
		const scan = scanCleartext(content, walk.levels);
		if (scan.tooDeep) {
			security.sign = noteDeep(security.sign, scan.reason);
			security.encryption = noteDeep(security.encryption, scan.reason);
		} else if (scan.encryptedPart && security.encryption.status === 'none') {
			security.encryption = { status: 'none', comment: NESTED_ENCRYPTED_PART };
		}
	}
	const trustedSigners: TrustedSigner[] = layers.flatMap((l) =>
		l.kind === 'signed' ? l.layer.verdicts.flatMap((v) => (v.trusted ? [v.trusted] : [])) : []
	);
	const untrusted = security.sign.status === 'untrusted' ? await untrustedCertificate(layers, from, o.crypto) : null;
	if (untrusted) security.sign = { ...security.sign, certificate: untrusted.summary };
	const nested = content ? await readNested(content, nestedContext(o, from, policy)) : { nested: [], truncated: false };
	const signedParts = nested.nested.flatMap((n) => (n.kind === 'signed-part' ? [{ path: n.path, sign: n.security.sign }] : []));
	// A message of which only a part is signed is not a signed message (issue 15): its own status stays 'none'.
	if (signedParts.length > 0 && !layers.some((l) => l.kind === 'signed')) {
		security.sign = { status: 'none', comment: PARTLY_SIGNED };
		security.parts = signedParts;
	}
	return {
		security,
		content,
		trustedSigners,
		...fromField,
		// A copy: the DER may be a view of the whole message, which a stored view would clone entire.
		...(untrusted ? { signerCertificate: untrusted.der.slice() } : {}),
		nested: nested.nested,
		...(nested.truncated ? { nestedTruncated: true } : {})
	};
}

/** How nested parts of this message are read: attached messages with no private key, to a bounded depth and number. */
function nestedContext(o: ReadIncomingOptions, from: string | undefined, policy: SignaturePolicy): NestedContext {
	const depth = o.depth ?? 0;
	const budget = o.nestedBudget ?? { left: MAX_NESTED_PARTS };
	return {
		certificates: o.certificates,
		...learnedOf(o),
		from,
		// Signed parts are judged as the message's own signatures are: the SHA-1 setting, and this message's Date.
		policy,
		now: o.now,
		crypto: o.crypto,
		budget,
		readMessage: async (raw) => {
			if (depth + 1 > MAX_ATTACHED_DEPTH) return null;
			// An attached message is checked against its own Date header, with the same SHA-1 setting.
			const inner = await readIncoming({ raw, certificates: o.certificates, ...learnedOf(o), candidates: [], ...(o.acceptSha1 === true ? { acceptSha1: true } : {}), now: o.now, crypto: o.crypto, depth: depth + 1, nestedBudget: budget });
			// EFAIL: an attached encrypted message is never decrypted, whatever keys are stored.
			const encrypted = inner.security.layers.some((l) => l.kind === 'encrypted');
			const security = encrypted ? { ...inner.security, encryption: { status: 'failed' as const, comment: ATTACHED_ENCRYPTED } } : inner.security;
			return { security, content: encrypted ? null : inner.content, nested: inner.nested };
		}
	};
}

/** The certificate of the untrusted signer the sign result names, described for the agent; null when there is none. */
async function untrustedCertificate(layers: FoundLayer[], from: string | undefined, crypto: Crypto): Promise<{ der: Uint8Array; summary: SignerCertificate } | null> {
	const verdicts = layers.flatMap((l) => (l.kind === 'signed' ? l.layer.verdicts : []));
	const signer = untrustedSigner(verdicts, from);
	if (!signer) return null;
	const summary = await describeSignerCertificate(signer.certificate, crypto);
	return summary ? { der: signer.certificate, summary } : null;
}

/** The learned certificates option, passed on only when there are any. */
function learnedOf(o: ReadIncomingOptions): { learned?: Uint8Array[] } {
	return o.learned && o.learned.length > 0 ? { learned: o.learned } : {};
}

/** Adds the too-deep sentence: it replaces the comment of a 'none' status, and follows any other. */
function noteDeep<T extends { status: string; comment: string }>(r: T, sentence = TOO_DEEP): T {
	return note(r, sentence);
}

/** Adds the too-many-parts sentence, as {@link noteDeep} does. */
function noteParts<T extends { status: string; comment: string }>(r: T): T {
	return note(r, TOO_MANY_PARTS);
}

function note<T extends { status: string; comment: string }>(r: T, sentence: string): T {
	return { ...r, comment: r.status === 'none' ? sentence : `${r.comment} ${sentence}` };
}

interface Walk {
	layers: FoundLayer[];
	content: Uint8Array | null;
	tooDeep: boolean;
	/** Levels used by the S/MIME layers. */
	levels: number;
}

/** What every signature layer of the message is judged by, beyond the cryptography: the SHA-1 setting and the top-level Date header. */
function signaturePolicy(o: ReadIncomingOptions, messageDate: Date | undefined): SignaturePolicy {
	return { acceptSha1: o.acceptSha1 === true, ...(messageDate ? { messageDate } : {}) };
}

async function unwrap(o: ReadIncomingOptions, policy: SignaturePolicy): Promise<Walk> {
	const layers: FoundLayer[] = [];
	// Owned when the caller handed the message over: then bodies are decoded and decrypted within it.
	let current: MaybeOwned = o.raw;
	for (let level = 0; ; level++) {
		if (level >= MAX_LEVELS) return { layers, content: null, tooDeep: true, levels: level };
		const entity = parseEntity(borrow(current));
		const kind = classifySmime(entity);
		if (kind.kind === 'broken-signed') {
			layers.push({ kind: 'signed', form: 'detached', layer: BROKEN });
			return { layers, content: borrow(current), tooDeep: false, levels: level };
		}
		if (kind.kind === 'multipart-signed') {
			let split;
			try {
				split = splitSigned(entity);
			} catch {
				layers.push({ kind: 'signed', form: 'detached', layer: BROKEN });
				return { layers, content: borrow(current), tooDeep: false, levels: level };
			}
			const layer = await readSignatureLayer({ der: split.signature, detachedContent: split.signedBytes, certificates: o.certificates, ...learnedOf(o), policy, now: o.now, crypto: o.crypto });
			layers.push({ kind: 'signed', form: 'detached', layer });
			current = partOf(current, split.content.raw);
			continue;
		}
		// A certs-only SignedData (a certificate bundle) signs nothing: it is shown as an attachment.
		if (kind.kind !== 'pkcs7-mime' || kind.smimeType === 'certs-only') return { layers, content: borrow(current), tooDeep: false, levels: level };
		// A body decoded into a new buffer is ours to overwrite even when the message is borrowed.
		const der: MaybeOwned = isOwned(current) ? decodeOwnedBody(entity, current) : freshOwned(decodeBody(entity), current);
		const type = cmsContentType(borrow(der));
		const enveloped = type === OID_ENVELOPED_DATA || type === OID_AUTH_ENVELOPED_DATA || (type === null && /enveloped/.test(kind.smimeType ?? ''));
		if (enveloped) {
			let result;
			try {
				// Owned (a decoded body, or any part of an owned message): the content is decrypted within it.
				result = await decryptContent({
					der,
					candidates: o.candidates,
					crypto: o.crypto,
					// RFC 8551: the content is a MIME entity; legacy-path garbage never is.
					plausible: isWellFormedEntity
				});
			} catch {
				result = null;
			}
			layers.push({ kind: 'encrypted', result });
			if (result?.status !== 'decrypted') return { layers, content: null, tooDeep: false, levels: level };
			// In an owned message's memory or in new memory: owned as the message was.
			current = isOwned(current) ? own(result.content) : result.content;
			continue;
		}
		if (type !== OID_SIGNED_DATA && type !== null) return { layers, content: borrow(current), tooDeep: false, levels: level };
		const layer = await readSignatureLayer({ der: borrow(der), certificates: o.certificates, ...learnedOf(o), policy, now: o.now, crypto: o.crypto });
		layers.push({ kind: 'signed', form: 'opaque', layer });
		if (!layer.content) return { layers, content: null, tooDeep: false, levels: level };
		current = isOwned(current) ? own(layer.content) : layer.content;
	}
}

/** Content types whose base64 body may be decoded over itself: after them, the undecoded body is never read again. */
const IN_PLACE_TYPES = [OID_ENVELOPED_DATA, OID_AUTH_ENVELOPED_DATA, OID_SIGNED_DATA].map(derOid);

/**
 * decodeBody for an entity of owned bytes: a base64 body is decoded over itself when its first
 * bytes show an EnvelopedData, AuthEnvelopedData or SignedData ContentInfo. Then
 * {@link cmsContentType} of the whole can only be that type or null, and neither path reads the
 * encoded body again (any other type shows the entity itself, so its body is decoded into a new
 * buffer). Either way the result is owned: a part of `owner`, or new memory.
 */
function decodeOwnedBody(entity: MimeEntity, owner: OwnedBytes): OwnedBytes {
	const body = owner.part(entity.body);
	if ((entity.header('content-transfer-encoding') ?? '').trim().toLowerCase() !== 'base64') return own(decodeBody(entity));
	const head = decodeBase64(body.bytes.subarray(0, 64));
	if (head[0] !== 0x30 || head.length < 2) return own(decodeBody(entity));
	const first = head[1] ?? 0;
	const at = first <= 0x80 ? 2 : 2 + (first & 0x7f);
	const known = IN_PLACE_TYPES.some((oid) => oid.every((x, j) => head[at + j] === x));
	return own(known ? decodeBase64InPlace(body.bytes) : decodeBody(entity));
}

/** A decoded body of `of`: owned when it is new memory (decoded), borrowed when it is a view of `of` (no transfer encoding). */
function freshOwned(decoded: Uint8Array, of: Uint8Array): MaybeOwned {
	return decoded.buffer === of.buffer ? decoded : own(decoded);
}

/** The contentType OID of a CMS ContentInfo, or null when it cannot be read. */
function cmsContentType(der: Uint8Array): string | null {
	try {
		const first = children(parseOne(der))[0];
		return first ? oidOf(first) : null;
	} catch {
		return null;
	}
}

/** Decrypted content whose inner signature is invalid is never shown (a modified ciphertext). */
function withheld(layers: FoundLayer[]): boolean {
	const firstEncrypted = layers.findIndex((l) => l.kind === 'encrypted');
	if (firstEncrypted === -1) return false;
	return layers.slice(firstEncrypted + 1).some((l) => l.kind === 'signed' && l.layer.verdicts.some((v) => v.status === 'invalid'));
}

/** Looks through the cleartext tree for encrypted parts (never opened) and for excessive nesting. */
function scanCleartext(raw: Uint8Array, levels: number): { encryptedPart: boolean; tooDeep: boolean; reason: string } {
	const out = { encryptedPart: false, tooDeep: false, reason: TOO_DEEP };
	let visited = 0;
	const visit = (entity: MimeEntity, level: number): void => {
		if (out.tooDeep || ++visited > 10_000) return;
		if (level >= MAX_LEVELS) {
			out.tooDeep = true;
			return;
		}
		const kind = classifySmime(entity);
		if (kind.kind === 'pkcs7-mime' && kind.smimeType !== 'signed-data' && kind.smimeType !== 'certs-only') {
			const type = cmsContentType(decodeBody(entity));
			if (type !== OID_SIGNED_DATA) out.encryptedPart = true;
		}
		let children: MimeEntity[];
		try {
			children = parts(entity);
		} catch (error) {
			out.tooDeep = true;
			// Too deep, or too costly to split (entity.ts): the MIME layer's own sentence says which.
			if (error instanceof MimeError) out.reason = error.message;
			return;
		}
		for (const child of children) visit(child, level + 1);
	};
	visit(parseEntity(raw), levels);
	return out;
}
