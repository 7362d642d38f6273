/**
 * Laying out an outgoing message as pieces of known length, so that it is written once into
 * one buffer of the right size: a large attachment or ciphertext is never copied between
 * intermediate arrays, only read once by the base64 encoder.
 */
import { Base64LineWriter, base64LinesLength, totalLength, writeBase64Lines } from '../mime/base64-encode';
import { indexOfBytes, latin1ToBytes } from '../mime/bytes';

/** Literal bytes, or the base64 lines (76 columns, CRLF) of the concatenation of some chunks. */
export type Piece = Uint8Array | { base64: readonly Uint8Array[] };

/** The length of one piece once written. */
export function pieceLength(p: Piece): number {
	return p instanceof Uint8Array ? p.length : base64LinesLength(totalLength(p.base64));
}

/** The length of the pieces once written. */
export function piecesLength(pieces: readonly Piece[]): number {
	let n = 0;
	for (const p of pieces) n += pieceLength(p);
	return n;
}

/**
 * Writes the pieces into `out` from `at` and returns the offset after them.
 * @throws RangeError when they do not fit
 */
export function writePieces(pieces: readonly Piece[], out: Uint8Array, at: number): number {
	let o = at;
	for (const p of pieces) {
		if (p instanceof Uint8Array) {
			if (o + p.length > out.length) throw new RangeError('The message does not fit its buffer.');
			out.set(p, o);
			o += p.length;
		} else o = writeBase64Lines(p.base64, out, o);
	}
	return o;
}

/** The pieces written into a new array of exactly their length. */
export function materialize(pieces: readonly Piece[]): Uint8Array {
	const out = new Uint8Array(piecesLength(pieces));
	writePieces(pieces, out, 0);
	return out;
}

/** True when the pieces, written, end in CRLF: base64 lines do (when there are any), literals are looked at. */
export function piecesEndWithCrlf(pieces: readonly Piece[]): boolean {
	const bytes: number[] = [];
	for (let i = pieces.length - 1; i >= 0 && bytes.length < 2; i--) {
		const p = pieces[i] as Piece;
		if (!(p instanceof Uint8Array)) {
			if (totalLength(p.base64) === 0) continue;
			bytes.unshift(0x0d, 0x0a);
			break;
		}
		for (let j = p.length - 1; j >= 0 && bytes.length < 2; j--) bytes.unshift(p[j] as number);
	}
	return bytes.at(-2) === 0x0d && bytes.at(-1) === 0x0a;
}

/**
 * A random boundary (`----=_sealdesk_` and 36 hex digits) that occurs in none of the literal
 * pieces. Base64 pieces need no search: their alphabet has no '-', so no delimiter line
 * ("--" + boundary) can occur in them.
 */
export function boundaryFor(pieces: readonly Piece[]): string {
	const literals = pieces.filter((p): p is Uint8Array => p instanceof Uint8Array);
	for (;;) {
		const r = new Uint8Array(18);
		globalThis.crypto.getRandomValues(r);
		const b = '----=_sealdesk_' + Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('');
		const needle = latin1ToBytes(b);
		if (literals.every((c) => indexOfBytes(c, needle) === -1)) return b;
	}
}

/** ASCII text as bytes (header lines, delimiters). */
export function ascii(s: string): Uint8Array {
	return latin1ToBytes(s);
}

/** Input bytes of base64 encoded per batch by {@link PieceReader}: whole lines (57 bytes each). */
const BATCH_LINES = 1024;

/**
 * Reads the written form of pieces in order, into the caller's buffer, without ever holding
 * it whole: literals are copied, base64 is encoded a batch of lines at a time into a small
 * staging buffer. The pieces' bytes must not change while it reads.
 */
export class PieceReader {
	/** The written length of all the pieces. */
	readonly length: number;
	readonly #pieces: readonly Piece[];
	#index = 0;
	/** Offset in the current literal piece, or in the current base64 piece's input. */
	#offset = 0;
	readonly #staging = new Uint8Array(BATCH_LINES * 78);
	#staged: Uint8Array = new Uint8Array();

	constructor(pieces: readonly Piece[]) {
		this.#pieces = pieces;
		this.length = piecesLength(pieces);
	}

	/** Fills `into` from the start with the next bytes; returns how many (fewer only at the end, 0 after it). */
	read(into: Uint8Array): number {
		let n = 0;
		while (n < into.length) {
			if (this.#staged.length > 0) {
				const k = Math.min(this.#staged.length, into.length - n);
				into.set(this.#staged.subarray(0, k), n);
				this.#staged = this.#staged.subarray(k);
				n += k;
				continue;
			}
			const p = this.#pieces[this.#index];
			if (p === undefined) break;
			if (p instanceof Uint8Array) {
				const k = Math.min(p.length - this.#offset, into.length - n);
				into.set(p.subarray(this.#offset, this.#offset + k), n);
				this.#offset += k;
				n += k;
			} else this.#stage(p.base64);
			if (p instanceof Uint8Array ? this.#offset === p.length : this.#offset === totalLength(p.base64) && this.#staged.length === 0) {
				this.#index++;
				this.#offset = 0;
			}
		}
		return n;
	}

	/** Encodes the next batch of whole lines (or the rest, ended) of a base64 piece into the staging buffer. */
	#stage(chunks: readonly Uint8Array[]): void {
		const total = totalLength(chunks);
		const take = Math.min(total - this.#offset, BATCH_LINES * 57);
		const w = new Base64LineWriter(this.#staging, 0);
		// Feed [offset, offset + take) of the chunks' concatenation.
		let skip = this.#offset;
		let left = take;
		for (const c of chunks) {
			if (left === 0) break;
			if (skip >= c.length) {
				skip -= c.length;
				continue;
			}
			const part = c.subarray(skip, Math.min(c.length, skip + left));
			w.write(part);
			left -= part.length;
			skip = 0;
		}
		this.#offset += take;
		// A batch of whole lines leaves nothing pending; only the last one needs ending.
		this.#staged = this.#staging.subarray(0, this.#offset === total ? w.end() : (take / 57) * 78);
	}
}
