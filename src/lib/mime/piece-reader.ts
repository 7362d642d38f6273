/**
 * Reading the written form of outgoing pieces in order, a buffer at a time, without ever
 * holding it whole: what the encryption of an unsigned message consumes.
 */
import { Base64LineWriter, base64LinesLength, totalLength } from './base64-encode';
import { BLOB_CHUNK, BlobChunks } from './blob-chunks';
import { isBlobPiece, piecesLength, type BlobPiece, type Piece } from './out-pieces';

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
