/**
 * Reading a Blob (a File the agent picked) once, in order, in chunks of whole base64 lines into
 * one reused buffer, so that an attachment of any size is encoded without ever being held whole.
 */
import { release } from '../base/memory';

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
 * copied into it, and each chunk's memory is released once copied (see base/memory release). Each call
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
