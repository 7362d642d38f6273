/**
 * Laying out an outgoing message as pieces of known length, so that it is written once into
 * one buffer of the right size: a large attachment or ciphertext is never copied between
 * intermediate arrays, only read once by the base64 encoder.
 */
import { base64LinesLength, totalLength, writeBase64Lines } from '../mime/base64-encode';
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
