/**
 * Byte helpers every layer shares: hex, base64, "binary strings", concatenation, equality and
 * exact copies. This module sits at the bottom of the layer order and imports nothing of ours;
 * MIME-specific helpers (byte search, canonicalisation, the MIME base64 decoder) stay in
 * `mime/bytes.ts`, and platform memory (release, Blob copies) in `base/memory.ts`.
 */

const HEX = '0123456789abcdef';

/** Lower-case hex of the bytes, without separators (fingerprints, serials, random ids). */
export function toHex(bytes: Uint8Array): string {
	let s = '';
	for (const b of bytes) s += (HEX[b >> 4] ?? '') + (HEX[b & 15] ?? '');
	return s;
}

/**
 * Bytes from hex: an even number of hex digits (either case), no separators.
 * @returns the bytes, or null for anything else (odd length, a non-hex character)
 */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
	if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
	const out = new Uint8Array(hex.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return out;
}

/** The value of one hex digit given as a byte (either case), or -1 for anything else (or none). */
export function hexDigitValue(c: number | undefined): number {
	if (c === undefined) return -1;
	if (c >= 48 && c <= 57) return c - 48;
	if (c >= 97 && c <= 102) return c - 87;
	if (c >= 65 && c <= 70) return c - 55;
	return -1;
}

/**
 * A "binary string" with one character per byte (code points 0–255), as node-forge and
 * `btoa` want. Works in chunks, so large inputs do not overflow the argument stack.
 */
export function toBinary(bytes: Uint8Array): string {
	let s = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return s;
}

/**
 * Bytes from a "binary string" (one byte per character, each masked to 8 bits): what
 * node-forge and `atob` return, and ASCII or Latin-1 header text.
 */
export function fromBinary(s: string): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
	return out;
}

/** Standard base64 (RFC 4648 §4, with padding) of the bytes, on one line. */
export function toBase64(bytes: Uint8Array): string {
	return btoa(toBinary(bytes));
}

/**
 * Decodes strict standard base64; whitespace (line breaks) is ignored, padding is required.
 * For MIME bodies, which may be damaged and must be decoded leniently, use `mime/bytes`'s
 * `decodeBase64` instead.
 * @returns the bytes, or null when the text is empty or not valid base64
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
	const clean = text.replace(/\s+/g, '');
	if (clean.length === 0 || clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) return null;
	try {
		return fromBinary(atob(clean));
	} catch {
		return null;
	}
}

/** The parts one after another, in a new array of exactly their total length. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
	let n = 0;
	for (const p of parts) n += p.length;
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

/**
 * Whether the two arrays hold the same bytes. The comparison always reads every byte, so
 * its time depends on the length only, never on where the first difference is: it is the
 * one to use for digests, MACs and key identifiers (the CMS messageDigest check, the
 * recipient match), and it is cheap enough for everything else. The length is not secret.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let d = 0;
	for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
	return d === 0;
}

/**
 * The same bytes as a view WebCrypto's BufferSource accepts: the view itself when it sits in
 * an ordinary ArrayBuffer (no copy, so large content is not doubled), a copy only when the
 * memory is a SharedArrayBuffer. Use {@link exact} instead when the callee needs a buffer of
 * exactly the bytes' length (asn1js, transfer lists) or must not see later writes.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
	return bytes.buffer instanceof ArrayBuffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
}

/**
 * A copy of the bytes in a fresh ArrayBuffer of exactly their length, as WebCrypto's
 * BufferSource and asn1js want (a view into a larger or shared buffer would not do).
 */
export function exact(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(bytes.byteLength);
	out.set(bytes);
	return out;
}
