/**
 * Platform memory, at the bottom of every layer: who may overwrite a buffer ({@link OwnedBytes}),
 * freeing a large buffer now instead of at the next collection ({@link release}), and making a
 * large Blob of bytes a part at a time ({@link BlobCopier}, {@link blobOf}). Imports nothing of ours.
 */

// ---- Owned bytes ----

/**
 * Bytes handed over to their holder: no one else reads them afterwards, so the holder may decode,
 * decrypt or move data within them and release their buffer. A plain `Uint8Array` given where
 * `OwnedBytes` may be given is borrowed: it is read and left exactly as it was.
 *
 * Made by {@link own}, which states at the call site that the caller gives the bytes up;
 * {@link borrow} gives the view back for reading. A part of owned bytes ({@link OwnedBytes.subarray})
 * is owned with them. Ownership is a promise of the caller, not a copy: nothing here prevents
 * another view of the same memory from being read, so only bytes the caller made itself (read
 * from a Blob, encoded from a string, decoded or decrypted into a new buffer) should be owned.
 */
export class OwnedBytes {
	readonly #bytes: Uint8Array;

	/** Takes `bytes` over; {@link own} says the same at a call site. */
	constructor(bytes: Uint8Array) {
		this.#bytes = bytes;
	}

	/** The bytes, for reading and for writing by their holder. */
	get bytes(): Uint8Array {
		return this.#bytes;
	}

	/** Their length. */
	get length(): number {
		return this.#bytes.length;
	}

	/** A part of these bytes, owned along with them (the same memory). */
	subarray(start?: number, end?: number): OwnedBytes {
		return new OwnedBytes(this.#bytes.subarray(start, end));
	}

	/**
	 * `view`, a view of some of these bytes (such as a parsed part), owned along with them.
	 * @throws RangeError when `view` does not lie within these bytes
	 */
	part(view: Uint8Array): OwnedBytes {
		const start = view.byteOffset - this.#bytes.byteOffset;
		if (view.buffer !== this.#bytes.buffer || start < 0 || start + view.length > this.#bytes.length) throw new RangeError('The view does not lie in the owned bytes.');
		return new OwnedBytes(view);
	}
}

/** Bytes that may be given owned (the holder may overwrite them) or borrowed (a plain array, read only). */
export type MaybeOwned = Uint8Array | OwnedBytes;

/**
 * Hands `bytes` over: the callee may overwrite them and release their buffer, and the caller
 * reads them no more (except through what the callee gives back).
 */
export function own(bytes: Uint8Array): OwnedBytes {
	return new OwnedBytes(bytes);
}

/** The bytes of owned or borrowed input, to be read and never written. */
export function borrow(bytes: MaybeOwned): Uint8Array {
	return bytes instanceof OwnedBytes ? bytes.bytes : bytes;
}

/**
 * `view`, which lies within `bytes`, owned when `bytes` is and borrowed when not.
 * @throws RangeError when `bytes` is owned and `view` does not lie within it
 */
export function partOf(bytes: MaybeOwned, view: Uint8Array): MaybeOwned {
	return bytes instanceof OwnedBytes ? bytes.part(view) : view;
}

/** True when the holder of `bytes` may overwrite them. */
export function isOwned(bytes: MaybeOwned): bytes is OwnedBytes {
	return bytes instanceof OwnedBytes;
}

// ---- Releasing a buffer now ----

/*
 * Freeing a large ArrayBuffer we are done with now instead of at the engine's next garbage collection.
 *
 * WebCrypto returns every result in a new ArrayBuffer, and V8 frees an ArrayBuffer's memory
 * only when a collection finds it unreachable; with little JavaScript allocation in between,
 * that comes after tens of megabytes of them. Encrypting or decrypting 14 MB in 256 KB slices
 * then touches 14 MB of fresh memory for outputs already copied away, which on a machine where
 * fresh memory costs about 4 ms/MB is most of the time of the AES itself. Measured in Chromium
 * 156 over 13.7 MB (AES-CBC, 256 KB slices): 70 ms and 14 MB above the buffer when left to the
 * collector, 21 ms and 0.4 MB when each output is released.
 *
 * The buffer is released by transferring it in a message that is dropped: posted on a port
 * whose partner is closed, so its memory is freed with the message. (`ArrayBuffer.prototype.
 * transfer(0)` detaches it too but, measured, frees nothing before a collection; a port that is
 * closed itself does not even detach.) Where the platform has no MessageChannel, or refuses,
 * the buffer is left to the collector, as before.
 */

let port: MessagePort | null | undefined;

function droppingPort(): MessagePort | null {
	if (port !== undefined) return port;
	try {
		const channel = new MessageChannel();
		channel.port2.close();
		port = channel.port1;
	} catch {
		port = null;
	}
	return port;
}

/**
 * Releases `buffer` now: afterwards it is detached (length 0) where the platform allows, so no
 * view of it may be used again. Never throws.
 */
export function release(buffer: ArrayBufferLike): void {
	if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
	try {
		droppingPort()?.postMessage(null, [buffer]);
	} catch {
		// Left to the collector.
	}
}

// ---- Blob copies made a part at a time ----


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
