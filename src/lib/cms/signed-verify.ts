/**
 * Verifying CMS SignedData (RFC 5652 §5.6), per signer. WebCrypto does the signature
 * checks; pkijs only parses the structures.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes, toHex } from '../base/bytes';
import { parseSmimeCapabilities } from './attributes';
import type { SmimeCapability } from './attributes';
import { lookupDigest, resolveVerifier, verifyWith } from './algorithms';
import type { SignatureVerifier } from './algorithms';
import {
	OID_ATTR_CONTENT_TYPE,
	OID_ATTR_MESSAGE_DIGEST,
	OID_ATTR_SIGNING_TIME,
	OID_ATTR_SMIME_CAPABILITIES,
	OID_EXT_SUBJECT_KEY_IDENTIFIER,
	OID_SIGNED_DATA
} from '../base/oids';
import { SignedDataFormatError } from './signed-types';
import type { SignedDataResult, SignerIdentifier, SignerResult } from './signed-types';
import { Certificate } from '../pki/certificate';

/** At most this many SignerInfos are checked; the rest are reported unsupported. */
const MAX_SIGNERS = 16;

/**
 * The reason every signer of a detached signature gets when its SignedData carries eContent:
 * RFC 8551 §3.5.3 forbids it, and the signature covers that embedded copy, not the content shown
 * (a reused opaque signature, issue 15). It is never verified, whatever the embedded bytes are.
 */
const EMBEDDED_CONTENT_REASON = 'It does not cover the content shown, because it carries content of its own (RFC 8551 §3.5.3).';
/** The reason every signer gets when there is no content at all (an opaque signed-data without eContent). */
const CONTENT_MISSING_REASON = 'The signed content is missing.';

/** Options of {@link verifySignedData}. */
export interface VerifySignedDataOptions {
	/** DER (or BER) ContentInfo holding a SignedData. */
	der: Uint8Array;
	/**
	 * The signed bytes of a detached signature (already canonicalised by the MIME layer). When
	 * given, the signature must cover exactly these bytes: a SignedData that carries eContent
	 * is then invalid for every signer, and its eContent is never verified or returned.
	 */
	detachedContent?: Uint8Array;
	/** Certificates from the store, used to find signers the message does not bundle. */
	knownCertificates?: Uint8Array[];
	crypto: Crypto;
}

interface ParsedCert {
	der: Uint8Array;
	cert: pkijs.Certificate;
}

/**
 * Verifies every SignerInfo of a SignedData: the message digest against the content and
 * the signature against the signer's certificate. A signer is identified only by the
 * certificate whose key really verifies its signature.
 *
 * Returns a result per signer; "invalid" is a result. Does not evaluate trust.
 * @throws {SignedDataFormatError} when `der` is not a SignedData ContentInfo.
 */
export async function verifySignedData(o: VerifySignedDataOptions): Promise<SignedDataResult> {
	const allowed = new Set(['der', 'detachedContent', 'knownCertificates', 'crypto']);
	for (const k of Object.keys(o)) if (!allowed.has(k)) throw new TypeError(`Unknown option ${k}.`);
	const sd = parseSignedData(o.der);
	const bundled: ParsedCert[] = [];
	for (const c of sd.certificates ?? []) {
		if (c instanceof pkijs.Certificate) bundled.push({ der: new Uint8Array(c.toSchema().toBER()), cert: c });
	}
	const known: ParsedCert[] = [];
	for (const der of o.knownCertificates ?? []) {
		// A store certificate we cannot parse cannot be a signer; skip it.
		const cert = Certificate.tryParse(der)?.pkijs;
		if (cert) known.push({ der, cert });
	}
	const candidates = dedupe([...bundled, ...known]);
	const encap = sd.encapContentInfo;
	const eContent = encap.eContent ? octetStringBytes(encap.eContent) : null;
	// Detached: the given bytes and nothing else. Opaque: the eContent, and never empty content in its place.
	const detached = o.detachedContent !== undefined;
	const content = detached ? (eContent === null ? (o.detachedContent ?? null) : null) : eContent;
	const refusal = detached && eContent !== null ? EMBEDDED_CONTENT_REASON : content === null ? CONTENT_MISSING_REASON : null;
	const signers: SignerResult[] = [];
	for (const [index, si] of sd.signerInfos.entries()) {
		const sid = signerIdentifier(si);
		if (index >= MAX_SIGNERS) {
			signers.push({ index, sid, status: 'unsupported', reason: 'Too many signers.' });
			continue;
		}
		if (refusal !== null || content === null) {
			signers.push({ index, sid, status: 'invalid', reason: refusal ?? CONTENT_MISSING_REASON });
			continue;
		}
		signers.push(await verifySigner(si, index, sid, content, encap.eContentType, candidates, o.crypto));
	}
	return {
		content,
		contentType: encap.eContentType,
		certificates: bundled.map((b) => b.der),
		signers
	};
}

function parseSignedData(der: Uint8Array): pkijs.SignedData {
	let asn: ReturnType<typeof asn1js.fromBER>;
	try {
		// asn1js throws (rather than reporting offset -1) on some malformed values, e.g. a bad GeneralizedTime.
		// No copy: the parsed values (the content above all) are views of `der`, which nothing changes.
		asn = asn1js.fromBER(der, { copyInput: false });
	} catch (cause) {
		throw new SignedDataFormatError('The signature is not valid DER or BER.', { cause });
	}
	if (asn.offset === -1) throw new SignedDataFormatError('The signature is not valid DER or BER.');
	let ci: pkijs.ContentInfo;
	try {
		ci = new pkijs.ContentInfo({ schema: asn.result });
	} catch (cause) {
		throw new SignedDataFormatError('The signature is not a CMS ContentInfo.', { cause });
	}
	if (ci.contentType !== OID_SIGNED_DATA)
		throw new SignedDataFormatError(`The CMS content is ${ci.contentType}, not SignedData.`);
	try {
		return new pkijs.SignedData({ schema: ci.content as asn1js.AsnType });
	} catch (cause) {
		throw new SignedDataFormatError('The SignedData is malformed.', { cause });
	}
}

async function verifySigner(
	si: pkijs.SignerInfo,
	index: number,
	sid: SignerIdentifier,
	content: Uint8Array,
	eContentType: string,
	candidates: ParsedCert[],
	crypto: Crypto
): Promise<SignerResult> {
	const digest = lookupDigest(si.digestAlgorithm.algorithmId);
	if (!digest.ok)
		return digest.refused
			? { index, sid, status: 'invalid', reason: digest.reason }
			: { index, sid, status: 'unsupported', reason: digest.reason };
	const matching = candidates.filter((c) => matchesSid(c.cert, si.sid));
	if (matching.length === 0)
		return { index, sid, status: 'no-certificate', reason: 'The certificate for verification could not be found.' };

	let toVerify: Uint8Array = content;
	let signingTime: Date | undefined;
	let capabilities: SmimeCapability[] = [];
	if (si.signedAttrs) {
		const attrs = readSignedAttributes(si.signedAttrs);
		if (typeof attrs === 'string') return { index, sid, status: 'invalid', reason: attrs };
		if (attrs.contentType !== eContentType)
			return { index, sid, status: 'invalid', reason: 'The contentType attribute does not match the content.' };
		// WebCrypto copies its input itself; a copy here would be one more of message size.
		const actual = new Uint8Array(await crypto.subtle.digest(digest.name, content as Uint8Array<ArrayBuffer>));
		if (!equalBytes(actual, attrs.messageDigest))
			return {
				index,
				sid,
				status: 'invalid',
				reason: 'The content was changed after it was signed.',
				certificate: matching[0]?.der,
				signingTime: attrs.signingTime
			};
		signingTime = attrs.signingTime;
		capabilities = attrs.capabilities;
		// The signature covers the attributes encoded as a SET OF (tag 0x31), not as [0].
		// A copy: with the input parsed in place, a view here could be a view of `der`.
		const encoded = new Uint8Array(si.signedAttrs.encodedValue).slice();
		encoded[0] = 0x31;
		toVerify = encoded;
	}
	const signature = si.signature.valueBlock.valueHexView;
	let lastProblem: SignerResult | null = null;
	for (const cand of matching) {
		const lookup = resolveVerifier(si.signatureAlgorithm, digest.name, cand.cert.subjectPublicKeyInfo);
		if (!lookup.ok) {
			lastProblem = lookup.refused
				? { index, sid, status: 'invalid', reason: lookup.reason, certificate: cand.der }
				: { index, sid, status: 'unsupported', reason: lookup.reason, certificate: cand.der };
			continue;
		}
		const spki = new Uint8Array(cand.cert.subjectPublicKeyInfo.toSchema().toBER());
		let ok: boolean;
		try {
			ok = await verifyWith(lookup.verifier, spki, toVerify, signature, crypto);
		} catch {
			lastProblem = {
				index,
				sid,
				status: 'unsupported',
				reason: `The signer's ${lookup.verifier.display} key cannot be used here.`,
				certificate: cand.der
			};
			continue;
		}
		if (ok) return valid(index, sid, cand.der, digest.name, lookup.verifier, signingTime, capabilities);
	}
	return (
		lastProblem ?? {
			index,
			sid,
			status: 'invalid',
			reason: 'The signature does not match the signer certificate.',
			certificate: matching[0]?.der,
			signingTime
		}
	);
}

function valid(
	index: number,
	sid: SignerIdentifier,
	certificate: Uint8Array,
	digestName: string,
	verifier: SignatureVerifier,
	signingTime: Date | undefined,
	capabilities: SmimeCapability[]
): SignerResult {
	const weak = digestName === 'SHA-1' || verifier.hash === 'SHA-1' ? 'SHA-1' : undefined;
	return {
		index,
		sid,
		status: 'valid',
		certificate,
		digestAlgorithm: digestName,
		signatureAlgorithm: verifier.display,
		capabilities,
		...(signingTime ? { signingTime } : {}),
		...(weak ? { weak } : {})
	};
}

interface SignedAttrs {
	contentType: string;
	messageDigest: Uint8Array;
	signingTime?: Date;
	capabilities: SmimeCapability[];
}

/** Reads the attributes RFC 5652 requires; returns the reason as a string when they are wrong. */
function readSignedAttributes(attrs: pkijs.SignedAndUnsignedAttributes): SignedAttrs | string {
	const one = (oid: string): asn1js.AsnType | null | 'many' => {
		const found = attrs.attributes.filter((a) => a.type === oid);
		if (found.length > 1) return 'many';
		const values: unknown[] = found[0]?.values ?? [];
		if (found.length === 1 && values.length !== 1) return 'many';
		const v = values[0];
		return v instanceof asn1js.BaseBlock ? v : null;
	};
	const ct = one(OID_ATTR_CONTENT_TYPE);
	const md = one(OID_ATTR_MESSAGE_DIGEST);
	if (!(ct instanceof asn1js.ObjectIdentifier)) return 'The contentType attribute is missing or malformed.';
	if (!(md instanceof asn1js.OctetString)) return 'The messageDigest attribute is missing or malformed.';
	const out: SignedAttrs = {
		contentType: ct.valueBlock.toString(),
		messageDigest: md.valueBlock.valueHexView.slice(),
		capabilities: []
	};
	const st = one(OID_ATTR_SIGNING_TIME);
	if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) out.signingTime = st.toDate();
	const caps = one(OID_ATTR_SMIME_CAPABILITIES);
	if (caps && caps !== 'many') out.capabilities = parseSmimeCapabilities(new Uint8Array(caps.toBER())) ?? [];
	return out;
}

function signerIdentifier(si: pkijs.SignerInfo): SignerIdentifier {
	const sid: unknown = si.sid;
	if (sid instanceof pkijs.IssuerAndSerialNumber)
		return {
			issuer: new Uint8Array(sid.issuer.toSchema().toBER()),
			serialNumber: toHex(sid.serialNumber.valueBlock.valueHexView)
		};
	if (sid instanceof asn1js.Primitive || sid instanceof asn1js.Constructed) return { subjectKeyIdentifier: skiBytes(sid) };
	return {};
}

function skiBytes(node: asn1js.Primitive | asn1js.Constructed): Uint8Array {
	if (node instanceof asn1js.Primitive) return node.valueBlock.valueHexView.slice();
	const inner = node.valueBlock.value[0];
	return inner instanceof asn1js.OctetString ? inner.valueBlock.valueHexView.slice() : new Uint8Array(0);
}

function matchesSid(cert: pkijs.Certificate, sid: unknown): boolean {
	if (sid instanceof pkijs.IssuerAndSerialNumber)
		return cert.issuer.isEqual(sid.issuer) && cert.serialNumber.isEqual(sid.serialNumber);
	if (sid instanceof asn1js.Primitive || sid instanceof asn1js.Constructed) {
		const want = skiBytes(sid);
		const ext = cert.extensions?.find((e) => e.extnID === OID_EXT_SUBJECT_KEY_IDENTIFIER);
		const have: unknown = ext?.parsedValue;
		return have instanceof asn1js.OctetString && want.length > 0 && equalBytes(have.valueBlock.valueHexView, want);
	}
	return false;
}

/** The bytes of an OCTET STRING (a view of the input when primitive), joining the pieces of a constructed (BER) one. */
function octetStringBytes(node: asn1js.OctetString): Uint8Array {
	if (!node.idBlock.isConstructed) return node.valueBlock.valueHexView;
	const parts: Uint8Array[] = [];
	for (const piece of node.valueBlock.value) {
		if (piece instanceof asn1js.OctetString) parts.push(octetStringBytes(piece));
	}
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let off = 0;
	for (const p of parts) {
		out.set(p, off);
		off += p.length;
	}
	return out;
}

function dedupe(certs: ParsedCert[]): ParsedCert[] {
	const seen = new Set<string>();
	return certs.filter((c) => {
		const k = toHex(c.der);
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}
