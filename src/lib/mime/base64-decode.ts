/**
 * Base64 decoding from bytes (MIME bodies, encoded-words) into one buffer of the exact size.
 *
 * Large bodies are the point: fresh memory is slow to touch, so the output is allocated once,
 * at its final size, and nothing else of body size is allocated (no whole-body strings). Where
 * the runtime has `Uint8Array.prototype.setFromBase64` (Chromium), it decodes 64 KB slices of
 * Latin-1 text into that buffer; elsewhere a table-driven loop does.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard alphabet value of a byte, or -1. */
const STD = new Int32Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) STD[ALPHABET.charCodeAt(i)] = i;

/** As STD, plus the URL-safe '-' and '_' that the lenient decoder has always accepted. */
const LENIENT = Int32Array.from(STD);
LENIENT[45] = 62;
LENIENT[95] = 63;

/** Whitespace that clean base64 may carry: TAB, LF, FF, CR, SP (ASCII whitespace, as in the native decoder). */
function isSpace(c: number): boolean {
	return c === 32 || c === 10 || c === 13 || c === 9 || c === 12;
}

/** Bytes that `chars` base64 data characters decode to (a lone trailing character carries none). */
function bytesFor(chars: number): number {
	const rest = chars % 4;
	return Math.floor(chars / 4) * 3 + (rest > 1 ? rest - 1 : 0);
}

/**
 * An upper bound of the decoded size that is exact for the usual shape (lines ending in CRLF
 * or LF, padding at the end): the length less line breaks and trailing padding and whitespace.
 */
function decodedSizeBound(src: Uint8Array): number {
	let end = src.length;
	while (end > 0) {
		const c = src[end - 1] ?? 0;
		if (c !== 61 && !isSpace(c)) break;
		end--;
	}
	let chars = end;
	for (let i = src.indexOf(10); i !== -1 && i < end; i = src.indexOf(10, i + 1)) {
		chars -= i > 0 && src[i - 1] === 13 ? 2 : 1;
	}
	return bytesFor(chars);
}

/** Text slice size for the native decoder: small strings stay in reused young memory. */
const SLICE = 64 * 1024;
const latin1 = new TextDecoder('latin1');

interface FromBase64Result {
	read: number;
	written: number;
}
type SetFromBase64 = (this: Uint8Array, text: string, options?: { lastChunkHandling?: 'loose' | 'strict' | 'stop-before-partial' }) => FromBase64Result;

function nativeSetFromBase64(): SetFromBase64 | undefined {
	const f = (Uint8Array.prototype as { setFromBase64?: SetFromBase64 }).setFromBase64;
	return typeof f === 'function' ? f : undefined;
}

/** Native decoding in slices; -1 when the text is not clean base64 (the caller then falls back). */
function decodeNative(setFromBase64: SetFromBase64, src: Uint8Array, out: Uint8Array): number {
	let read = 0;
	let written = 0;
	while (read < src.length) {
		const end = Math.min(src.length, read + SLICE);
		const last = end === src.length;
		const text = latin1.decode(src.subarray(read, end));
		let r: FromBase64Result;
		try {
			r = setFromBase64.call(out.subarray(written), text, { lastChunkHandling: last ? 'loose' : 'stop-before-partial' });
		} catch {
			return -1;
		}
		written += r.written;
		if (last) return r.read === text.length ? written : -1;
		// Padding before the last slice may be followed by more data, which clean base64 never is.
		if (r.read === 0 || text.includes('=')) return -1;
		read += r.read;
	}
	return written;
}

/** Table-driven decoding of clean base64; -1 at the first byte that clean base64 does not have. */
function decodeJs(src: Uint8Array, out: Uint8Array): number {
	const n = src.length;
	let o = 0;
	let i = 0;
	let acc = 0;
	let k = 0;
	while (i < n) {
		if (k === 0 && i + 4 <= n) {
			const x = ((STD[src[i] ?? 0] ?? -1) << 18) | ((STD[src[i + 1] ?? 0] ?? -1) << 12) | ((STD[src[i + 2] ?? 0] ?? -1) << 6) | (STD[src[i + 3] ?? 0] ?? -1);
			if (x >= 0) {
				out[o] = x >> 16;
				out[o + 1] = (x >> 8) & 255;
				out[o + 2] = x & 255;
				o += 3;
				i += 4;
				continue;
			}
		}
		const c = src[i++] ?? 0;
		const v = STD[c] ?? -1;
		if (v >= 0) {
			acc = (acc << 6) | v;
			if (++k === 4) {
				out[o] = acc >> 16;
				out[o + 1] = (acc >> 8) & 255;
				out[o + 2] = acc & 255;
				o += 3;
				acc = 0;
				k = 0;
			}
		} else if (c === 61) {
			for (; i < n; i++) {
				const d = src[i] ?? 0;
				if (d !== 61 && !isSpace(d)) return -1;
			}
		} else if (!isSpace(c)) return -1;
	}
	if (k === 2) out[o++] = (acc >> 4) & 255;
	else if (k === 3) {
		out[o++] = (acc >> 10) & 255;
		out[o++] = (acc >> 2) & 255;
	}
	return o;
}

/**
 * Decodes clean base64: the standard alphabet, ASCII whitespace anywhere, and padding only at
 * the end. A trailing group of one character is dropped, as postal-mime and
 * {@link decodeBase64} do.
 * @returns the decoded bytes in a buffer of their exact size (`byteOffset` 0), or null when
 *   the input has anything else (junk, URL-safe characters, data after padding); never throws
 */
export function decodeCleanBase64(src: Uint8Array): Uint8Array | null {
	const size = decodedSizeBound(src);
	const out = new Uint8Array(size);
	const native = nativeSetFromBase64();
	let written = native ? decodeNative(native, src, out) : -1;
	if (written < 0) written = decodeJs(src, out);
	if (written < 0) return null;
	return written === size ? out : out.slice(0, written);
}

/** The historical lenient loop: skips anything outside the alphabet, stops at '='. */
function decodeLenient(src: Uint8Array): Uint8Array {
	const out = new Uint8Array(bytesFor(src.length));
	let o = 0;
	let acc = 0;
	let bits = 0;
	for (let i = 0; i < src.length; i++) {
		const c = src[i] ?? 0;
		if (c === 61) break;
		const v = LENIENT[c] ?? -1;
		if (v < 0) continue;
		acc = ((acc << 6) | v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	return o === out.length ? out : out.slice(0, o);
}

/**
 * Decodes base64 leniently from bytes: skips whitespace and junk, accepts the URL-safe '-' and
 * '_', stops at '=', drops an incomplete trailing group (truncated input). Clean input takes
 * the fast path. Never throws.
 * @returns the decoded bytes in a buffer of their exact size
 */
export function decodeBase64(src: Uint8Array): Uint8Array {
	return decodeCleanBase64(src) ?? decodeLenient(src);
}
