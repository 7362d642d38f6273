/**
 * Large bytes as stored (the raw mail and the attachments): Blobs, which IndexedDB keeps
 * beside the record instead of cloning them into it, several times cheaper in time and memory
 * for a 25 MB mail, and never loaded by reading the record. Records written before keep their
 * Uint8Arrays; every reader takes both.
 */
import { blobOf } from '../base/memory';
import type { StoredBytes } from './records';

/**
 * Bytes to store: a Blob, so that IndexedDB keeps them beside the record rather than in it (a
 * Blob is kept as it is; large bytes are copied into it a part at a time, see blobOf).
 */
export function toStoredBytes(bytes: StoredBytes): Blob {
	return bytes instanceof Blob ? bytes : blobOf(bytes);
}

/** The bytes of a stored value, whichever way it was stored. */
export async function storedBytes(data: StoredBytes): Promise<Uint8Array> {
	return data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
}

/** The size in bytes of a stored value. */
export function storedSize(data: StoredBytes): number {
	return data instanceof Blob ? data.size : data.length;
}
