/**
 * The reading side of RecipientInfos: find the ones addressed to our certificates and recover
 * the content-encryption key (RSA PKCS#1 v1.5 through the legacy path, RSA-OAEP, ECDH with the
 * X9.63 KDF, X25519 with HKDF or X9.63, all with AES key wrap for key agreement).
 */
import type { LegacyKeyOpener, OaepHash, PrivateKeySet } from '../pki/keyset';
import { equalBytes, exact, toHex } from '../base/bytes';
import { children, octets, oidOf, type Tlv } from './enveloped-asn1';
import { eccCmsSharedInfo, hkdf, x963Kdf, type KdfHash } from './kdf';
import * as O from '../base/oids';
import { parseRecipientCert, readableName, type RecipientCert } from './recipients-cert';

/** One certificate with its private key, as the S/MIME layer offers it. */
export interface DecryptCandidate {
	certificate: Uint8Array;
	keys: PrivateKeySet;
	openLegacyKey?: LegacyKeyOpener;
}

/** A recipient identifier: issuer and serial, or subject key identifier. */
type Rid = { issuer: Uint8Array; serial: Uint8Array } | { ski: Uint8Array };

/** A RecipientInfo (or one recipientEncryptedKey of a KARI) matched to one of our keys. */
export interface RecipientMatch {
	kind: 'ktri' | 'kari';
	candidate: DecryptCandidate;
	cert: RecipientCert;
	/** The keyEncryptionAlgorithm TLV. */
	alg: Tlv;
	encryptedKey: Uint8Array;
	/** KARI only. */
	originator?: Tlv;
	ukm?: Uint8Array;
	/** RSA PKCS#1 v1.5, which needs the legacy path. */
	legacy: boolean;
}

/** The outcome of recovering the content-encryption key from one match. */
export type UnwrapResult =
	| { status: 'cek'; cek: Uint8Array; keyTransport: string }
	| { status: 'strict-custody' }
	| { status: 'failed' };

function readRid(t: Tlv): Rid | null {
	if (t.tag === 0x30) {
		const [issuer, serial] = children(t);
		if (!issuer || serial?.tag !== 0x02) return null;
		return { issuer: issuer.raw, serial: serial.value };
	}
	if (t.tag === 0x80) return { ski: t.value };
	if (t.tag === 0xa0) {
		const ski = children(t)[0];
		return ski ? { ski: octets(ski) } : null;
	}
	return null;
}

function ridMatches(rid: Rid, cert: RecipientCert): boolean {
	if ('ski' in rid) return cert.ski !== null && equalBytes(rid.ski, cert.ski);
	return equalBytes(rid.issuer, cert.issuer) && equalBytes(rid.serial, cert.serial);
}

function ridText(rid: Rid): string {
	if ('ski' in rid) return `subject key identifier ${toHex(rid.ski)}`;
	return `${readableName(rid.issuer)}, serial ${toHex(rid.serial)}`;
}

interface ParsedRi {
	kind: 'ktri' | 'kari' | 'other';
	/** Readable recipient names; made only when needed (a hostile message may have 100,000 RecipientInfos). */
	label: () => string;
	entries: { rid: Rid; encryptedKey: Uint8Array }[];
	alg?: Tlv;
	originator?: Tlv;
	ukm?: Uint8Array;
}

function parseRi(t: Tlv): ParsedRi {
	if (t.tag === 0x30) {
		const [, ridT, alg, ek] = children(t);
		const rid = ridT ? readRid(ridT) : null;
		if (!rid || !alg || !ek) throw new Error('A KeyTransRecipientInfo is malformed.');
		return { kind: 'ktri', label: () => ridText(rid), entries: [{ rid, encryptedKey: octets(ek) }], alg };
	}
	if (t.tag === 0xa1) {
		const parts = children(t);
		const originatorT = parts[1];
		let i = 2;
		let ukm: Uint8Array | undefined;
		if (parts[i]?.tag === 0xa1) {
			const u = children(parts[i] as Tlv)[0];
			ukm = u ? octets(u) : undefined;
			i++;
		}
		const alg = parts[i++];
		const reks = parts[i];
		if (!originatorT || !alg || !reks) throw new Error('A KeyAgreeRecipientInfo is malformed.');
		const entries = children(reks).flatMap((rek) => {
			const [ridT, ek] = children(rek);
			const rid = ridT ? readRid(ridT) : null;
			return rid && ek ? [{ rid, encryptedKey: octets(ek) }] : [];
		});
		const label = (): string => entries.map((e) => ridText(e.rid)).join('; ');
		const originator = children(originatorT)[0];
		return { kind: 'kari', label, entries, alg, ...(originator ? { originator } : {}), ...(ukm ? { ukm } : {}) };
	}
	const kinds: Record<number, string> = { 0xa2: 'a shared symmetric key (KEK)', 0xa3: 'a password', 0xa4: 'another recipient type' };
	return { kind: 'other', label: () => `${kinds[t.tag] ?? 'an unknown recipient type'} (not supported)`, entries: [] };
}

/** Recipients named at most in the labels; the rest are counted. */
const MAX_LABELS = 20;

/**
 * Matches RecipientInfos against the candidates. Returns the readable recipient labels (the
 * first {@link MAX_LABELS}, then "and N more recipients") and the matches, non-legacy ones
 * first. Throws when a RecipientInfo is malformed.
 */
export function matchRecipients(
	recipientInfos: Tlv[],
	candidates: DecryptCandidate[]
): { labels: string[]; matches: RecipientMatch[] } {
	const certs = candidates.flatMap((c) => {
		try {
			return [{ candidate: c, cert: parseRecipientCert(c.certificate) }];
		} catch {
			return [];
		}
	});
	const labels: string[] = [];
	const matches: RecipientMatch[] = [];
	for (const riT of recipientInfos) {
		const ri = parseRi(riT);
		if (labels.length < MAX_LABELS) labels.push(ri.label());
		if (ri.kind === 'other' || !ri.alg) continue;
		const algOid = oidOf(children(ri.alg)[0] ?? riT);
		for (const e of ri.entries) {
			for (const { candidate, cert } of certs) {
				if (!ridMatches(e.rid, cert)) continue;
				matches.push({
					kind: ri.kind,
					candidate,
					cert,
					alg: ri.alg,
					encryptedKey: e.encryptedKey,
					...(ri.originator ? { originator: ri.originator } : {}),
					...(ri.ukm ? { ukm: ri.ukm } : {}),
					legacy: ri.kind === 'ktri' && algOid === O.OID_RSA_ENCRYPTION
				});
			}
		}
	}
	if (recipientInfos.length > MAX_LABELS) labels.push(`and ${String(recipientInfos.length - MAX_LABELS)} more recipients`);
	matches.sort((a, b) => Number(a.legacy) - Number(b.legacy));
	return { labels, matches };
}

const HASHES: Record<string, OaepHash> = {
	[O.OID_SHA1]: 'SHA-1',
	[O.OID_SHA256]: 'SHA-256',
	[O.OID_SHA384]: 'SHA-384',
	[O.OID_SHA512]: 'SHA-512'
};

function hashOfAlgId(t: Tlv | undefined): OaepHash | null {
	const o = t ? children(t)[0] : undefined;
	return o ? (HASHES[oidOf(o)] ?? null) : null;
}

async function unwrapOaep(crypto: Crypto, m: RecipientMatch, params: Tlv | undefined): Promise<UnwrapResult> {
	let hash: OaepHash | null = 'SHA-1';
	let mgfHash: OaepHash | null = 'SHA-1';
	let label: Uint8Array = new Uint8Array();
	for (const p of params && params.tag === 0x30 ? children(params) : []) {
		const inner = children(p)[0];
		if (p.tag === 0xa0) hash = hashOfAlgId(inner);
		else if (p.tag === 0xa1) mgfHash = inner ? hashOfAlgId(children(inner)[1]) : null;
		else if (p.tag === 0xa2 && inner) {
			const l = children(inner)[1];
			label = l ? octets(l) : new Uint8Array();
		}
	}
	const key = hash ? m.candidate.keys.decrypt.oaep?.[hash] : undefined;
	if (!hash || hash !== mgfHash || !key) return { status: 'failed' };
	const cek = new Uint8Array(await crypto.subtle.decrypt({ name: 'RSA-OAEP', label: exact(label) }, key, exact(m.encryptedKey)));
	return { status: 'cek', cek, keyTransport: `RSA-OAEP (${hash})` };
}

const KDFS: Record<string, { kdf: 'x963' | 'hkdf'; hash: KdfHash }> = {
	[O.OID_DH_SINGLE_PASS_SHA1KDF]: { kdf: 'x963', hash: 'SHA-1' },
	[O.OID_DH_SINGLE_PASS_SHA224KDF]: { kdf: 'x963', hash: 'SHA-224' },
	[O.OID_DH_SINGLE_PASS_SHA256KDF]: { kdf: 'x963', hash: 'SHA-256' },
	[O.OID_DH_SINGLE_PASS_SHA384KDF]: { kdf: 'x963', hash: 'SHA-384' },
	[O.OID_DH_SINGLE_PASS_SHA512KDF]: { kdf: 'x963', hash: 'SHA-512' },
	[O.OID_DH_SINGLE_PASS_HKDF_SHA256]: { kdf: 'hkdf', hash: 'SHA-256' },
	[O.OID_DH_SINGLE_PASS_HKDF_SHA384]: { kdf: 'hkdf', hash: 'SHA-384' },
	[O.OID_DH_SINGLE_PASS_HKDF_SHA512]: { kdf: 'hkdf', hash: 'SHA-512' }
};

const WRAPS: Record<string, number> = { [O.OID_AES128_WRAP]: 16, [O.OID_AES192_WRAP]: 24, [O.OID_AES256_WRAP]: 32, [O.OID_DES3_WRAP]: 24 };

const CURVE_BITS = { 'P-256': 256, 'P-384': 384, 'P-521': 528 } as const;

async function sharedSecret(crypto: Crypto, m: RecipientMatch): Promise<Uint8Array | null> {
	if (m.originator?.tag !== 0xa1) return null;
	const pubBits = children(m.originator)[1];
	if (pubBits?.tag !== 0x03) return null;
	const point = exact(pubBits.value.subarray(1));
	const keys = m.candidate.keys;
	if (keys.algorithm === 'X25519' && keys.decrypt.x25519) {
		const pub = await crypto.subtle.importKey('raw', point, { name: 'X25519' }, false, []);
		return new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: pub }, keys.decrypt.x25519, 256));
	}
	const curve = keys.namedCurve ?? m.cert.namedCurve;
	if (keys.algorithm === 'EC' && keys.decrypt.ecdh && curve) {
		const pub = await crypto.subtle.importKey('raw', point, { name: 'ECDH', namedCurve: curve }, false, []);
		return new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: pub }, keys.decrypt.ecdh, CURVE_BITS[curve]));
	}
	return null;
}

async function unwrapAgreement(crypto: Crypto, m: RecipientMatch, oid: string, params: Tlv | undefined): Promise<UnwrapResult> {
	const kdf = KDFS[oid];
	const wrapOid = params ? oidOf(children(params)[0] ?? params) : '';
	const kekLength = WRAPS[wrapOid];
	if (!kdf || !kekLength) return { status: 'failed' };
	const z = await sharedSecret(crypto, m);
	if (!z) return { status: 'failed' };
	// keyInfo is the wrap AlgorithmIdentifier exactly as the sender wrote it (OpenSSL writes a
	// NULL parameter for the 3DES wrap, none for AES), so its bytes are reused, not rebuilt.
	const info = eccCmsSharedInfo(params?.tag === 0x30 ? params.raw : wrapOid, kekLength, m.ukm ?? null);
	const kekBytes =
		kdf.kdf === 'x963'
			? await x963Kdf(crypto, kdf.hash, z, info, kekLength)
			: await hkdf(crypto, kdf.hash as 'SHA-256', z, new Uint8Array(), info, kekLength);
	z.fill(0);
	const dh = m.candidate.keys.algorithm === 'X25519' ? 'X25519' : 'ECDH';
	const kdfName = kdf.kdf === 'x963' ? `X9.63 ${kdf.hash}` : `HKDF ${kdf.hash}`;
	if (wrapOid === O.OID_DES3_WRAP) {
		// OpenSSL's choice for EC recipients of 3DES mail; WebCrypto has no 3DES.
		const { des3KeyUnwrap } = await import('../legacy/des');
		const cek = await des3KeyUnwrap(kekBytes, m.encryptedKey, async (data) => new Uint8Array(await crypto.subtle.digest('SHA-1', exact(data))));
		kekBytes.fill(0);
		return cek ? { status: 'cek', cek, keyTransport: `${dh} (${kdfName}, 3DES wrap)` } : { status: 'failed' };
	}
	const kek = await crypto.subtle.importKey('raw', exact(kekBytes), 'AES-KW', false, ['unwrapKey']);
	kekBytes.fill(0);
	const unwrapped = await crypto.subtle.unwrapKey('raw', exact(m.encryptedKey), kek, 'AES-KW', { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
	const cek = new Uint8Array(await crypto.subtle.exportKey('raw', unwrapped));
	return { status: 'cek', cek, keyTransport: `${dh} (${kdfName}, AES-${String(kekLength * 8)} wrap)` };
}

async function unwrapLegacy(crypto: Crypto, m: RecipientMatch, keyLength: number): Promise<UnwrapResult> {
	const pkcs8 = m.candidate.openLegacyKey ? await m.candidate.openLegacyKey() : null;
	if (!pkcs8) return { status: 'strict-custody' };
	try {
		const { rsaPkcs1DecryptImplicit } = await import('../legacy/rsa-pkcs1');
		const cek = await rsaPkcs1DecryptImplicit(pkcs8, m.encryptedKey, keyLength, crypto);
		return { status: 'cek', cek, keyTransport: 'RSA PKCS#1 v1.5' };
	} finally {
		pkcs8.fill(0);
	}
}

/**
 * Recovers the content-encryption key of `keyLength` bytes from one match. Never throws for
 * cryptographic failures: they become { status: 'failed' }. RSA PKCS#1 v1.5 never fails (implicit
 * rejection), and gives 'strict-custody' when no legacy key can be opened.
 */
export async function unwrapCek(crypto: Crypto, m: RecipientMatch, keyLength: number): Promise<UnwrapResult> {
	try {
		const [o, params] = children(m.alg);
		const oid = o ? oidOf(o) : '';
		if (m.kind === 'ktri') {
			if (oid === O.OID_RSA_ENCRYPTION) return await unwrapLegacy(crypto, m, keyLength);
			if (oid === O.OID_RSAES_OAEP) return await unwrapOaep(crypto, m, params);
			return { status: 'failed' };
		}
		return await unwrapAgreement(crypto, m, oid, params);
	} catch {
		return { status: 'failed' };
	}
}
