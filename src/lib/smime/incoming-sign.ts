/**
 * One signature layer: verify every SignerInfo (cms), evaluate the signer's certificate
 * against the imported certificates (pki/chain), and turn each into a verdict with the
 * agent's sentence. The sender check happens later, over all layers (incoming-verdict).
 */
import { equalBytes, toHex } from '../base/bytes';
import { verifySignedData } from '../cms/signed-verify';
import type { SignerResult } from '../cms/signed-types';
import type { SmimeCapability } from '../cms/attributes';
import { evaluateTrust, MAX_UNTRUSTED, type ExpiredCertificate } from '../pki/chain';
import { Certificate } from '../pki/certificate';
import {
	CERTIFICATE_NOT_FOUND,
	NO_SIGNERS,
	SHA1_REFUSED,
	signingTimeMismatch,
	VERIFY_ERROR,
	expiredSuffix,
	invalidSignature,
	unfitCertificate,
	unsupportedSignature
} from './comments';

/** The verdict on one signer, before the sender check. */
export interface SignerVerdict {
	status: 'valid' | 'expired' | 'untrusted' | 'invalid';
	/** For 'valid' and 'expired': the trust anchor subjects (and expiry notes), Zammad style. Otherwise the reason. */
	comment: string;
	/** The signer certificate's addresses, only when its key verified the signature. */
	emails: string[];
	/** The signer's certificate, set for a signature its key verified that no imported certificate vouches for ('untrusted'). */
	certificate?: Uint8Array;
	/** Set for a signature that verified, with a trusted certificate ('valid' or 'expired'). */
	trusted?: { certificate: Uint8Array; capabilities: SmimeCapability[]; intermediates?: Uint8Array[] };
	/** The weak algorithm a valid signature used, e.g. 'SHA-1'. */
	weak?: string;
}

/** One signature layer as read. */
export interface SignatureLayer {
	verdicts: SignerVerdict[];
	/** The encapsulated content (opaque signing), or null (detached, or unreadable). */
	content: Uint8Array | null;
}

/** What a signature that verified is also judged by. */
export interface SignaturePolicy {
	/** Accept SHA-1 (valid, with the weak-algorithm warning); otherwise a SHA-1 signature is invalid. */
	acceptSha1: boolean;
	/**
	 * The message's Date header. A signingTime more than {@link MAX_CLOCK_SKEW_MS} away from it makes
	 * the signature invalid: Date is not signed, so an old signed mail could be replayed under a new
	 * date (Thunderbird's rule). No check when either time is missing.
	 */
	messageDate?: Date;
}

/** How far a signature's signingTime may be from the message's Date header: one hour. */
const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

/** Options of {@link readSignatureLayer}. */
export interface ReadSignatureOptions {
	/** The SignedData ContentInfo, DER or BER. */
	der: Uint8Array;
	/** The canonical signed bytes of a detached signature. */
	detachedContent?: Uint8Array;
	/** Every stored certificate (anchors, and signers the message does not bundle). */
	certificates: Uint8Array[];
	/** Defaults to refusing SHA-1. */
	policy?: SignaturePolicy;
	/** Certificates learned from mail: they find a signer and serve as intermediates, never as anchors. */
	learned?: Uint8Array[];
	now: Date;
	crypto: Crypto;
}

/**
 * Reads one SignedData layer. Never throws for hostile input: a structure that cannot be read
 * is one 'invalid' verdict with Zammad's "Error while verifying signature" sentence.
 */
export async function readSignatureLayer(o: ReadSignatureOptions): Promise<SignatureLayer> {
	let result;
	try {
		result = await verifySignedData({
			der: o.der,
			...(o.detachedContent ? { detachedContent: o.detachedContent } : {}),
			knownCertificates: o.learned ? [...o.certificates, ...o.learned] : o.certificates,
			crypto: o.crypto
		});
	} catch {
		// SignedDataFormatError, or a parser failure deeper down: hostile bytes are a result, not an exception.
		return { verdicts: [{ status: 'invalid', comment: VERIFY_ERROR, emails: [] }], content: null };
	}
	if (result.signers.length === 0) return { verdicts: [{ status: 'invalid', comment: NO_SIGNERS, emails: [] }], content: result.content };
	const verdicts: SignerVerdict[] = [];
	for (const signer of result.signers) verdicts.push(await judge(signer, result.certificates, o));
	return { verdicts, content: result.content };
}

async function judge(signer: SignerResult, bundled: Uint8Array[], o: ReadSignatureOptions): Promise<SignerVerdict> {
	switch (signer.status) {
		case 'no-certificate':
			return { status: 'untrusted', comment: CERTIFICATE_NOT_FOUND, emails: [] };
		case 'unsupported':
			return { status: 'invalid', comment: unsupportedSignature(signer.reason), emails: [] };
		case 'invalid':
			return { status: 'invalid', comment: invalidSignature(signer.reason), emails: [] };
		case 'valid':
			break;
	}
	if (signer.weak === 'SHA-1' && o.policy?.acceptSha1 !== true) return { status: 'invalid', comment: SHA1_REFUSED, emails: [] };
	const date = o.policy?.messageDate;
	if (signer.signingTime && date && Math.abs(signer.signingTime.getTime() - date.getTime()) > MAX_CLOCK_SKEW_MS)
		return { status: 'invalid', comment: signingTimeMismatch(signer.signingTime, date), emails: [] };
	const emails = emailsOf(signer.certificate);
	const weak = signer.weak ? { weak: signer.weak } : {};
	const trust = await evaluateTrust({
		leaf: signer.certificate,
		untrusted: bundled,
		anchors: o.certificates,
		...(o.learned ? { intermediates: o.learned } : {}),
		...(signer.signingTime ? { signingTime: signer.signingTime } : {}),
		now: o.now,
		crypto: o.crypto,
		purpose: 'sign'
	});
	// The certificate verified the signature, so it names the signer even though nothing vouches for it (issue 15).
	const certificate = signer.certificate;
	if (trust.status === 'invalid') return { status: 'untrusted', comment: unfitCertificate(trust.reason), emails, certificate, ...weak };
	if (trust.status === 'untrusted') {
		const comment = bundled.length > MAX_UNTRUSTED ? trust.reason : CERTIFICATE_NOT_FOUND;
		return { status: 'untrusted', comment, emails, certificate, ...weak };
	}
	// The CAs between the leaf and the stored anchor (from the message or the store), kept with a learned certificate.
	const trusted = { certificate: signer.certificate, capabilities: signer.capabilities, intermediates: trust.path.slice(1, -1) };
	const comment = await trustComment(trust.anchor, trust.expired, o.crypto);
	return { status: trust.expired.length > 0 ? 'expired' : 'valid', comment, emails, trusted, ...weak };
}

/**
 * Zammad's success comment: the subject of the stored certificate that vouches for the signer,
 * with ` (Certificate … expired!)` for it and for any other certificate on the path that is
 * outside its validity.
 */
async function trustComment(anchor: Uint8Array, expired: ExpiredCertificate[], crypto: Crypto): Promise<string> {
	const isExpired = (der: Uint8Array): ExpiredCertificate | undefined => expired.find((e) => equalBytes(e.certificate, der));
	const parts: string[] = [];
	const describe = async (der: Uint8Array): Promise<string> => {
		const subject = subjectOf(der);
		const e = isExpired(der);
		return e ? subject + expiredSuffix(await sha1Hex(der, crypto), e.notBefore, e.notAfter) : subject;
	};
	parts.push(await describe(anchor));
	for (const e of expired) {
		if (equalBytes(e.certificate, anchor)) continue;
		parts.push(await describe(e.certificate));
	}
	return parts.join(', ');
}

function subjectOf(der: Uint8Array): string {
	try {
		return Certificate.parse(der).subject;
	} catch {
		return '(unreadable certificate)';
	}
}

function emailsOf(der: Uint8Array): string[] {
	try {
		return [...Certificate.parse(der).emails];
	} catch {
		return [];
	}
}

async function sha1Hex(der: Uint8Array, crypto: Crypto): Promise<string> {
	const d = new Uint8Array(await crypto.subtle.digest('SHA-1', der.slice()));
	return toHex(d);
}
