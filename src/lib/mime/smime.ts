/** S/MIME structure: classify an entity and split multipart/signed byte-exactly. */
import { canonicalize } from './bytes';
import { decodeBody, parts, splitMultipart } from './entity';
import type { MimeEntity } from './entity';
import { MimeError } from './errors';

/** What kind of S/MIME structure an entity is. */
export type SmimeKind =
	| { kind: 'multipart-signed'; protocol: string; micalg?: string }
	| { kind: 'pkcs7-mime'; smimeType?: string; name?: string }
	/** A `protocol` parameter says signed, but it is not a two-part multipart/signed. */
	| { kind: 'broken-signed'; reason: string }
	| { kind: 'none' };

const SIG_PROTOCOLS = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

/** Classifies an entity's S/MIME structure from its headers (and, for multipart/signed, its parts). Never throws. */
export function classifySmime(entity: MimeEntity): SmimeKind {
	const { type, subtype, params } = entity.contentType;
	const full = `${type}/${subtype}`;
	const protocol = (params.protocol ?? '').toLowerCase();
	if (full === 'application/pkcs7-mime' || full === 'application/x-pkcs7-mime') {
		return withOpt({ kind: 'pkcs7-mime' }, params['smime-type']?.toLowerCase(), params.name);
	}
	if (full === 'application/octet-stream') {
		const disp = /filename\*?=\s*"?([^";]+)/i.exec(entity.header('content-disposition') ?? '');
		const name = params.name ?? disp?.[1];
		if (name && /\.p7m$/i.test(name.trim())) return withOpt({ kind: 'pkcs7-mime' }, params['smime-type']?.toLowerCase(), name.trim());
	}
	if (full === 'multipart/signed') {
		if (!SIG_PROTOCOLS.has(protocol)) return { kind: 'none' };
		const b = params.boundary;
		// Three are enough to know it is not two: a hostile multipart/signed may have a million.
		const count = b ? splitMultipart(entity.body, b, 3).parts.length : 0;
		if (count !== 2) return { kind: 'broken-signed', reason: `multipart/signed has ${count > 2 ? 'more than 2' : String(count)} parts, expected 2.` };
		const micalg = params.micalg?.toLowerCase();
		return micalg ? { kind: 'multipart-signed', protocol, micalg } : { kind: 'multipart-signed', protocol };
	}
	if (SIG_PROTOCOLS.has(protocol)) return { kind: 'broken-signed', reason: `${full} carries a signature protocol but is not multipart/signed.` };
	return { kind: 'none' };
}

function withOpt(base: { kind: 'pkcs7-mime' }, smimeType: string | undefined, name: string | undefined): SmimeKind {
	const r: { kind: 'pkcs7-mime'; smimeType?: string; name?: string } = { ...base };
	if (smimeType) r.smimeType = smimeType;
	if (name) r.name = name;
	return r;
}

/** The two halves of a multipart/signed entity. */
export interface SignedSplit {
	/** Exact bytes of the first part, canonicalised to CRLF. */
	signedBytes: Uint8Array;
	/** The first part itself (exact bytes, not canonicalised). */
	content: MimeEntity;
	/** Decoded DER of the signature part. */
	signature: Uint8Array;
	micalg?: string;
	protocol: string;
}

/**
 * Splits a multipart/signed entity into the exact signed bytes and the signature DER.
 * Throws MimeError when it is not a well-formed multipart/signed with a pkcs7 signature.
 */
export function splitSigned(entity: MimeEntity): SignedSplit {
	const kind = classifySmime(entity);
	if (kind.kind !== 'multipart-signed') throw new MimeError('The message is not a well-formed multipart/signed message.');
	const [content, sig] = parts(entity, 2);
	if (!content || !sig) throw new MimeError('The message is not a well-formed multipart/signed message.');
	const sct = `${sig.contentType.type}/${sig.contentType.subtype}`;
	if (!SIG_PROTOCOLS.has(sct) && sct !== 'application/octet-stream') throw new MimeError('The signature part has an unexpected type.');
	const signature = decodeBody(sig);
	if (signature.length === 0) throw new MimeError('The signature part is empty.');
	const out: SignedSplit = { signedBytes: canonicalize(content.raw), content, signature, protocol: kind.protocol };
	if (kind.micalg) out.micalg = kind.micalg;
	return out;
}
