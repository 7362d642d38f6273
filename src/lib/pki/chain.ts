/**
 * Certificate path building and validation against the admin's imported certificates.
 *
 * There are no built-in CAs. Any imported certificate is an anchor: a CA, or a contact's
 * own leaf (like OpenSSL's PARTIAL_CHAIN). Anchors are matched by the exact certificate or
 * by an issuer whose key verifies the signature, never by subject name alone.
 */
import * as O from '../base/oids';
import { equalBytes, toHex } from '../base/bytes';
import { Certificate } from './certificate';

/** Longest path considered, leaf and anchor included. */
const MAX_PATH = 10;
/** Untrusted (bundled) certificates considered at most; Zammad refuses more than 20. */
export const MAX_UNTRUSTED = 20;
/** Signature checks allowed for one evaluation, to bound the work. */
const MAX_SIGNATURE_CHECKS = 64;

/** Extensions whose meaning we honour or which do not restrict a path; any other critical one stops it (RFC 5280 §4.2). */
const UNDERSTOOD = new Set([
	O.OID_EXT_SUBJECT_KEY_IDENTIFIER,
	O.OID_EXT_KEY_USAGE,
	O.OID_EXT_SUBJECT_ALT_NAME,
	O.OID_EXT_ISSUER_ALT_NAME,
	O.OID_EXT_BASIC_CONSTRAINTS,
	O.OID_EXT_CRL_DISTRIBUTION_POINTS,
	O.OID_EXT_CERTIFICATE_POLICIES, // no policy is required
	O.OID_EXT_AUTHORITY_KEY_IDENTIFIER,
	O.OID_EXT_EXTENDED_KEY_USAGE,
	O.OID_EXT_AUTHORITY_INFO_ACCESS
]);

/** Options of {@link evaluateTrust}. */
export interface EvaluateTrustOptions {
	/** DER of the end-entity certificate. */
	leaf: Uint8Array;
	/**
	 * Certificates bundled in the message, which may serve as intermediates. At most
	 * {@link MAX_UNTRUSTED}; more makes the result 'untrusted'. Store certificates belong in
	 * `anchors` (every imported certificate is an anchor), not here.
	 */
	untrusted: Uint8Array[];
	/** The imported certificates: each is a trust anchor. */
	anchors: Uint8Array[];
	/**
	 * Stored certificates that may serve as intermediates but are never anchors (learned from
	 * mail); not counted against {@link MAX_UNTRUSTED}.
	 */
	intermediates?: Uint8Array[];
	/** The signing time claimed by the signature, if any. */
	signingTime?: Date;
	now: Date;
	crypto: Crypto;
	/** 'sign' checks digitalSignature/nonRepudiation; 'encrypt' keyEncipherment/keyAgreement. */
	purpose: 'sign' | 'encrypt';
}

/** A certificate on the path that is outside its validity at the signing time or now. */
export interface ExpiredCertificate {
	certificate: Uint8Array;
	notBefore: Date;
	notAfter: Date;
	/** When it was not valid: 'now', 'signing-time' or both. */
	when: ('now' | 'signing-time')[];
}

/** The verdict on a certificate. */
export type TrustResult =
	| {
			status: 'trusted';
			/** DER, leaf first, anchor last. */
			path: Uint8Array[];
			anchor: Uint8Array;
			/** Certificates on the path not valid now or at the signing time (empty when all are). */
			expired: ExpiredCertificate[];
	  }
	/** No path to an anchor. */
	| { status: 'untrusted'; reason: string }
	/** The leaf is not fit for the purpose, or cannot be read. */
	| { status: 'invalid'; reason: string };

interface Node {
	der: Uint8Array;
	cert: Certificate;
	hex: string;
}

/**
 * Decides whether `leaf` chains to one of `anchors`, checking each issuer signature with
 * WebCrypto, the leaf's key usage and extended key usage for the purpose, and that
 * intermediates are CAs. Expired certificates do not break the path; they are listed.
 * Never throws for well-formed calls: unreadable certificates are ignored (or make the
 * result 'invalid' when it is the leaf).
 */
export async function evaluateTrust(o: EvaluateTrustOptions): Promise<TrustResult> {
	const allowed = new Set(['leaf', 'untrusted', 'anchors', 'intermediates', 'signingTime', 'now', 'crypto', 'purpose']);
	for (const k of Object.keys(o)) if (!allowed.has(k)) throw new TypeError(`Unknown option ${k}.`);
	const leaf = parse(o.leaf);
	if (!leaf) return { status: 'invalid', reason: 'The certificate cannot be read.' };
	if (unknownCritical(leaf.cert)) return { status: 'invalid', reason: 'The certificate has a critical extension we do not understand.' };
	const usage = checkPurpose(leaf.cert, o.purpose);
	if (usage) return { status: 'invalid', reason: usage };
	if (o.untrusted.length > MAX_UNTRUSTED)
		return { status: 'untrusted', reason: `The message bundles more than ${String(MAX_UNTRUSTED)} certificates.` };
	const anchors = o.anchors.map(parse).filter((n): n is Node => n !== null);
	const anchorSet = new Set(anchors.map((a) => a.hex));
	const untrusted = [...o.untrusted, ...(o.intermediates ?? [])]
		.map(parse)
		.filter((n): n is Node => n !== null && !anchorSet.has(n.hex));
	const ctx: Ctx = { anchors, anchorSet, untrusted, crypto: o.crypto, checks: 0, cache: new Map() };
	const path = await build(ctx, [leaf]);
	if (!path) return { status: 'untrusted', reason: 'The certificate does not chain to an imported certificate.' };
	const expired: ExpiredCertificate[] = [];
	for (const n of path) {
		const { notBefore, notAfter } = n.cert;
		const when: ExpiredCertificate['when'] = [];
		const outside = (t: Date): boolean => t < notBefore || t > notAfter;
		if (o.signingTime && outside(o.signingTime)) when.push('signing-time');
		if (outside(o.now)) when.push('now');
		if (when.length > 0) expired.push({ certificate: n.der, notBefore, notAfter, when });
	}
	const anchor = path[path.length - 1] ?? leaf;
	return { status: 'trusted', path: path.map((n) => n.der), anchor: anchor.der, expired };
}

interface Ctx {
	anchors: Node[];
	anchorSet: Set<string>;
	untrusted: Node[];
	crypto: Crypto;
	checks: number;
	cache: Map<string, boolean>;
}

/** Depth-first search from the last element of `path` towards an anchor. */
async function build(ctx: Ctx, path: Node[]): Promise<Node[] | null> {
	const current = path[path.length - 1];
	if (!current) return null;
	if (ctx.anchorSet.has(current.hex)) return path;
	if (path.length >= MAX_PATH) return null;
	const aki = current.cert.authorityKeyIdentifier;
	const candidates = [...ctx.anchors, ...ctx.untrusted]
		.filter((c) => !path.some((p) => p.hex === c.hex) && current.cert.issuedByName(c.cert))
		.sort((a, b) => keyIdRank(aki, b.cert) - keyIdRank(aki, a.cert));
	for (const cand of candidates) {
		if (!canIssue(cand.cert, ctx.anchorSet.has(cand.hex), path.length - 1)) continue;
		if (!(await signedBy(ctx, current, cand))) continue;
		const found = await build(ctx, [...path, cand]);
		if (found) return found;
	}
	return null;
}

/** 1 when the candidate's SKI equals the AKI, 0 when unknown, -1 when they differ. */
function keyIdRank(aki: Uint8Array | null, cert: Certificate): number {
	const ski = cert.subjectKeyIdentifier;
	if (!aki || !ski) return 0;
	return equalBytes(aki, ski) ? 1 : -1;
}

async function signedBy(ctx: Ctx, child: Node, issuer: Node): Promise<boolean> {
	const key = `${child.hex}:${issuer.hex}`;
	const cached = ctx.cache.get(key);
	if (cached !== undefined) return cached;
	if (ctx.checks >= MAX_SIGNATURE_CHECKS) return false;
	ctx.checks++;
	const ok = await child.cert.verifiedBy(issuer.cert, ctx.crypto);
	ctx.cache.set(key, ok);
	return ok;
}

/**
 * Whether a certificate may issue others: a v3 CA (basicConstraints CA:TRUE, keyCertSign if
 * keyUsage is present, pathLenConstraint respected with `below` CAs under it: pathLen 0 allows
 * only end entities, an absent pathLen any number). An X.509 v1 certificate may only act as
 * an anchor.
 */
function canIssue(cert: Certificate, isAnchor: boolean, below: number): boolean {
	if (cert.version < 3) return isAnchor;
	if (unknownCritical(cert)) return false;
	const bc = cert.basicConstraints;
	if (!bc?.ca) return false;
	if (bc.pathLength !== null && below > bc.pathLength) return false;
	const ku = cert.keyUsage;
	if (ku && !ku.has('keyCertSign')) return false;
	return true;
}

function unknownCritical(cert: Certificate): boolean {
	return cert.criticalExtensions.some((oid) => !UNDERSTOOD.has(oid));
}

/** Returns the reason the leaf does not fit the purpose, or null when it does. */
function checkPurpose(cert: Certificate, purpose: 'sign' | 'encrypt'): string | null {
	if (!cert.emailProtection) return 'The certificate is not meant for e-mail protection.';
	const ku = cert.keyUsage;
	if (ku) {
		if (purpose === 'sign' && !ku.has('digitalSignature') && !ku.has('nonRepudiation'))
			return 'The certificate is not meant for signing.';
		if (purpose === 'encrypt' && !ku.has('keyEncipherment') && !ku.has('keyAgreement'))
			return 'The certificate is not meant for encryption.';
	}
	return null;
}

function parse(der: Uint8Array): Node | null {
	const cert = Certificate.tryParse(der);
	return cert ? { der, cert, hex: toHex(der) } : null;
}
