/** Byte helpers shared by the tests of large content. */

/** `n` bytes of a fixed pseudo-random pattern, different for each `salt`. */
export const pattern = (n: number, salt = 0): Uint8Array<ArrayBuffer> => new Uint8Array(n).map((_, i) => ((i + salt) * 2654435761) >>> 24);

/** A Blob's bytes, as a Buffer (Buffer.equals is fast on large arrays, toEqual is not). */
export const blobBytes = async (b: Blob): Promise<Buffer> => Buffer.from(await b.arrayBuffer());
