/** Test helpers for the EnvelopedData tests: fixture keys as PrivateKeySets and openssl runs. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OaepHash, PrivateKeySet } from '../../src/lib/pki/keyset';
import type { DecryptCandidate } from '../../src/lib/cms/enveloped';
import { children, der, octetString, oidOf, parseOne, seq } from '../../src/lib/cms/enveloped-asn1';

export const PKI = new URL('../fixtures/pki/', import.meta.url).pathname;
export const RFC9216 = new URL('../../../shared/vectors/rfc9216/', import.meta.url).pathname;

export function pemToDer(pem: string): Uint8Array {
	const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
	return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** The first PEM block of a file as DER. */
export function readPem(path: string): Uint8Array {
	const text = readFileSync(path, 'utf8');
	const m = /-----BEGIN [^-]+-----[^-]+-----END [^-]+-----/.exec(text);
	if (!m) throw new Error(`No PEM in ${path}`);
	return pemToDer(m[0]);
}

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
	'1.2.840.10045.3.1.7': 'P-256',
	'1.3.132.0.34': 'P-384',
	'1.3.132.0.35': 'P-521'
};

/** Imports an unencrypted PKCS#8 key as non-extractable decryption CryptoKeys. */
export async function keySetFromPkcs8(pkcs8: Uint8Array, fingerprint = 'test'): Promise<PrivateKeySet> {
	const alg = children(children(parseOne(pkcs8))[1] ?? parseOne(pkcs8));
	const oid = alg[0] ? oidOf(alg[0]) : '';
	const k = new Uint8Array(pkcs8);
	if (oid === '1.2.840.113549.1.1.1') {
		const oaep: Partial<Record<OaepHash, CryptoKey>> = {};
		for (const hash of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
			oaep[hash] = await crypto.subtle.importKey('pkcs8', k, { name: 'RSA-OAEP', hash }, false, ['decrypt']);
		}
		return { fingerprint, algorithm: 'RSA', modulusLength: 2048, sign: {}, decrypt: { oaep } };
	}
	if (oid === '1.2.840.10045.2.1') {
		const namedCurve = alg[1] ? CURVES[oidOf(alg[1])] : undefined;
		if (!namedCurve) throw new Error('unknown curve');
		const ecdh = await crypto.subtle.importKey('pkcs8', k, { name: 'ECDH', namedCurve }, false, ['deriveBits']);
		return { fingerprint, algorithm: 'EC', namedCurve, sign: {}, decrypt: { ecdh } };
	}
	if (oid === '1.3.101.110') {
		const x25519 = await crypto.subtle.importKey('pkcs8', k, { name: 'X25519' }, false, ['deriveBits']);
		return { fingerprint, algorithm: 'X25519', sign: {}, decrypt: { x25519 } };
	}
	throw new Error(`unsupported key ${oid}`);
}

/** A decryption candidate from certificate and key files; `legacy` adds an opener returning the PKCS#8. */
export async function candidateFrom(certPath: string, keyPath: string, legacy = true): Promise<DecryptCandidate> {
	const pkcs8 = readPem(keyPath);
	const keys = await keySetFromPkcs8(pkcs8);
	return {
		certificate: readPem(certPath),
		keys,
		...(legacy ? { openLegacyKey: () => Promise.resolve(new Uint8Array(pkcs8)) } : {})
	};
}

/** A fixture PKI identity as a candidate. */
export function pkiCandidate(name: string, legacy = true): Promise<DecryptCandidate> {
	return candidateFrom(join(PKI, `${name}.pem`), join(PKI, `${name}.key`), legacy);
}

export const tmp = mkdtempSync(join(tmpdir(), 'sealdesk-env-'));
let counter = 0;

/** Writes bytes to a fresh temp file and returns its path. */
export function tmpFile(data: Uint8Array | string, ext = 'bin'): string {
	const p = join(tmp, `f${String(counter++)}.${ext}`);
	writeFileSync(p, data);
	return p;
}

/** Runs openssl and returns stdout bytes. */
export function openssl(args: string[], input?: Uint8Array): Uint8Array {
	return new Uint8Array(execFileSync('openssl', args, { ...(input ? { input } : {}), stdio: ['pipe', 'pipe', 'pipe'] }));
}

export const CONTENT = new TextEncoder().encode('Sealdesk test message.\r\nSecond line with ümlauts.\r\n');

/** Replaceable parts of an EnvelopedData/AuthEnvelopedData, for tampering tests. */
export interface EnvelopeEdit {
	ciphertext?: (c: Uint8Array) => Uint8Array;
	/** Edits the encryptedKey of the first KeyTransRecipientInfo. */
	encryptedKey?: (k: Uint8Array) => Uint8Array;
	mac?: (m: Uint8Array) => Uint8Array;
	/** Replaces the GCM/ChaCha parameters or IV of the content algorithm. */
	contentParams?: Uint8Array;
}

/** Re-encodes an envelope (as we produce it: DER, no optional fields) with parts edited. */
export function editEnvelope(input: Uint8Array, edit: EnvelopeEdit): Uint8Array {
	const [oid, wrap] = children(parseOne(input));
	if (!oid || !wrap) throw new Error('bad input');
	const inner = children(wrap)[0];
	if (!inner) throw new Error('bad input');
	const parts = children(inner);
	const [ver, set, eci, mac] = parts;
	if (!ver || !set || !eci) throw new Error('bad input');
	const ris = children(set).map((ri) => {
		if (ri.tag !== 0x30 || !edit.encryptedKey) return ri.raw;
		const [v, rid, alg, ek] = children(ri);
		if (!v || !rid || !alg || !ek) throw new Error('bad ri');
		return seq(v.raw, rid.raw, alg.raw, octetString(edit.encryptedKey(ek.value)));
	});
	const [ct, alg, enc] = children(eci);
	if (!ct || !alg || !enc) throw new Error('bad eci');
	const [algOid, params] = children(alg);
	if (!algOid) throw new Error('bad alg');
	const newAlg = seq(algOid.raw, edit.contentParams ?? params?.raw ?? new Uint8Array());
	const newEci = seq(ct.raw, newAlg, der(0x80, (edit.ciphertext ?? ((c) => c))(enc.value)));
	const tail = mac ? [octetString((edit.mac ?? ((m) => m))(mac.value))] : [];
	return seq(oid.raw, der(0xa0, seq(ver.raw, der(0x31, ...ris), newEci, ...tail)));
}
