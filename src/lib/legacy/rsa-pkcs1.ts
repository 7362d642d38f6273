/**
 * RSAES-PKCS1-v1_5 key transport, which WebCrypto lacks (the legacy path of the key custody
 * rules). node-forge only parses keys here and does the public-key step of encryption; the
 * private-key step is our own, in native bigints ({@link rsaDecryptRaw}), with three defences:
 * - message blinding: the ciphertext is multiplied by r^e for a fresh random r, and the result
 *   by r^-1, so the values exponentiated are unrelated to the attacker's ciphertext;
 * - exponent blinding: each CRT exponent is used as dP + k·(p−1) (and dQ + k'·(q−1)) with
 *   fresh random 64-bit k, k' per operation, so the bits that square-and-multiply walks, and
 *   their timing, differ on every call and no number of measurements adds up to dP or dQ;
 * - implicit rejection: a bad padding never surfaces as an error or a different path, it
 *   yields a pseudo-random key derived from the private key and the ciphertext, so the content
 *   decryption fails like any other wrong key.
 * JavaScript bigints are not constant-time, which is why the blinding, not the arithmetic,
 * carries the defence.
 *
 * Loaded lazily by the CMS layer through a dynamic import().
 */
import forge from 'node-forge/lib/forge.js';
import 'node-forge/lib/asn1.js';
import 'node-forge/lib/rsa.js';
import { fromBinary, fromHex, toBinary, toHex } from '../base/bytes';

/**
 * Encrypts `message` (a content-encryption key) to an RSA public key with EME-PKCS1-v1_5
 * padding. The padding is made here from `crypto.getRandomValues`; forge only does the
 * public-key modexp. Throws when the SPKI is not an RSA key or the message is too long.
 */
export function rsaPkcs1Encrypt(spki: Uint8Array, message: Uint8Array, crypto: Crypto): Uint8Array {
	const pub = forge.pki.publicKeyFromAsn1(forge.asn1.fromDer(toBinary(spki)));
	const k = Math.ceil(pub.n.bitLength() / 8);
	const psLen = k - message.length - 3;
	if (psLen < 8) throw new Error('The key is too short for this message.');
	const ps = new Uint8Array(psLen);
	crypto.getRandomValues(ps);
	for (let i = 0; i < psLen; i++) {
		while (ps[i] === 0) ps[i] = crypto.getRandomValues(new Uint8Array(1))[0] ?? 1;
	}
	const em = new Uint8Array(k);
	em[1] = 2;
	em.set(ps, 2);
	em.set(message, 3 + psLen);
	const out = fromBinary(pub.encrypt(toBinary(em), 'RAW'));
	em.fill(0);
	ps.fill(0);
	return out;
}

/** A forge BigInteger as a native bigint. */
function big(x: forge.jsbn.BigInteger): bigint {
	return BigInt(`0x${x.toString(16)}`);
}

/**
 * `base` to the power `exponent` modulo `modulus`, left to right over the exponent's bits,
 * squaring and multiplying at every bit (the product is kept or dropped by an index, not by
 * skipping the multiplication). The exponent is blinded by the caller, fresh each call.
 */
function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
	const b = base % modulus;
	const bits = exponent.toString(2);
	const pair: [bigint, bigint] = [1n, 1n];
	for (let i = 0; i < bits.length; i++) {
		pair[0] = (pair[0] * pair[0]) % modulus;
		pair[1] = (pair[0] * b) % modulus;
		pair[0] = pair[bits.charCodeAt(i) - 48] ?? pair[0];
	}
	return pair[0];
}

/** A fresh random 64-bit multiplier for exponent blinding (never zero). */
function blindingFactor(crypto: Crypto): bigint {
	const words = crypto.getRandomValues(new Uint32Array(2));
	return ((BigInt(words[0] ?? 0) << 32n) | BigInt(words[1] ?? 0)) + 1n;
}

/** The CRT exponents one private-key operation uses. */
export interface BlindedExponents {
	/** dP + k·(p−1) */
	dP: bigint;
	/** dQ + k'·(q−1) */
	dQ: bigint;
}

/** The inverse of `a` modulo `m` (extended Euclid), or null when they share a factor. */
function modInverse(a: bigint, m: bigint): bigint | null {
	let [r0, r1] = [m, a % m];
	let [t0, t1] = [0n, 1n];
	while (r1 !== 0n) {
		const q = r0 / r1;
		[r0, r1] = [r1, r0 - q * r1];
		[t0, t1] = [t1, t0 - q * t1];
	}
	if (r0 !== 1n) return null;
	return t0 < 0n ? t0 + m : t0;
}

/**
 * The raw RSA decryption of `ciphertext` (RSADP, RFC 8017 5.1.2) as `k` bytes, with message
 * blinding (c * r^e, then * r^-1, for a fresh random r), exponent blinding (fresh k, k' from
 * `crypto` on every call) and the CRT, in native bigints: five to ten times faster than forge's
 * BigInteger, the same result.
 * @param trace test hook: receives the blinded exponents this call used
 * @throws when the ciphertext is not `k` bytes or not below the modulus (as forge does)
 */
export function rsaDecryptRaw(key: forge.pki.rsa.PrivateKey, ciphertext: Uint8Array, crypto: Crypto, trace?: (used: BlindedExponents) => void): Uint8Array {
	const n = big(key.n);
	const k = Math.ceil(key.n.bitLength() / 8);
	if (ciphertext.length !== k) throw new Error('The ciphertext does not have the length of the modulus.');
	const c = BigInt(`0x${toHex(ciphertext)}`);
	if (c >= n) throw new Error('The ciphertext is not below the modulus.');
	let r = 0n;
	let rInverse: bigint | null = null;
	while (rInverse === null) {
		r = BigInt(`0x${toHex(crypto.getRandomValues(new Uint8Array(k)))}`) % n;
		rInverse = r > 1n ? modInverse(r, n) : null;
	}
	const blinded = (c * modPow(r, big(key.e), n)) % n;
	const p = big(key.p);
	const q = big(key.q);
	// x^(k(p-1)) = 1 mod p for x coprime to p (and 0 stays 0), so the blinded exponents give the same result.
	const used: BlindedExponents = { dP: big(key.dP) + blindingFactor(crypto) * (p - 1n), dQ: big(key.dQ) + blindingFactor(crypto) * (q - 1n) };
	trace?.(used);
	const m1 = modPow(blinded % p, used.dP, p);
	const m2 = modPow(blinded % q, used.dQ, q);
	let h = (big(key.qInv) * (m1 - m2)) % p;
	if (h < 0n) h += p;
	const m = ((m2 + h * q) * rInverse) % n;
	const out = fromHex(m.toString(16).padStart(2 * k, '0'));
	if (out === null || out.length !== k) throw new Error('The RSA result does not fit the modulus.');
	return out;
}

async function syntheticKey(crypto: Crypto, pkcs8: Uint8Array, ciphertext: Uint8Array, length: number): Promise<Uint8Array> {
	const label = new TextEncoder().encode('sealdesk rsa implicit rejection');
	const seed = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...label, ...pkcs8])));
	const hk = await crypto.subtle.importKey('raw', seed, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
	seed.fill(0);
	const out = new Uint8Array(length);
	for (let i = 0, filled = 0; filled < length; i++) {
		const block = new Uint8Array(await crypto.subtle.sign('HMAC', hk, new Uint8Array([i, ...ciphertext])));
		const take = Math.min(block.length, length - filled);
		out.set(block.subarray(0, take), filled);
		filled += take;
	}
	return out;
}

/**
 * Decrypts an RSAES-PKCS1-v1_5 `ciphertext` with the RSA private key in `pkcs8` (PKCS#8 or
 * PKCS#1 DER) and returns a key of exactly `expectedLength` bytes. Never reports a padding
 * failure: when the padding is wrong, or the recovered key has the wrong length, or the
 * ciphertext has the wrong size, it returns a deterministic pseudo-random key instead
 * (implicit rejection). Throws only when `pkcs8` is not an RSA private key.
 * The caller keeps ownership of `pkcs8` and should zero it afterwards.
 */
export async function rsaPkcs1DecryptImplicit(
	pkcs8: Uint8Array,
	ciphertext: Uint8Array,
	expectedLength: number,
	crypto: Crypto
): Promise<Uint8Array> {
	const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinary(pkcs8)));
	const synthetic = await syntheticKey(crypto, pkcs8, ciphertext, expectedLength);
	const k = Math.ceil(key.n.bitLength() / 8);
	let em: Uint8Array;
	try {
		em = rsaDecryptRaw(key, ciphertext, crypto);
	} catch {
		// Wrong length or a value not below the modulus: public facts, but treat alike.
		em = new Uint8Array(k);
	}
	// Branch-free padding check: 00 02 PS(>= 8 non-zero) 00 M, with |M| = expectedLength.
	let bad = (em[0] ?? 1) | ((em[1] ?? 0) ^ 2);
	let zeroIndex = 0;
	let found = 0;
	for (let i = 2; i < em.length; i++) {
		const isZero = ((em[i] ?? 0) - 1) >>> 31; // 1 when the byte is zero
		const first = isZero & (found ^ 1);
		zeroIndex |= -first & i;
		found |= isZero;
	}
	bad |= found ^ 1;
	bad |= zeroIndex < 10 ? 1 : 0;
	bad |= em.length - zeroIndex - 1 === expectedLength ? 0 : 1;
	const mask = -(bad === 0 ? 1 : 0) & 0xff; // 0xff keeps the real key
	const out = new Uint8Array(expectedLength);
	const start = em.length - expectedLength;
	for (let i = 0; i < expectedLength; i++) {
		out[i] = ((em[start + i] ?? 0) & mask) | ((synthetic[i] ?? 0) & ~mask & 0xff);
	}
	em.fill(0);
	synthetic.fill(0);
	return out;
}
