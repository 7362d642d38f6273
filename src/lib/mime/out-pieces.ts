/**
 * Laying out an outgoing message as pieces of known length, so that it is written once into
 * one buffer of the right size: a large attachment or ciphertext is never copied between
 * intermediate arrays, only read once by the base64 encoder. An attachment may be a Blob (a
 * File the agent picked): its length is its size, and its bytes are read from its stream into
 * one reused buffer as they are encoded ({@link BlobChunks}), never held whole.
 */
import { Base64LineWriter, base64LinesLength, totalLength } from './base64-encode';
import type { BlobCopier } from '../base/memory';
import { BLOB_CHUNK, BlobChunks } from './blob-chunks';
import { fromBinary } from '../base/bytes';

/**
 * Literal bytes; the base64 lines (76 columns, CRLF) of the concatenation of some chunks; or
 * the base64 lines of a Blob's bytes, `label` naming it when it cannot be read.
 */
export type Piece = Uint8Array | { base64: readonly Uint8Array[] } | BlobPiece;

/** The base64 lines of a Blob's bytes (read when written), and what to call it in an error. */
export interface BlobPiece {
	base64: Blob;
	label: string;
}

/** True for a piece whose base64 input is a Blob. */
export function isBlobPiece(p: Piece): p is BlobPiece {
	return !(p instanceof Uint8Array) && p.base64 instanceof Blob;
}

/** The input length of a base64 piece (before encoding). */
function inputLength(p: Exclude<Piece, Uint8Array>): number {
	return isBlobPiece(p) ? p.base64.size : totalLength(p.base64);
}

/** The length of one piece once written. */
export function pieceLength(p: Piece): number {
	return p instanceof Uint8Array ? p.length : base64LinesLength(inputLength(p));
}

/** The length of the pieces once written. */
export function piecesLength(pieces: readonly Piece[]): number {
	let n = 0;
	for (const p of pieces) n += pieceLength(p);
	return n;
}

/**
 * Writes the pieces into `out` from `at` and returns the offset after them. A Blob's base64
 * goes straight into `out` from chunks read into one reused buffer. With `copy`, the bytes are
 * handed to it as they are written (at least every {@link BLOB_CHUNK} of input), so a large
 * piece is copied while it is being written.
 * @throws RangeError when they do not fit
 * @throws BlobReadError when a Blob cannot be read or does not hold its size
 */
export async function writePieces(pieces: readonly Piece[], out: Uint8Array, at: number, copy?: BlobCopier): Promise<number> {
	let o = at;
	for (const p of pieces) {
		if (o + pieceLength(p) > out.length) throw new RangeError('The message does not fit its buffer.');
		if (p instanceof Uint8Array) {
			out.set(p, o);
			o += p.length;
		} else if (isBlobPiece(p)) {
			const chunks = new BlobChunks(p.base64, p.label);
			const w = new Base64LineWriter(out, o);
			for (let c = await chunks.next(); c.length > 0; c = await chunks.next()) {
				w.write(c);
				copy?.upTo(out, w.offset);
			}
			o = w.end();
		} else {
			const w = new Base64LineWriter(out, o);
			for (const c of p.base64) {
				for (let i = 0; i < c.length; i += BLOB_CHUNK) {
					w.write(c.subarray(i, i + BLOB_CHUNK));
					copy?.upTo(out, w.offset);
				}
			}
			o = w.end();
		}
		copy?.upTo(out, o);
	}
	return o;
}

/**
 * The pieces written into a new array of exactly their length, and with `copy`, copied to it
 * as they are written (see {@link writePieces}; `copy.finish` is the caller's).
 * @throws BlobReadError when a Blob cannot be read or does not hold its size
 */
export async function materialize(pieces: readonly Piece[], copy?: BlobCopier): Promise<Uint8Array> {
	const out = new Uint8Array(piecesLength(pieces));
	await writePieces(pieces, out, 0, copy);
	return out;
}

/** True when the pieces, written, end in CRLF: base64 lines do (when there are any), literals are looked at. */
export function piecesEndWithCrlf(pieces: readonly Piece[]): boolean {
	const bytes: number[] = [];
	for (let i = pieces.length - 1; i >= 0 && bytes.length < 2; i--) {
		const p = pieces[i] as Piece;
		if (!(p instanceof Uint8Array)) {
			if (inputLength(p) === 0) continue;
			bytes.unshift(0x0d, 0x0a);
			break;
		}
		for (let j = p.length - 1; j >= 0 && bytes.length < 2; j--) bytes.unshift(p[j] as number);
	}
	return bytes.at(-2) === 0x0d && bytes.at(-1) === 0x0a;
}

/** ASCII text as bytes (header lines, delimiters). */
export function ascii(s: string): Uint8Array {
	return fromBinary(s);
}
