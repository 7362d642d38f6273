/**
 * Parts of a message that carry their own verdict, read apart from it (issue 15, points 5
 * and 6): a signed entity inside an unsigned container (a mailing list's footer wrapped
 * around a signed mail), and an attached `message/rfc822`.
 *
 * Nothing here is merged into the message's own verdict. EFAIL rules stand: an encrypted
 * part is never decrypted here, and an attached message is read without any private key.
 * The work is bounded: at most {@link MAX_NESTED_PARTS} parts per message, and attached
 * messages only {@link MAX_ATTACHED_DEPTH} deep.
 */
import { decodeBody, parseEntity, parts, type MimeEntity } from '../mime/entity';
import { classifySmime, splitSigned } from '../mime/smime';
import { children, oidOf, parseOne } from '../cms/enveloped-asn1';
import { OID_SIGNED_DATA } from '../base/oids';
import { VERIFY_ERROR } from './comments';
import { readSignatureLayer, type SignatureLayer, type SignaturePolicy } from './incoming-sign';
import type { NestedResult, SecurityResult } from './incoming-types';
import { layerSummaries, NOT_ENCRYPTED, signResult, type FoundLayer } from './incoming-verdict';

/** Signed parts and attached messages read per message, at most; further ones stay attachments. */
export const MAX_NESTED_PARTS = 8;
/** Attached messages inside attached messages are read this many levels deep; deeper ones stay attachments. */
export const MAX_ATTACHED_DEPTH = 3;
/** MIME levels walked looking for nested parts. */
const MAX_WALK_DEPTH = 10;
/** MIME entities visited looking for nested parts. */
const MAX_WALK_ENTITIES = 10_000;

/** The message-level comment of a message of which only a part is signed. */
export const PARTLY_SIGNED = 'Only part of this message is signed; the rest is not. See the signed part.';
/** The encryption comment of an attached message that is encrypted: it is never decrypted. */
export const ATTACHED_ENCRYPTED = 'The attached message is encrypted. It was not decrypted: only a message received on its own is.';

/** A nested part as found in the tree, before it is read. */
interface Found {
	kind: 'signed-part' | 'message';
	path: string;
	entity: MimeEntity;
}

/**
 * Finds the signed parts and attached messages below the top entity of `content`, without
 * descending into them. Never throws.
 * @returns the parts in document order, at most {@link MAX_NESTED_PARTS}, and whether more were left out
 */
export function findNested(content: Uint8Array): { found: Found[]; truncated: boolean } {
	const found: Found[] = [];
	let truncated = false;
	let visited = 0;
	const visit = (entity: MimeEntity, path: string, level: number): void => {
		if (truncated || ++visited > MAX_WALK_ENTITIES || level > MAX_WALK_DEPTH) return;
		let kids: MimeEntity[];
		try {
			kids = parts(entity);
		} catch {
			return;
		}
		kids.forEach((child, i) => {
			const childPath = path === '' ? String(i + 1) : `${path}.${String(i + 1)}`;
			const kind = nestedKind(child);
			if (kind) {
				if (found.length >= MAX_NESTED_PARTS) truncated = true;
				else found.push({ kind, path: childPath, entity: child });
				return;
			}
			visit(child, childPath, level + 1);
		});
	};
	const top = parseEntity(content);
	// A top entity that is itself S/MIME was read as the message's own layers.
	if (classifySmime(top).kind === 'none') visit(top, '', 0);
	return { found, truncated };
}

function nestedKind(entity: MimeEntity): Found['kind'] | null {
	const { type, subtype } = entity.contentType;
	if (type === 'message' && subtype === 'rfc822') return 'message';
	const smime = classifySmime(entity);
	if (smime.kind === 'multipart-signed' || smime.kind === 'broken-signed') return 'signed-part';
	if (smime.kind === 'pkcs7-mime' && smime.smimeType !== 'certs-only') {
		if (smime.smimeType === 'signed-data') return 'signed-part';
		// An encrypted part is left alone (EFAIL): only a SignedData without smime-type counts.
		if (smime.smimeType === undefined && cmsType(decodeBody(entity)) === OID_SIGNED_DATA) return 'signed-part';
	}
	return null;
}

function cmsType(der: Uint8Array): string | null {
	try {
		const first = children(parseOne(der))[0];
		return first ? oidOf(first) : null;
	} catch {
		return null;
	}
}

/** What reading a signed part needs. */
export interface NestedContext {
	/** Imported certificates (anchors). */
	certificates: Uint8Array[];
	learned?: Uint8Array[];
	/** The lower-cased From address of the message the part is in: the signer is checked against it. */
	from: string | undefined;
	/** The SHA-1 setting and the Date of the message the part is in (issue 15); SHA-1 is refused without it. */
	policy?: SignaturePolicy;
	now: Date;
	crypto: Crypto;
	/** Reads an attached message (the caller's readIncoming, with no private keys), or null when it is too deep. */
	readMessage: (raw: Uint8Array) => Promise<{ security: SecurityResult; content: Uint8Array | null; nested: NestedResult[] } | null>;
	/** Parts still to be read for the whole message, attached messages included; shared down the recursion. */
	budget: { left: number };
}

const BROKEN: SignatureLayer = { verdicts: [{ status: 'invalid', comment: VERIFY_ERROR, emails: [] }], content: null };

/** Reads one signed part: its signature over its own content, checked against the message's From. */
async function readSignedPart(entity: MimeEntity, c: NestedContext): Promise<{ security: SecurityResult; content: Uint8Array | null }> {
	const base = { certificates: c.certificates, ...(c.learned && c.learned.length > 0 ? { learned: c.learned } : {}), ...(c.policy ? { policy: c.policy } : {}), now: c.now, crypto: c.crypto };
	let found: FoundLayer;
	let content: Uint8Array | null;
	const kind = classifySmime(entity);
	if (kind.kind === 'pkcs7-mime') {
		const layer = await readSignatureLayer({ der: decodeBody(entity), ...base });
		found = { kind: 'signed', form: 'opaque', layer };
		content = layer.content;
	} else {
		let split;
		try {
			split = kind.kind === 'multipart-signed' ? splitSigned(entity) : null;
		} catch {
			split = null;
		}
		if (split) {
			const layer = await readSignatureLayer({ der: split.signature, detachedContent: split.signedBytes, ...base });
			found = { kind: 'signed', form: 'detached', layer };
			content = split.content.raw;
		} else {
			found = { kind: 'signed', form: 'detached', layer: BROKEN };
			content = null;
		}
	}
	const layers = [found];
	return { security: { sign: signResult(layers, c.from), encryption: { status: 'none', comment: NOT_ENCRYPTED }, layers: layerSummaries(layers) }, content };
}

/**
 * Reads the signed parts and attached messages of `content` (the message's readable content).
 * Never throws for hostile input.
 */
export async function readNested(content: Uint8Array, c: NestedContext): Promise<{ nested: NestedResult[]; truncated: boolean }> {
	const { found, truncated: cut } = findNested(content);
	let truncated = cut;
	const nested: NestedResult[] = [];
	for (const f of found) {
		if (c.budget.left <= 0) {
			truncated = true;
			break;
		}
		c.budget.left--;
		const start = f.entity.raw.byteOffset - content.byteOffset;
		if (f.kind === 'signed-part') {
			const part = await readSignedPart(f.entity, c);
			nested.push({ kind: 'signed-part', path: f.path, ...part, start, end: start + f.entity.raw.length });
			continue;
		}
		const raw = decodeBody(f.entity);
		const inner = await c.readMessage(raw);
		if (!inner) continue;
		nested.push({ kind: 'message', path: f.path, raw, security: inner.security, content: inner.content, nested: inner.nested.map((n) => prefixed(n, f.path)) });
	}
	return { nested, truncated };
}

/** A part of an attached message, its path (and its own parts' paths) put under the attached message's. */
function prefixed(n: NestedResult, prefix: string): NestedResult {
	const path = `${prefix}/${n.path}`;
	return n.kind === 'message' ? { ...n, path, nested: n.nested.map((m) => prefixed(m, prefix)) } : { ...n, path };
}
