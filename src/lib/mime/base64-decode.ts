/**
 * Base64 decoding from bytes (MIME bodies, encoded-words) into one buffer of the exact size.
 *
 * Large bodies are the point: fresh memory is slow to touch, so the output is allocated once,
 * at its final size, and nothing else of body size is allocated. Chromium's native
 * `setFromBase64` needs a string: Latin-1 slices of a 14 MB body allocate 14 MB of strings,
 * and in the desk worker that made it slower (130-170 ms) than this loop (70-120 ms, the
 * output's page faults included), so there is one path, the same in every runtime.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard alphabet value of a byte, or -1. */
const STD = new Int32Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) STD[ALPHABET.charCodeAt(i)] = i;

/** As STD, plus the URL-safe '-' and '_' that the lenient decoder has always accepted. */
const LENIENT = Int32Array.from(STD);
LENIENT[45] = 62;
LENIENT[95] = 63;

/** 1 for the bytes clean base64 has before its padding: the standard alphabet and ASCII whitespace. */
const CLEAN = new Uint8Array(256);
for (let i = 0; i < 256; i++) CLEAN[i] = (STD[i] ?? -1) >= 0 || i === 32 || i === 10 || i === 13 || i === 9 || i === 12 ? 1 : 0;

/** Whitespace that clean base64 may carry: TAB, LF, FF, CR, SP (ASCII whitespace). */
function isSpace(c: number): boolean {
	return c === 32 || c === 10 || c === 13 || c === 9 || c === 12;
}

/** Bytes that `chars` base64 data characters decode to (a lone trailing character carries none). */
function bytesFor(chars: number): number {
	const rest = chars % 4;
	return Math.floor(chars / 4) * 3 + (rest > 1 ? rest - 1 : 0);
}

/** The end of `src` without trailing padding and whitespace. */
function dataEnd(src: Uint8Array): number {
	let end = src.length;
	while (end > 0) {
		const c = src[end - 1] ?? 0;
		if (c !== 61 && !isSpace(c)) break;
		end--;
	}
	return end;
}

/**
 * The decoded size if every line is as long as the first (MIME writes 76 characters and CRLF):
 * exact for the usual shape, found without reading the body.
 */
function decodedSizeGuess(src: Uint8Array): number {
	const end = dataEnd(src);
	const lf = src.indexOf(10);
	if (lf === -1 || lf >= end) return bytesFor(end);
	const eol = lf > 0 && src[lf - 1] === 13 ? 2 : 1;
	return bytesFor(end - Math.floor(end / (lf + 1)) * eol);
}

/** The decoded size when only line breaks and trailing padding are not data: exact unless there are spaces or junk. */
function decodedSizeBound(src: Uint8Array): number {
	const end = dataEnd(src);
	let chars = end;
	for (let i = src.indexOf(10); i !== -1 && i < end; i = src.indexOf(10, i + 1)) {
		chars -= i > 0 && src[i - 1] === 13 ? 2 : 1;
	}
	return bytesFor(chars);
}

/**
 * How {@link decodeLoop} reads what is not four data characters in a row. Clean: whitespace is
 * skipped, junk fails, after '=' only '=' and whitespace. Lenient (the historical rules): junk
 * and whitespace skipped, URL-safe '-' and '_' read as data, '=' stops. Postal (postal-mime 4's):
 * anything but the standard alphabet and '=' skipped, each run of '=' ends a unit.
 */
const Mode = { Clean: 0, Lenient: 1, Postal: 2 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * The one base64 loop of this module: four characters at a time while they are standard data,
 * otherwise one at a time under `mode`'s rules. A trailing group of two characters gives one
 * byte, of three gives two, and a lone character none. Bytes are written only after the
 * characters they come from were read, so `out` may be `src` itself.
 * @returns the number of bytes decoded, which may exceed `out.length` (the excess is not
 *   written), or -1 (Clean mode only) at the first byte that clean base64 does not have
 */
function decodeLoop(src: Uint8Array, out: Uint8Array, mode: Mode): number {
	const n = src.length;
	const table = mode === Mode.Lenient ? LENIENT : STD;
	let o = 0;
	let i = 0;
	let acc = 0;
	let k = 0;
	while (i < n) {
		if (k === 0 && i + 4 <= n) {
			const x = ((STD[src[i] as number] as number) << 18) | ((STD[src[i + 1] as number] as number) << 12) | ((STD[src[i + 2] as number] as number) << 6) | (STD[src[i + 3] as number] as number);
			if (x >= 0) {
				out[o] = x >> 16;
				out[o + 1] = (x >> 8) & 255;
				out[o + 2] = x & 255;
				o += 3;
				i += 4;
				continue;
			}
		}
		const c = src[i++] as number;
		const v = table[c] as number;
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
			if (mode === Mode.Lenient) break;
			if (mode === Mode.Clean) {
				for (; i < n; i++) {
					const d = src[i] as number;
					if (d !== 61 && !isSpace(d)) return -1;
				}
				break;
			}
			// Postal: the end of a unit, its partial group as postal-mime's decodeBase64 of the unit.
			o = writeTail(out, o, acc, k);
			acc = 0;
			k = 0;
		} else if (mode === Mode.Clean && !isSpace(c)) return -1;
	}
	return writeTail(out, o, acc, k);
}

/** Writes the bytes of a partial group of `k` characters; returns the new output length. */
function writeTail(out: Uint8Array, o: number, acc: number, k: number): number {
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
	let out = new Uint8Array(decodedSizeGuess(src));
	let written = decodeLoop(src, out, Mode.Clean);
	if (written < 0) return null;
	if (written > out.length) {
		// Longer lines than the first: size it by counting the line breaks.
		out = new Uint8Array(decodedSizeBound(src));
		written = decodeLoop(src, out, Mode.Clean);
	}
	return written === out.length ? out : out.slice(0, written);
}

/** The historical lenient rules (see {@link decodeBase64}) into a fresh buffer of the exact size. */
function decodeLenient(src: Uint8Array): Uint8Array {
	const out = new Uint8Array(bytesFor(src.length));
	const o = decodeLoop(src, out, Mode.Lenient);
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

/**
 * True when {@link decodeCleanBase64} would decode `src` (it returns null otherwise): only the
 * standard alphabet and ASCII whitespace, and after the first '=' only '=' and whitespace.
 * Reads `src` once and allocates nothing.
 */
export function isCleanBase64(src: Uint8Array): boolean {
	const n = src.length;
	let i = 0;
	// Four at a time while all are data or whitespace (the usual whole body), then one at a time.
	for (; i + 4 <= n; i += 4) {
		// In bounds, so no `?? 0`: it doubles the cost of this loop in V8.
		if (((CLEAN[src[i] as number] as number) & (CLEAN[src[i + 1] as number] as number) & (CLEAN[src[i + 2] as number] as number) & (CLEAN[src[i + 3] as number] as number)) === 0) break;
	}
	while (i < n && CLEAN[src[i] ?? 0] === 1) i++;
	if (i < n && src[i] !== 61) return false;
	for (; i < n; i++) {
		const c = src[i] ?? 0;
		if (c !== 61 && !isSpace(c)) return false;
	}
	return true;
}

/**
 * {@link decodeCleanBase64} written over its own input: for a caller that owns `src` and has
 * no further use for it. The output never overtakes the input (three bytes are written only
 * after the four characters they come from were read), so no other buffer is needed.
 * @returns a view of the start of `src` holding the decoded bytes, or null (with `src`
 *   unchanged) when `src` is not clean base64
 */
export function decodeCleanBase64InPlace(src: Uint8Array): Uint8Array | null {
	if (!isCleanBase64(src)) return null;
	return src.subarray(0, decodeLoop(src, src, Mode.Clean));
}

/**
 * {@link decodeCleanBase64InPlace} for input that {@link isCleanBase64} has already accepted and
 * that has not changed since: the same result without reading it a second time to check.
 * @throws Error when `src` is not clean base64 after all (a caller's mistake; `src` may then be
 *   partly overwritten)
 */
export function decodeCheckedBase64InPlace(src: Uint8Array): Uint8Array {
	const written = decodeLoop(src, src, Mode.Clean);
	if (written < 0) throw new Error('The bytes are not clean base64.');
	return src.subarray(0, written);
}

/**
 * {@link decodeBase64} written over its own input (same result, always): for a caller that
 * owns `src` and has no further use for it. Four characters at a time while they are clean,
 * otherwise the lenient rules one character at a time (skip junk and whitespace, accept '-'
 * and '_', stop at '='). Bytes are written only after the characters they come from were read,
 * so the output never overtakes the input.
 * @returns a view of the start of `src` holding the decoded bytes
 */
export function decodeBase64InPlace(src: Uint8Array): Uint8Array {
	return src.subarray(0, decodeLoop(src, src, Mode.Lenient));
}

/**
 * Decodes base64 exactly as postal-mime 4 decodes a base64 body, in one linear pass: every byte
 * outside the standard alphabet and '=' is dropped (whitespace, '-', '_', junk, non-ASCII: its
 * per-line UTF-8 decoding never swallows an ASCII byte), each run of '=' ends a unit and decoding
 * goes on after it, and each unit is decoded on its own: four characters give three bytes, a
 * trailing two give one, three give two, and a lone trailing character is dropped. Unlike
 * {@link decodeBase64}, which stops at the first '=' and reads '-' and '_' as URL-safe data.
 * @param out - where the bytes go: a buffer of at least `src.length * 3 / 4` bytes, or `src`
 *   itself (bytes are written only after the characters they come from were read)
 * @returns a view of the start of `out` (a fresh exact buffer when `out` is not given)
 */
export function decodePostalBase64(src: Uint8Array, out?: Uint8Array): Uint8Array {
	const dst = out ?? new Uint8Array(Math.floor(src.length / 4) * 3 + 2);
	const o = decodeLoop(src, dst, Mode.Postal);
	return out ? dst.subarray(0, o) : dst.slice(0, o);
}

/**
 * Runs every decoder on a few short inputs, once, when this module loads. V8 compiles a hot
 * loop while it runs (on-stack replacement) with the type feedback gathered until then, so
 * code after the loop that has never run has none: leaving the loop of the first large body
 * deoptimizes the function, and after a few such rounds V8 waits longer before optimizing it
 * again, so that a whole body is decoded by the interpreter. Measured in Chromium: one 10 MB
 * decrypt in every three or four took 0.75 s instead of 0.4 s, isCleanBase64 and
 * decodeBase64InPlace running unoptimized. Short inputs run whole in the interpreter and leave
 * feedback on every path, clean and not.
 */
function warmUp(): void {
	const samples = ['QUJD', 'QUI=', 'QQ==', 'QUJD\r\nQUJD\r\n', 'QUJDRA==\r\n', 'Q', ' QU\tJD ', 'QU-_', 'QUJD!QUJD', 'QQ==QQ', 'QQ\r\nQ=Q\r\n', ''];
	for (const sample of samples) {
		const bytes = Uint8Array.from(sample, (c) => c.charCodeAt(0));
		const clean = isCleanBase64(bytes);
		decodeBase64(bytes);
		decodeBase64InPlace(bytes.slice());
		if (clean) decodeCheckedBase64InPlace(bytes.slice());
		decodeCleanBase64InPlace(bytes.slice());
		decodePostalBase64(bytes);
		decodePostalBase64(bytes.slice(), bytes.slice());
	}
}

warmUp();
