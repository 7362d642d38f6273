/**
 * Laying out an outgoing message as pieces of known length, so that it is written once into
 * one buffer of the right size: a large attachment or ciphertext is never copied between
 * intermediate arrays, only read once by the base64 encoder. An attachment may be a Blob (a
 * File the agent picked): its length is its size, and its bytes are read from its stream into
 * one reused buffer as they are encoded, never held whole.
 */
import { Base64LineWriter, base64LinesLength, totalLength } from '../mime/base64-encode';
import { release } from '../cms/release';
import type { BlobCopier } from '../mime/blob-copy';
import { fromBinary, toHex } from '../base/bytes';
import { indexOfBytes } from '../mime/bytes';

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

function isBlobPiece(p: Piece): p is BlobPiece {
	return !(p instanceof Uint8Array) && p.base64 instanceof Blob;
}

/** The input length of a base64 piece. */
function inputLength(p: Exclude<Piece, Uint8Array>): number {
	return isBlobPiece(p) ? p.base64.size : totalLength(p.base64);
}

/** A Blob that could not be read, or that did not hold `size` bytes (a File changed after it was picked). */
export class BlobReadError extends Error {
	/** The piece's label. */
	readonly label: string;
	constructor(label: string, options?: ErrorOptions) {
		super(`The attachment "${label}" could not be read.`, options);
		this.name = 'BlobReadError';
		this.label = label;
	}
}

/** Bytes per read of a Blob: whole base64 lines (57 bytes each), about 1 MiB. */
export const BLOB_CHUNK = 57 * 18396;

const EMPTY = new Uint8Array();

/**
 * A Blob read once, in order, into one buffer reused for every chunk: the stream's chunks are
 * copied into it, and each chunk's memory is released once copied (see cms/release). Each call
 * fills the buffer, so a buffer of whole base64 lines gives whole lines until the last chunk.
 *
 * Not a BYOB reader, though a Blob's stream is a byte stream and BYOB would save the copy: in
 * Chromium 156 a BYOB read of a File's stream now and then never settled (seen by
 * bench/soak.mjs: the desk worker waiting on one BYOB read, the page idle, 1 in 25 to 300 large
 * signs), and the default reader was not seen to.
 */
export class BlobChunks {
	readonly #blob: Blob;
	readonly #label: string;
	readonly #buffer: Uint8Array;
	#reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
	/** The stream's current chunk, and the part of it not yet copied. */
	#chunk: Uint8Array = EMPTY;
	#pending: Uint8Array = EMPTY;
	#read = 0;
	#streamDone = false;
	#ended = false;
	/** A platform Blob or File: its stream's chunks are fresh memory, ours to free. */
	readonly #freshChunks: boolean;

	/** `capacity` (at least 1) bounds the buffer; a smaller Blob gets a buffer of its size. */
	constructor(blob: Blob, label: string, capacity = BLOB_CHUNK) {
		this.#blob = blob;
		this.#freshChunks = blob.constructor === Blob || (typeof File !== 'undefined' && blob.constructor === File);
		this.#label = label;
		this.#buffer = new Uint8Array(Math.max(1, Math.min(capacity, blob.size)));
	}

	/**
	 * The next bytes, filling the buffer (fewer only in the last chunk), or an empty array once
	 * every byte has been given. A chunk is valid until the next call.
	 * @throws BlobReadError when the Blob cannot be read, or yields more or fewer bytes than its size
	 */
	async next(): Promise<Uint8Array> {
		if (this.#ended) return EMPTY;
		try {
			const n = await this.#fill();
			this.#read += n;
			if (this.#read > this.#blob.size) throw new Error(`The Blob yields more than its size (${String(this.#blob.size)} bytes).`);
			if (n === 0) {
				if (this.#read !== this.#blob.size) throw new Error(`The Blob yields ${String(this.#read)} of its ${String(this.#blob.size)} bytes.`);
				this.#ended = true;
			}
			return this.#buffer.subarray(0, n);
		} catch (cause) {
			this.#ended = true;
			void this.#reader?.cancel().catch(() => undefined);
			throw new BlobReadError(this.#label, { cause });
		}
	}

	async #fill(): Promise<number> {
		const reader = (this.#reader ??= this.#blob.stream().getReader());
		const capacity = this.#buffer.length;
		let n = 0;
		while (n < capacity && !this.#streamDone) {
			if (this.#pending.length === 0) {
				const { value, done } = await reader.read();
				if (done) {
					this.#streamDone = true;
					break;
				}
				this.#chunk = this.#pending = value;
			}
			const k = Math.min(this.#pending.length, capacity - n);
			this.#buffer.set(this.#pending.subarray(0, k), n);
			this.#pending = this.#pending.subarray(k);
			n += k;
			// A platform Blob's chunk that is a whole buffer of its own: free it now, not at a collection.
			if (this.#freshChunks && this.#pending.length === 0 && this.#chunk.byteOffset === 0 && this.#chunk.byteLength === this.#chunk.buffer.byteLength) release(this.#chunk.buffer);
		}
		return n;
	}
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
		const b = '----=_sealdesk_' + toHex(r);
		const needle = fromBinary(b);
		if (literals.every((c) => indexOfBytes(c, needle) === -1)) return b;
	}
}

/** ASCII text as bytes (header lines, delimiters). */
export function ascii(s: string): Uint8Array {
	return fromBinary(s);
}

/** Input bytes of base64 encoded per batch by {@link PieceReader}: whole lines (57 bytes each). */
const BATCH_LINES = 1024;

/**
 * Reads the written form of pieces in order, into the caller's buffer, without ever holding
 * it whole: literals are copied, base64 is encoded a batch of lines at a time into a small
 * staging buffer (a Blob's a chunk of {@link BLOB_CHUNK} at a time, as it is read). The
 * pieces' bytes must not change while it reads.
 */
export class PieceReader {
	/** The written length of all the pieces. */
	readonly length: number;
	readonly #pieces: readonly Piece[];
	readonly #blobChunk: number;
	#index = 0;
	/** Offset in the current literal piece, or in the current base64 piece's input. */
	#offset = 0;
	/** The current Blob piece's reader. */
	#blob: BlobChunks | null = null;
	#staging: Uint8Array = new Uint8Array(BATCH_LINES * 78);
	#staged: Uint8Array = new Uint8Array();

	/** `blobChunk` (whole base64 lines, a multiple of 57) is for tests. */
	constructor(pieces: readonly Piece[], blobChunk = BLOB_CHUNK) {
		if (blobChunk <= 0 || blobChunk % 57 !== 0) throw new RangeError('A Blob chunk must be whole base64 lines.');
		this.#pieces = pieces;
		this.#blobChunk = blobChunk;
		this.length = piecesLength(pieces);
	}

	/**
	 * Fills `into` from the start with the next bytes; returns how many (fewer only at the end, 0 after it).
	 * @throws BlobReadError when a Blob cannot be read or does not hold its size
	 */
	async read(into: Uint8Array): Promise<number> {
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
			let finished: boolean;
			if (p instanceof Uint8Array) {
				const k = Math.min(p.length - this.#offset, into.length - n);
				into.set(p.subarray(this.#offset, this.#offset + k), n);
				this.#offset += k;
				n += k;
				finished = this.#offset === p.length;
			} else if (isBlobPiece(p)) finished = await this.#stageBlob(p);
			else {
				const chunks = p.base64;
				this.#stage(chunks);
				finished = this.#offset === totalLength(chunks) && this.#staged.length === 0;
			}
			if (finished) {
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

	/**
	 * Reads the next chunk of a Blob piece and stages its base64; true when the Blob has ended
	 * (nothing staged). Every chunk but the last is whole lines, so each is ended on its own.
	 */
	async #stageBlob(p: BlobPiece): Promise<boolean> {
		this.#blob ??= new BlobChunks(p.base64, p.label, this.#blobChunk);
		const c = await this.#blob.next();
		if (c.length === 0) {
			this.#blob = null;
			return true;
		}
		const need = base64LinesLength(c.length);
		if (this.#staging.length < need) this.#staging = new Uint8Array(base64LinesLength(Math.min(this.#blobChunk, p.base64.size)));
		const w = new Base64LineWriter(this.#staging, 0);
		w.write(c);
		this.#staged = this.#staging.subarray(0, w.end());
		return false;
	}
}
