/**
 * Import cost limits (issue 16): every key-derivation iteration count a file asks for is read
 * and checked before any derivation runs, so a small file cannot make the desk work for hours.
 *
 * The counts real exporters write, as checked for this limit:
 * - OpenSSL 1.x and 3.x: 2048 (PKCS12_DEFAULT_ITER = PKCS5_DEFAULT_ITER) for the PKCS#12 MAC,
 *   the PKCS#12 PBE and PBES2 bags, and `openssl pkcs8 -topk8`'s PBKDF2; `-iter` takes any count.
 * - Windows (PFXExportCertStoreEx, .NET X509Certificate.Export): 2000 for the SHA-1 MAC and the
 *   3DES key bag (dotnet/runtime#108330 shows `MAC: sha1, Iteration 2000`; the JDK's review of
 *   JDK-8153005 notes Windows Server 2019 uses 2000). .NET refuses, on
 *   import, more than 600,000 by default (KB5025823).
 * - macOS Keychain Access and iOS: 3DES with a SHA-1 MAC, the only form they read before
 *   macOS 13 (pyca/cryptography#7293); the count was not measured here, and no report shows one
 *   above OpenSSL's.
 * - Java keytool: 50,000 for the PBE bags and 100,000 for the MAC up to JDK 11, 10,000 for all
 *   since (JDK-8153005); the JDK refuses on import more than 5,000,000
 *   (PKCS12KeyStore.MAX_ITERATION_COUNT).
 * - Bouncy Castle 1.86: writes 600,000 (OWASP's figure for PBKDF2-HMAC-SHA256), reads at most
 *   5,000,000 (org.bouncycastle.pkcs12.max_it_count).
 * - pyca/cryptography: PBES2 at 20,000, MAC at 1. xca: 2048, MAC at 1.
 * - Firefox and Thunderbird (NSS: the certificate backup and `pk12util`): the PKCS#12 encoder
 *   (p12e.c) uses NSS_PBE_DEFAULT_ITERATION_COUNT, 2000 in the NSS sources checked (p7create.c);
 *   newer NSS releases were not checked, and should they follow OWASP's 600,000 for PBKDF2
 *   that is still far below the limit.
 * - OWASP's highest PBKDF2 figure is 1,300,000 (HMAC-SHA1).
 * The limit is the JDK's and Bouncy Castle's, 5,000,000: about 8× the highest count any of
 * those writes. One file may ask for at most twice that in all (a MAC plus two encrypted
 * items at the highest real counts fit), so a file with many encrypted items is bounded too.
 *
 * OpenSSL's traditional encrypted PEM (`Proc-Type: 4,ENCRYPTED`) has no count: its key is one
 * MD5 round (EVP_BytesToKey); its cost is the size of the encrypted body, bounded by
 * {@link MAX_ENCRYPTED_PEM_BODY}.
 */
import * as asn1js from 'asn1js';
import { MAX_KDF_ITERATIONS, MAX_KDF_ITERATIONS_PER_FILE, type KdfCost, type KdfUse } from '../legacy/kdf-cost';
import { ImportError } from './errors';
import { OID_DATA, OID_ENCRYPTED_DATA, OID_PBES2, OID_PBKDF2, OID_PBMAC1, OID_PKCS8_SHROUDED_KEY_BAG, OID_PREFIX_PBES1, OID_PREFIX_PKCS12_PBE, OID_SAFE_CONTENTS_BAG } from '../base/oids';

export { MAX_KDF_ITERATIONS, MAX_KDF_ITERATIONS_PER_FILE, type KdfCost, type KdfUse };
/** The largest encrypted body of a traditional encrypted PEM key (a 16,384-bit RSA key is under 10 KB). */
export const MAX_ENCRYPTED_PEM_BODY = 64 * 1024;

const PBES2 = OID_PBES2;
const PBKDF2 = OID_PBKDF2;
const PBMAC1 = OID_PBMAC1;
/** PKCS#12 PBE (pbeWithSHAAnd…, RFC 7292 Appendix C) and PBES1 (RFC 8018 A.3): PBEParameter { salt, iterationCount }. */
const PBE_PREFIXES = [OID_PREFIX_PKCS12_PBE, OID_PREFIX_PBES1];
const DATA = OID_DATA;
const ENCRYPTED_DATA = OID_ENCRYPTED_DATA;
const SHROUDED_KEY_BAG = OID_PKCS8_SHROUDED_KEY_BAG;
const SAFE_CONTENTS_BAG = OID_SAFE_CONTENTS_BAG;
/** Nested SafeContents deeper than this are not followed (no exporter nests at all). */
const MAX_DEPTH = 4;

const format = (n: bigint): string => n.toLocaleString('en-US');

/**
 * The value of a DER INTEGER at any size (asn1js's `valueDec` is 0 from four bytes on).
 * @returns the value, or null when it is not an INTEGER
 */
export function integerValue(node: asn1js.AsnType | undefined): bigint | null {
	if (!(node instanceof asn1js.Integer)) return null;
	const bytes = node.valueBlock.valueHexView;
	if (bytes.length === 0) return null;
	let value = 0n;
	for (const b of bytes) value = (value << 8n) | BigInt(b);
	// Two's complement: a leading bit set is a negative number.
	if ((bytes[0] ?? 0) & 0x80) value -= 1n << BigInt(bytes.length * 8);
	return value;
}

/** The sentence for a derivation above the limit. */
export function tooCostlyMessage(name: string, cost: KdfCost): string {
	return `"${name}" asks for ${format(cost.iterations)} key-derivation iterations (${cost.use}); Sealdesk allows at most ${format(BigInt(MAX_KDF_ITERATIONS))}. Export it again with fewer iterations.`;
}

/** The sentence for a file whose derivations together are above the per-file limit. */
export function tooCostlyInAllMessage(name: string, total: bigint): string {
	return `"${name}" asks for ${format(total)} key-derivation iterations in all; Sealdesk allows at most ${format(BigInt(MAX_KDF_ITERATIONS_PER_FILE))} per file. Export it again with fewer iterations.`;
}

/**
 * Refuses a file whose derivations cost more than the limits, before any of them runs.
 * @throws ImportError 'too-costly' naming the count and the limit; 'unrecognised' for a count
 *   below one (or missing), which no exporter writes
 */
export function checkKdfCosts(name: string, costs: readonly KdfCost[]): void {
	let total = 0n;
	for (const cost of costs) {
		if (cost.iterations < 1n) throw new ImportError('unrecognised', `"${name}" states an iteration count of ${format(cost.iterations)}, which is not valid.`);
		if (cost.iterations > BigInt(MAX_KDF_ITERATIONS)) throw new ImportError('too-costly', tooCostlyMessage(name, cost));
		total += cost.iterations;
	}
	if (total > BigInt(MAX_KDF_ITERATIONS_PER_FILE)) throw new ImportError('too-costly', tooCostlyInAllMessage(name, total));
}

function items(node: asn1js.AsnType | undefined): asn1js.AsnType[] | null {
	return node instanceof asn1js.Sequence || node instanceof asn1js.Set ? node.valueBlock.value : null;
}

function oidOf(node: asn1js.AsnType | undefined): string {
	return node instanceof asn1js.ObjectIdentifier ? node.valueBlock.toString() : '';
}

/** The content of an `[0] EXPLICIT` wrapper. */
function explicit(node: asn1js.AsnType | undefined): asn1js.AsnType | undefined {
	return node instanceof asn1js.Constructed && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === 0 ? node.valueBlock.value[0] : undefined;
}

/** The bytes of an OCTET STRING, constructed (BER) or primitive. */
function octets(node: asn1js.AsnType | undefined): Uint8Array | null {
	if (!(node instanceof asn1js.OctetString)) return null;
	if (!node.idBlock.isConstructed) return new Uint8Array(node.valueBlock.valueHexView);
	const parts: Uint8Array[] = [];
	for (const part of node.valueBlock.value) {
		const bytes = octets(part);
		if (!bytes) return null;
		parts.push(bytes);
	}
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

function parse(bytes: Uint8Array): asn1js.AsnType | undefined {
	const r = asn1js.fromBER(bytes.slice().buffer);
	return r.offset === -1 ? undefined : r.result;
}

/**
 * The derivation an AlgorithmIdentifier asks for: PBES2 (its PBKDF2 count), PBMAC1, or a
 * PKCS#12 PBE / PBES1 scheme (its PBEParameter count). None for other algorithms.
 */
function algorithmKdfCost(algorithm: asn1js.AsnType | undefined, use: KdfUse): KdfCost | null {
	const alg = items(algorithm);
	const oid = oidOf(alg?.[0]);
	if (oid === PBES2 || oid === PBMAC1) {
		const kdf = items(items(alg?.[1])?.[0]);
		if (oidOf(kdf?.[0]) !== PBKDF2) return null;
		const iterations = integerValue(items(kdf?.[1])?.[1]);
		return iterations === null ? { use: 'PBKDF2', iterations: 0n } : { use: 'PBKDF2', iterations };
	}
	if (PBE_PREFIXES.some((p) => oid.startsWith(p))) {
		const iterations = integerValue(items(alg?.[1])?.[1]);
		return { use, iterations: iterations ?? 0n };
	}
	return null;
}

/** The derivation an EncryptedPrivateKeyInfo asks for (none for an unknown scheme). */
export function encryptedPkcs8KdfCosts(der: Uint8Array): KdfCost[] {
	const cost = algorithmKdfCost(items(parse(der))?.[0], 'PKCS#12 encryption');
	return cost ? [cost] : [];
}

function safeContentsCosts(bags: asn1js.AsnType[] | null, depth: number, out: KdfCost[]): void {
	if (!bags || depth > MAX_DEPTH) return;
	for (const bag of bags) {
		const fields = items(bag);
		const type = oidOf(fields?.[0]);
		const value = explicit(fields?.[1]);
		if (type === SHROUDED_KEY_BAG) {
			const cost = algorithmKdfCost(items(value)?.[0], 'PKCS#12 encryption');
			if (cost) out.push(cost);
		} else if (type === SAFE_CONTENTS_BAG) {
			safeContentsCosts(items(value), depth + 1, out);
		}
	}
}

/**
 * Every derivation a PKCS#12 file asks for that can be seen before any is run: the MAC, each
 * encrypted SafeContents, and each shrouded key bag in a plain SafeContents. (A key bag inside
 * an encrypted SafeContents is seen only once that is opened; the legacy reader checks those
 * with the same limits just before it derives.)
 * @returns the costs; none for input that is not a PFX (the reader then refuses it)
 */
export function pkcs12KdfCosts(der: Uint8Array): KdfCost[] {
	const out: KdfCost[] = [];
	const pfx = items(parse(der));
	const mac = items(pfx?.[2]);
	if (mac) {
		const digestAlgorithm = items(mac[0])?.[0];
		const pbmac = algorithmKdfCost(digestAlgorithm, 'PKCS#12 MAC');
		// RFC 7292: iterations INTEGER DEFAULT 1 (RFC 9579 PBMAC1 takes its count from PBKDF2).
		out.push(pbmac ?? { use: 'PKCS#12 MAC', iterations: mac[2] ? (integerValue(mac[2]) ?? 0n) : 1n });
	}
	const authSafe = items(pfx?.[1]);
	if (oidOf(authSafe?.[0]) !== DATA) return out;
	const authSafeBytes = octets(explicit(authSafe?.[1]));
	const contentInfos = authSafeBytes ? items(parse(authSafeBytes)) : null;
	for (const info of contentInfos ?? []) {
		const fields = items(info);
		const type = oidOf(fields?.[0]);
		if (type === DATA) {
			const bytes = octets(explicit(fields?.[1]));
			safeContentsCosts(bytes ? items(parse(bytes)) : null, 0, out);
		} else if (type === ENCRYPTED_DATA) {
			const encryptedContentInfo = items(items(explicit(fields?.[1]))?.[1]);
			const cost = algorithmKdfCost(encryptedContentInfo?.[1], 'PKCS#12 encryption');
			if (cost) out.push(cost);
		}
	}
	return out;
}
