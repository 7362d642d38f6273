/**
 * Making a large Blob from bytes a part at a time (see {@link BlobCopier}), so that the page
 * never holds a second whole copy of them while blob storage takes it.
 */

/**
 * Bytes per part of a {@link BlobCopier}'s Blob. Measured in Chromium on a 10 MB attachment
 * (encrypt, peak of the renderer over the message size): one Blob made at the end 5.2-6.5×;
 * parts of 8 MiB 4.8-6.0×, 1 MiB 3.5-3.9×, 256 KiB about the same as 1 MiB but 15 % slower.
 */
export const COPY_PART = 1 << 20;

/**
 * A Blob copy of a buffer being written front to back, made a part at a time as the writing
 * passes each part's end. Chromium keeps a new Blob's bytes in the page until its blob storage
 * has taken them (a Blob of the whole message made at the end held about 1.5× the message
 * there, on top of the buffer); parts made while the rest is still being written are taken
 * meanwhile, so the page holds one or two of them at a time.
 */
export class BlobCopier {
	readonly #parts: Blob[] = [];
	readonly #part: number;
	#copied = 0;

	/** `part` (bytes per part, at least 1) is for tests. */
	constructor(part = COPY_PART) {
		if (!(part >= 1)) throw new RangeError('A Blob part must hold at least one byte.');
		this.#part = part;
	}

	/**
	 * Copies every whole part of `bytes` that ends at or before `end`. The bytes copied so far
	 * must not change afterwards; `bytes` may be another buffer holding the same bytes there (a
	 * buffer grown by copying).
	 */
	upTo(bytes: Uint8Array, end: number): void {
		while (end - this.#copied >= this.#part) {
			this.#parts.push(new Blob([bytes.subarray(this.#copied, this.#copied + this.#part) as Uint8Array<ArrayBuffer>]));
			this.#copied += this.#part;
		}
	}

	/**
	 * Copies the rest of `bytes[0, end)` and returns its Blob.
	 * @throws RangeError when `end` is before what has been copied already
	 */
	finish(bytes: Uint8Array, end: number): Blob {
		if (end < this.#copied) throw new RangeError('The Blob copy is past the end of the bytes.');
		this.#parts.push(new Blob([bytes.subarray(this.#copied, end) as Uint8Array<ArrayBuffer>]));
		this.#copied = end;
		return new Blob(this.#parts);
	}
}

/**
 * A Blob of `bytes`, made in parts of {@link COPY_PART} (one part when smaller). Made after the
 * bytes are complete, the parts are taken by blob storage as they are made: measured in
 * Chromium over 18.7 MB, about 4 MB held in the page at most, against 29 MB for one Blob of
 * the whole.
 */
export function blobOf(bytes: Uint8Array): Blob {
	if (bytes.length <= COPY_PART) return new Blob([bytes as Uint8Array<ArrayBuffer>]);
	const copy = new BlobCopier();
	copy.upTo(bytes, bytes.length);
	return copy.finish(bytes, bytes.length);
}
