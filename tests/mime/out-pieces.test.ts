/**
 * Outgoing mail written in one pass into buffers of known size (mime/out-pieces, blob-chunks,
 * piece-reader, boundary) and smime/outgoing over Blob attachments. That the message is byte for
 * byte what it was is tests/smime/outgoing-golden.test.ts.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { base64LinesLength } from '../../src/lib/mime/base64-encode';
import { concatBytes } from '../../src/lib/base/bytes';
import { buildOutgoing, type OutgoingOptions } from '../../src/lib/smime/outgoing';
import { BlobCopier, COPY_PART } from '../../src/lib/base/memory';
import { BLOB_CHUNK, BlobReadError } from '../../src/lib/mime/blob-chunks';
import { boundaryFor } from '../../src/lib/mime/boundary';
import { ascii, materialize, piecesEndWithCrlf, piecesLength, writePieces, type Piece } from '../../src/lib/mime/out-pieces';
import { PieceReader } from '../../src/lib/mime/piece-reader';
import { DraftError } from '../../src/lib/smime/outgoing-draft';
import { readPem } from '../cms/enveloped-helpers';
import { seededCrypto } from '../cms/enveloped-write-helpers';
import { aliceSigner, NOW, PKI } from '../interop/outgoing-helpers';
import { blobBytes, pattern } from '../bytes-helpers';

const pem = (name: string): Uint8Array => readPem(join(PKI, `${name}.pem`));

afterEach(() => {
	vi.restoreAllMocks();
});

describe('layout pieces', () => {
	const piece = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 3 }).map((base64) => ({ base64 })));

	test('written pieces are the literals and base64 lines in order, of the computed length', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(piece, { maxLength: 6 }), fc.nat(10), async (pieces: Piece[], at) => {
				const expected = concatBytes(
					pieces.map((p) => {
						if (p instanceof Uint8Array) return p;
						const b64 = Buffer.concat(p.base64 as Uint8Array[]).toString('base64');
						let s = '';
						for (let i = 0; i < b64.length; i += 76) s += b64.slice(i, i + 76) + '\r\n';
						return ascii(s);
					})
				);
				expect(piecesLength(pieces)).toBe(expected.length);
				expect(await materialize(pieces)).toEqual(expected);
				const out = new Uint8Array(at + expected.length);
				expect(await writePieces(pieces, out, at)).toBe(out.length);
				expect(out.subarray(at)).toEqual(expected);
				const ends = expected.length >= 2 && expected[expected.length - 2] === 13 && expected[expected.length - 1] === 10;
				expect(piecesEndWithCrlf(pieces)).toBe(ends);
				if (expected.length > 0) await expect(writePieces(pieces, new Uint8Array(expected.length - 1), 0)).rejects.toThrow(RangeError);
			}),
			{ numRuns: 300 }
		);
	});

	test('a boundary is drawn from the injected crypto, never occurs in the literal pieces, and is drawn again when it would', () => {
		// The first draw of this seed, planted in a literal, must be skipped.
		const first = boundaryFor([], seededCrypto(5));
		expect(first).toMatch(/^----=_sealdesk_[0-9a-f]{36}$/);
		expect(boundaryFor([], seededCrypto(5))).toBe(first);
		const b = boundaryFor([ascii(`text with ${first} inside`), { base64: [new Uint8Array(10)] }], seededCrypto(5));
		expect(b).not.toBe(first);
		expect(b).toMatch(/^----=_sealdesk_[0-9a-f]{36}$/);
	});

	test('a reader gives the written pieces in any read sizes', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(piece, { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 5 }), async (pieces: Piece[], sizes) => {
				const expected = await materialize(pieces);
				const reader = new PieceReader(pieces);
				expect(reader.length).toBe(expected.length);
				expect(Uint8Array.from(await readAll(reader, sizes))).toEqual(expected);
				expect(await reader.read(new Uint8Array(5))).toBe(0);
			}),
			{ numRuns: 300 }
		);
	});

	test('a reader crosses base64 batches and chunk edges of a large piece', async () => {
		const data = new Uint8Array(200_003).map((_, i) => (i * 2654435761) >>> 24);
		const pieces: Piece[] = [ascii('head\r\n'), { base64: [data.subarray(0, 70_001), data.subarray(70_001, 70_002), data.subarray(70_002)] }, ascii('tail')];
		const reader = new PieceReader(pieces);
		const out = new Uint8Array(reader.length);
		for (let at = 0; at < out.length; ) at += await reader.read(out.subarray(at, Math.min(out.length, at + 65_536 + 3)));
		expect(out).toEqual(await materialize(pieces));
	});
});

/** Reads a PieceReader to its end in reads of the given sizes (cycled). */
async function readAll(reader: PieceReader, sizes: readonly number[]): Promise<number[]> {
	const got: number[] = [];
	for (let i = 0; ; i++) {
		const into = new Uint8Array(sizes[i % sizes.length] ?? 1);
		const n = await reader.read(into);
		got.push(...into.subarray(0, n));
		if (n < into.length) return got;
	}
}

/**
 * A Blob of `bytes` whose stream gives `yields` (its bytes by default; more, fewer, or an error
 * after some) in chunks of the listed sizes (cycled): a byte stream, read with a BYOB reader
 * filled a part at a time, or a plain stream, read with the default reader.
 */
class ChunkedBlob extends Blob {
	readonly #yields: Uint8Array;
	readonly #sizes: readonly number[];
	readonly #bytes: boolean;
	readonly #failAt: number | null;

	constructor(bytes: Uint8Array, o: { sizes: readonly number[]; byteStream: boolean; yields?: Uint8Array; failAt?: number }) {
		super([new Uint8Array(bytes)]);
		this.#yields = o.yields ?? bytes;
		this.#sizes = o.sizes;
		this.#bytes = o.byteStream;
		this.#failAt = o.failAt ?? null;
	}

	override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
		let at = 0;
		let i = 0;
		const data = this.#yields;
		const sizes = this.#sizes;
		const failAt = this.#failAt;
		const pull = (c: ReadableStreamController<Uint8Array<ArrayBuffer>>): void => {
			if (failAt !== null && at >= failAt) {
				c.error(new DOMException('The file could not be read.', 'NotReadableError'));
				return;
			}
			if (at >= data.length) {
				c.close();
				// A BYOB read waiting on a closed byte stream must be answered.
				if (c instanceof ReadableByteStreamController) c.byobRequest?.respond(0);
				return;
			}
			const n = Math.min(sizes[i++ % sizes.length] ?? 1, data.length - at);
			c.enqueue(data.slice(at, at + n));
			at += n;
		};
		return this.#bytes ? new ReadableStream({ type: 'bytes', pull }) : new ReadableStream<Uint8Array<ArrayBuffer>>({ pull });
	}
}

// eslint-disable-next-line @typescript-eslint/unbound-method
const originalRead = ReadableStreamDefaultReader.prototype.read;

describe('Blob pieces', () => {
	const streams = [
		['the Blob itself', (d: Uint8Array): Blob => new Blob([new Uint8Array(d)])],
		['a byte stream in odd chunks (BYOB)', (d: Uint8Array): Blob => new ChunkedBlob(d, { sizes: [1, 7, 58, 1000, 3], byteStream: true })],
		['a plain stream in odd chunks (default reader)', (d: Uint8Array): Blob => new ChunkedBlob(d, { sizes: [5, 56, 2, 4097], byteStream: false })]
	] as const;

	test('are written and read exactly as the same bytes, for any sizes and read sizes', async () => {
		for (const [what, blobOf] of streams) {
			await fc.assert(
				fc.asyncProperty(
					fc.array(fc.oneof(fc.uint8Array({ maxLength: 30 }), fc.uint8Array({ maxLength: 700 }).map((d) => ({ d }))), { maxLength: 5 }),
					fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }),
					fc.constantFrom(57, 114, 570),
					async (parts, sizes, blobChunk) => {
						const bytes: Piece[] = parts.map((p) => (p instanceof Uint8Array ? p : { base64: [p.d] }));
						const blobs = (): Piece[] => parts.map((p) => (p instanceof Uint8Array ? p : { base64: blobOf(p.d), label: 'x' }));
						const expected = await materialize(bytes);
						expect(piecesLength(blobs())).toBe(expected.length);
						expect(piecesEndWithCrlf(blobs())).toBe(piecesEndWithCrlf(bytes));
						expect(await materialize(blobs()), what).toEqual(expected);
						const reader = new PieceReader(blobs(), blobChunk);
						expect(Uint8Array.from(await readAll(reader, sizes)), what).toEqual(expected);
					}
				),
				{ numRuns: 60 }
			);
		}
	});

	test('around the read chunk: 0, 1, 56-58 bytes and one chunk less one, exact, plus one and two', async () => {
		for (const [what, blobOf] of streams) {
			for (const n of [0, 1, 56, 57, 58, BLOB_CHUNK - 1, BLOB_CHUNK, BLOB_CHUNK + 1, 2 * BLOB_CHUNK + 2]) {
				const d = pattern(n, n);
				const expected = await materialize([ascii('a'), { base64: [d] }, ascii('b')]);
				const written = await materialize([ascii('a'), { base64: blobOf(d), label: 'x' }, ascii('b')]);
				// Buffer.equals: toEqual walks a large typed array element by element, for minutes.
				expect(Buffer.from(written).equals(Buffer.from(expected)), `${what}, ${String(n)} bytes`).toBe(true);
				const reader = new PieceReader([ascii('a'), { base64: blobOf(d), label: 'x' }, ascii('b')]);
				const out = new Uint8Array(reader.length);
				for (let at = 0; at < out.length; ) at += await reader.read(out.subarray(at, Math.min(out.length, at + 256 * 1024)));
				expect(Buffer.from(out).equals(Buffer.from(expected)), `${what}, ${String(n)} bytes, read`).toBe(true);
			}
		}
	});

	test("a platform Blob's stream chunks are released once copied; a Blob subclass's own stream chunks are left alone", async () => {
		const d = pattern(3 * BLOB_CHUNK + 7, 2);
		const chunks: Uint8Array[] = [];
		vi.spyOn(ReadableStreamDefaultReader.prototype, 'read').mockImplementation(async function (this: ReadableStreamDefaultReader<Uint8Array>) {
			const result = (await originalRead.call(this)) as ReadableStreamReadResult<Uint8Array>;
			if (!result.done) chunks.push(result.value);
			return result;
		} as typeof ReadableStreamDefaultReader.prototype.read);
		for (const blob of [new Blob([new Uint8Array(d)]), new File([new Uint8Array(d)], 'f.bin')]) {
			chunks.length = 0;
			expect(Buffer.from(await materialize([{ base64: blob, label: 'x' }])).equals(Buffer.from(await materialize([{ base64: [d] }])))).toBe(true);
			const whole = chunks.filter((c) => c.byteOffset === 0);
			expect(whole.length).toBeGreaterThan(0);
			// Released chunks are detached; a view into a larger buffer is not ours to free.
			expect(whole.every((c) => c.buffer.byteLength === 0)).toBe(true);
		}
		chunks.length = 0;
		const own = new ChunkedBlob(d, { sizes: [65_536], byteStream: false });
		expect(Buffer.from(await materialize([{ base64: own, label: 'x' }])).equals(Buffer.from(await materialize([{ base64: [d] }])))).toBe(true);
		expect(chunks.length).toBeGreaterThan(10);
		expect(chunks.every((c) => c.buffer.byteLength > 0)).toBe(true);
	});

	test('a Blob that fails, or yields more or fewer bytes than its size, is a BlobReadError naming it', async () => {
		const d = pattern(1000);
		const bad: [string, Blob][] = [
			['fails at once', new ChunkedBlob(d, { sizes: [100], byteStream: true, failAt: 0 })],
			['fails midway (BYOB)', new ChunkedBlob(d, { sizes: [100], byteStream: true, failAt: 500 })],
			['fails midway (default)', new ChunkedBlob(d, { sizes: [100], byteStream: false, failAt: 500 })],
			['one byte more', new ChunkedBlob(d, { sizes: [333], byteStream: true, yields: pattern(1001) })],
			['many bytes more', new ChunkedBlob(d, { sizes: [4096], byteStream: false, yields: pattern(5000) })],
			['one byte fewer', new ChunkedBlob(d, { sizes: [333], byteStream: false, yields: d.subarray(1) })],
			['empty', new ChunkedBlob(d, { sizes: [10], byteStream: true, yields: new Uint8Array() })],
			['an empty Blob that yields a byte', new ChunkedBlob(new Uint8Array(), { sizes: [10], byteStream: true, yields: Uint8Array.of(1) })]
		];
		for (const [what, blob] of bad) {
			const pieces = (): Piece[] => [{ base64: blob, label: 'gone.pdf' }];
			await expect(materialize(pieces()), what).rejects.toThrow(BlobReadError);
			await expect(materialize(pieces()), what).rejects.toThrow('The attachment "gone.pdf" could not be read.');
			for (const chunk of [57, BLOB_CHUNK]) {
				const reader = new PieceReader(pieces(), chunk);
				await expect(readAll(reader, [64 * 1024]), what).rejects.toThrow(BlobReadError);
			}
		}
	});
});

/** A BlobCopier that remembers every offset it was handed, in order. */
class RecordingCopier extends BlobCopier {
	readonly offsets: number[] = [];
	override upTo(bytes: Uint8Array, end: number): void {
		this.offsets.push(end);
		super.upTo(bytes, end);
	}
}

describe('BlobCopier in writePieces', () => {
	test('writePieces hands it the bytes as they are written: equal at the end, and a large piece at least every read chunk', async () => {
		const big = pattern(3 * BLOB_CHUNK + 5, 1);
		for (const asBlob of [false, true]) {
			const pieces: Piece[] = [ascii('head\r\n'), asBlob ? { base64: new Blob([new Uint8Array(big)]), label: 'x' } : { base64: [big.subarray(0, 10), big.subarray(10)] }, ascii('tail\r\n')];
			const copy = new RecordingCopier(1000);
			const out = await materialize(pieces, copy);
			expect(Buffer.from(out).equals(await materialize(pieces).then((b) => Buffer.from(b)))).toBe(true);
			expect((await blobBytes(copy.finish(out, out.length))).equals(Buffer.from(out))).toBe(true);
			// Offsets only grow, and they come in steps of at most one read chunk's base64.
			const steps = copy.offsets.map((o, i) => o - (copy.offsets[i - 1] ?? 0));
			expect(steps.every((d) => d >= 0)).toBe(true);
			expect(Math.max(...steps)).toBeLessThanOrEqual(base64LinesLength(BLOB_CHUNK) + 8);
			expect(copy.offsets.at(-1)).toBe(out.length);
		}
	});
});

describe('buildOutgoing with attachments given as Blobs', () => {
	test('is byte for byte the message of the same draft with bytes: sign, encrypt (CBC, GCM), both, neither; several attachments around the read chunk', async () => {
		const { certificate, keys } = await aliceSigner();
		const sets: Uint8Array[][] = [[pattern(0)], [pattern(1), pattern(BLOB_CHUNK - 1, 3), pattern(0)], [pattern(BLOB_CHUNK + 1, 5), pattern(58, 7)], [pattern(2 * BLOB_CHUNK, 9)]];
		const blobKinds = [
			(d: Uint8Array): Blob => new File([new Uint8Array(d)], 'f.bin'),
			(d: Uint8Array): Blob => new ChunkedBlob(d, { sizes: [65_536, 3, 1_000_001], byteStream: true }),
			(d: Uint8Array): Blob => new ChunkedBlob(d, { sizes: [70_000, 1], byteStream: false })
		];
		let seed = 100;
		for (const [k, datas] of sets.entries()) {
			for (const sign of [false, true]) {
				for (const encrypt of [null, 'aes-256-cbc', 'aes-256-gcm'] as const) {
					seed++;
					const toBlob = blobKinds[(seed + k) % blobKinds.length] ?? blobKinds[0];
					const options = (crypto: Crypto, asBlob: boolean): OutgoingOptions => ({
						from: { address: 'alice@sealdesk.test' },
						to: [{ address: 'bob@sealdesk.test' }],
						subject: 'Blobs',
						text: 'Attached.',
						attachments: datas.map((d, i) => ({ filename: `f${String(i)}.bin`, contentType: 'application/octet-stream', data: asBlob && toBlob ? toBlob(d) : d })),
						messageId: `b${String(seed)}@sealdesk.test`,
						date: NOW,
						...(sign ? { sign: { certificate, chain: [pem('inter-ca')], keys } } : {}),
						...(encrypt ? { encrypt: { recipients: [{ certificate: pem('bob'), keyTransport: 'rsa-pkcs1' as const }], contentEncryption: encrypt } } : {}),
						crypto
					});
					const bytes = await buildOutgoing(options(seededCrypto(seed), false));
					const blobs = await buildOutgoing(options(seededCrypto(seed), true));
					const what = `set ${String(k)}, sign ${String(sign)}, encrypt ${String(encrypt)}`;
					expect(Buffer.from(blobs.raw).equals(Buffer.from(bytes.raw)), what).toBe(true);
					expect((await blobBytes(blobs.blob)).equals(Buffer.from(blobs.raw)), what).toBe(true);
					expect(Buffer.from(await blobs.content()).equals(Buffer.from(await bytes.content())), what).toBe(true);
				}
			}
		}
	});

	test('the message is copied into its Blob while it is written, a part at a time, for every kind of message', async () => {
		const { certificate, keys } = await aliceSigner();
		const data = pattern(3 * COPY_PART, 11);
		for (const sign of [false, true]) {
			for (const encrypt of [null, 'aes-256-cbc', 'aes-256-gcm'] as const) {
				for (const asBlob of [false, true]) {
					const upTo = vi.spyOn(BlobCopier.prototype, 'upTo');
					const built = await buildOutgoing({
						from: { address: 'alice@sealdesk.test' },
						to: [{ address: 'bob@sealdesk.test' }],
						subject: 'Parts',
						text: 'Attached.',
						attachments: [{ filename: 'p.bin', contentType: 'application/octet-stream', data: asBlob ? new File([new Uint8Array(data)], 'p.bin') : data }],
						messageId: 'parts@sealdesk.test',
						date: NOW,
						...(sign ? { sign: { certificate, chain: [], keys } } : {}),
						...(encrypt ? { encrypt: { recipients: [{ certificate: pem('bob') }], contentEncryption: encrypt } } : {}),
						crypto: globalThis.crypto
					});
					const offsets = upTo.mock.calls.map(([, end]) => end);
					upTo.mockRestore();
					const what = `sign ${String(sign)}, encrypt ${String(encrypt)}, Blob ${String(asBlob)}`;
					expect((await blobBytes(built.blob)).equals(Buffer.from(built.raw)), what).toBe(true);
					// Handed over in steps of at most about two parts, before the message was complete.
					const steps = offsets.map((o, i) => o - (offsets[i - 1] ?? 0));
					expect(offsets.filter((o) => o < built.raw.length - COPY_PART).length, what).toBeGreaterThanOrEqual(2);
					expect(Math.max(...steps), what).toBeLessThanOrEqual(2 * COPY_PART);
				}
			}
		}
	});

	test('an attachment that cannot be read, or whose size changed, fails with the draft sentence for every kind of message', async () => {
		const { certificate, keys } = await aliceSigner();
		const d = pattern(300 * 1024);
		const bad = [
			new ChunkedBlob(d, { sizes: [65_536], byteStream: true, failAt: 200_000 }),
			new ChunkedBlob(d, { sizes: [65_536], byteStream: false, yields: pattern(300 * 1024 + 10) }),
			new ChunkedBlob(d, { sizes: [65_536], byteStream: true, yields: d.subarray(0, 1000) })
		];
		for (const blob of bad) {
			for (const sign of [false, true]) {
				for (const encrypt of [null, 'aes-256-cbc', 'aes-256-gcm'] as const) {
					const built = buildOutgoing({
						from: { address: 'alice@sealdesk.test' },
						to: [{ address: 'bob@sealdesk.test' }],
						subject: 'x',
						text: 'x',
						attachments: [{ filename: 'ok.bin', contentType: 'application/octet-stream', data: new Blob(['fine']) }, { filename: 'gone.pdf', contentType: 'application/pdf', data: blob }],
						messageId: 'gone@sealdesk.test',
						date: NOW,
						...(sign ? { sign: { certificate, chain: [], keys } } : {}),
						...(encrypt ? { encrypt: { recipients: [{ certificate: pem('bob') }], contentEncryption: encrypt } } : {}),
						crypto: globalThis.crypto
					});
					const error = await built.then(
						() => null,
						(e: unknown) => e
					);
					const what = `sign ${String(sign)}, encrypt ${String(encrypt)}`;
					expect(error, what).toBeInstanceOf(DraftError);
					expect((error as DraftError).code, what).toBe('invalid-option');
					expect((error as DraftError).message, what).toBe('The attachment "gone.pdf" could not be read.');
					expect((error as DraftError).cause, what).toBeInstanceOf(BlobReadError);
				}
			}
		}
	});
});
