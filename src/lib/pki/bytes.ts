/**
 * Small byte helpers shared by the pki readers.
 */

/** Lower-case hex of the bytes, without separators. */
export function toHex(bytes: Uint8Array): string {
	let s = '';
	for (const b of bytes) s += b.toString(16).padStart(2, '0');
	return s;
}

/** The bytes as a fresh ArrayBuffer-backed view (WebCrypto and asn1js want exact buffers). */
export function exact(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(bytes.byteLength);
	out.set(bytes);
	return out;
}

/** The bytes as an ArrayBuffer of exactly their length. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
	return exact(bytes).buffer;
}

/** A "binary string" (one char per byte), as node-forge wants. */
export function toBinary(bytes: Uint8Array): string {
	let s = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return s;
}

/** Bytes from a "binary string" (one char per byte), as node-forge returns. */
export function fromBinary(s: string): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
	return out;
}

/**
 * Decodes strict base64 (whitespace ignored).
 * @returns the bytes, or null when the text is not valid base64
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

/** Base64 with lines of 64 characters, as in PEM. */
export function toBase64Lines(bytes: Uint8Array): string {
	const b64 = btoa(toBinary(bytes));
	return b64.replace(/.{1,64}/g, '$&\n');
}

/** Hex from bytes, upper case, as OpenSSL prints serials. */
export function toUpperHex(bytes: Uint8Array): string {
	return toHex(bytes).toUpperCase();
}

/** Bytes from hex (even length, no separators). Returns null for anything else. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
	if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
	const out = new Uint8Array(hex.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return out;
}

/** Overwrites the bytes with zeros (for plaintext key material). */
export function zero(bytes: Uint8Array): void {
	bytes.fill(0);
}

/** Byte-wise equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let d = 0;
	for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
	return d === 0;
}
