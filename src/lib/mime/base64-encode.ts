/**
 * Base64 for outgoing MIME (RFC 2045 §6.8): lines of 76 characters, each ending in CRLF,
 * written straight into a caller's buffer of known size, so a large attachment or ciphertext
 * is encoded without a string, an intermediate array or a second copy. The input may be
 * several chunks encoded as one stream (a DER header, the ciphertext, the tag).
 *
 * A table encoder, not Chromium's native `toBase64`: the native string has no line breaks, and
 * encoding it into place and spreading the lines measured slower (13.7 MB into a touched
 * buffer in Chromium 156: table 20 ms, native then spread 28-36 ms).
 */

/** Characters per line, before the CRLF. */
const LINE = 76;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CHARS = new Uint8Array(64);
for (let i = 0; i < 64; i++) CHARS[i] = ALPHABET.charCodeAt(i);

/** The encoded length of `n` bytes: 4 characters per 3 bytes (padded), plus CRLF per started line. */
export function base64LinesLength(n: number): number {
	if (n === 0) return 0;
	const chars = Math.ceil(n / 3) * 4;
	return chars + Math.ceil(chars / LINE) * 2;
}

/** The sum of the chunk lengths. */
export function totalLength(chunks: readonly Uint8Array[]): number {
	let n = 0;
	for (const c of chunks) n += c.length;
	return n;
}

/**
 * An incremental encoder: chunks written one after another are encoded as one stream into
 * `out` from `at`, in lines of 76 characters each ending in CRLF (the last line too; nothing
 * for empty input). Exactly {@link base64LinesLength}(total) bytes are written.
 */
export class Base64LineWriter {
	readonly #out: Uint8Array;
	#o: number;
	#col = 0;
	readonly #carry = new Uint8Array(3);
	#held = 0;
	#ended = false;

	constructor(out: Uint8Array, at: number) {
		if (at < 0 || at > out.length) throw new RangeError('The base64 output does not fit.');
		this.#out = out;
		this.#o = at;
	}

	/** The offset after the output written so far (up to two input bytes may wait for their group). */
	get offset(): number {
		return this.#o;
	}

	/**
	 * Encodes the next chunk (it is read now, not kept).
	 * @throws RangeError when the output would not fit, or after {@link end}
	 */
	write(c: Uint8Array): void {
		if (this.#ended) throw new RangeError('The base64 output has ended.');
		let p = 0;
		// Complete a group begun in an earlier chunk.
		while (this.#held > 0 && this.#held < 3 && p < c.length) this.#carry[this.#held++] = c[p++] as number;
		if (this.#held === 3) {
			this.#encode(this.#carry, 0, 3);
			this.#held = 0;
		}
		const bulkEnd = p + Math.floor((c.length - p) / 3) * 3;
		this.#encode(c, p, bulkEnd);
		for (p = bulkEnd; p < c.length; p++) this.#carry[this.#held++] = c[p] as number;
	}

	/**
	 * Writes the last group (padded) and the last CRLF, and returns the offset after the output.
	 * @throws RangeError when the output would not fit
	 */
	end(): number {
		if (this.#ended) return this.#o;
		this.#ended = true;
		const out = this.#out;
		const held = this.#held;
		if (held > 0) {
			if (this.#o + 6 > out.length) throw new RangeError('The base64 output does not fit.');
			const n = ((this.#carry[0] as number) << 16) | ((held > 1 ? (this.#carry[1] as number) : 0) << 8);
			out[this.#o++] = CHARS[n >>> 18] as number;
			out[this.#o++] = CHARS[(n >>> 12) & 63] as number;
			out[this.#o++] = held > 1 ? (CHARS[(n >>> 6) & 63] as number) : 61;
			out[this.#o++] = 61;
			this.#col += 4;
		}
		if (this.#col > 0) {
			if (this.#o + 2 > out.length) throw new RangeError('The base64 output does not fit.');
			out[this.#o++] = 13;
			out[this.#o++] = 10;
		}
		return this.#o;
	}

	/** Encodes `src[from, to)` (a multiple of 3 bytes) with the table, breaking lines at 76. */
	#encode(src: Uint8Array, from: number, to: number): void {
		const out = this.#out;
		let o = this.#o;
		let col = this.#col;
		const groups = (to - from) / 3;
		const need = groups * 4 + Math.floor((col + groups * 4) / LINE) * 2;
		if (o + need > out.length) throw new RangeError('The base64 output does not fit.');
		let i = from;
		while (i < to) {
			// col is a multiple of 4 below 76 here.
			const take = Math.min(to - i, ((LINE - col) >> 2) * 3);
			const end = i + take;
			for (; i < end; i += 3) {
				const n = ((src[i] as number) << 16) | ((src[i + 1] as number) << 8) | (src[i + 2] as number);
				out[o] = CHARS[n >>> 18] as number;
				out[o + 1] = CHARS[(n >>> 12) & 63] as number;
				out[o + 2] = CHARS[(n >>> 6) & 63] as number;
				out[o + 3] = CHARS[n & 63] as number;
				o += 4;
			}
			col += (take / 3) * 4;
			if (col === LINE) {
				out[o++] = 13;
				out[o++] = 10;
				col = 0;
			}
		}
		this.#o = o;
		this.#col = col;
	}
}

/**
 * Writes the base64 of the concatenation of `chunks` into `out` from `at` (see
 * {@link Base64LineWriter}) and returns the offset after it.
 * @throws RangeError when `out` is too small (nothing is guaranteed about `out` then)
 */
export function writeBase64Lines(chunks: Uint8Array | readonly Uint8Array[], out: Uint8Array, at: number): number {
	const list = chunks instanceof Uint8Array ? [chunks] : chunks;
	if (at < 0 || at + base64LinesLength(totalLength(list)) > out.length) throw new RangeError('The base64 output does not fit.');
	const w = new Base64LineWriter(out, at);
	for (const c of list) w.write(c);
	return w.end();
}

/** The base64 of `chunks` in CRLF-terminated lines of 76, as a new exact-size array. */
export function encodeBase64Lines(chunks: Uint8Array | readonly Uint8Array[]): Uint8Array {
	const list = chunks instanceof Uint8Array ? [chunks] : chunks;
	const out = new Uint8Array(base64LinesLength(totalLength(list)));
	writeBase64Lines(list, out, 0);
	return out;
}

/**
 * Encodes a few short inputs once, when this module loads, so that every path of the encoder
 * has type feedback before a large attachment is encoded: see warmUp in base64-decode. Without
 * it, V8 compiled the line loop while the first large chunk ran, and then deoptimized it at the
 * line break it had never seen, over and over (17 times over five 10 MB signs in Chromium).
 */
function warmUp(): void {
	for (const n of [0, 1, 2, 3, 57, 58, 59, 200]) {
		const input = new Uint8Array(n).fill(n);
		const w = new Base64LineWriter(new Uint8Array(base64LinesLength(n) * 2), 0);
		w.write(input.subarray(0, n >> 1));
		w.write(input.subarray(n >> 1));
		w.end();
		encodeBase64Lines([input]);
	}
}

warmUp();
