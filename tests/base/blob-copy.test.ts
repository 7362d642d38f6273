/**
 * base/memory blobOf (issue 8; in mime/blob-copy before issue 17): blobOf makes a Blob of bytes a part at a time, so that the page
 * never holds a second whole copy while blob storage takes it. The Blob must hold exactly the
 * bytes at every size around the part size, and a large one must be made in parts.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import fc from 'fast-check';
import { BlobCopier, blobOf, COPY_PART } from '../../src/lib/base/memory';
import { blobBytes, pattern } from '../bytes-helpers';


afterEach(() => {
	vi.restoreAllMocks();
});

describe('blobOf', () => {
	test('holds exactly the bytes, around the part size and at none', async () => {
		for (const n of [0, 1, COPY_PART - 1, COPY_PART, COPY_PART + 1, 3 * COPY_PART + 5]) {
			const bytes = pattern(n, n);
			const blob = blobOf(bytes.subarray(0));
			expect(blob.size, String(n)).toBe(n);
			expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(bytes)), String(n)).toBe(true);
		}
	});

	test('copies a view, not the buffer behind it', async () => {
		const backing = pattern(2 * COPY_PART + 100, 3);
		const view = backing.subarray(50, 2 * COPY_PART + 60);
		expect(Buffer.from(await blobOf(view).arrayBuffer()).equals(Buffer.from(view))).toBe(true);
	});

	test('makes large bytes in parts, and small ones in one', () => {
		const upTo = vi.spyOn(BlobCopier.prototype, 'upTo');
		blobOf(pattern(1000));
		expect(upTo).not.toHaveBeenCalled();
		blobOf(pattern(3 * COPY_PART + 5));
		expect(upTo).toHaveBeenCalledTimes(1);
		// The parts themselves: three whole ones and the rest.
		const made: number[] = [];
		const RealBlob = globalThis.Blob;
		vi.spyOn(globalThis, 'Blob').mockImplementation(function (this: Blob, parts?: BlobPart[], options?: BlobPropertyBag) {
			made.push((parts ?? []).reduce((n, p) => n + (p instanceof Uint8Array ? p.length : 0), 0));
			return new RealBlob(parts, options);
		});
		blobOf(pattern(3 * COPY_PART + 5));
		expect(made).toEqual([COPY_PART, COPY_PART, COPY_PART, 5, 0]);
	});
});

describe('BlobCopier', () => {
	test('the Blob holds the bytes up to the end, for any part size and any offsets it is handed', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 90 }), fc.array(fc.nat(400)), async (bytes, part, marks) => {
				const copy = new BlobCopier(part);
				for (const m of [...marks].map((x) => Math.min(x, bytes.length)).sort((a, b) => a - b)) copy.upTo(bytes, m);
				expect(await blobBytes(copy.finish(bytes, bytes.length))).toEqual(Buffer.from(bytes));
			}),
			{ numRuns: 200 }
		);
	});

	test('copies each whole part when the writing passes its end, not at the finish', async () => {
		const bytes = pattern(35);
		const copy = new BlobCopier(10);
		copy.upTo(bytes, 25);
		// Parts [0, 10) and [10, 20) are copied; [20, 25) waits for its part to fill.
		bytes.fill(0, 0, 25);
		const blob = copy.finish(bytes, 35);
		expect(await blobBytes(blob)).toEqual(Buffer.concat([Buffer.from(pattern(20)), Buffer.alloc(5), Buffer.from(pattern(35).subarray(25))]));
	});

	test('takes the rest from a grown buffer holding the same bytes', async () => {
		const first = pattern(30);
		const copy = new BlobCopier(8);
		copy.upTo(first, 30);
		const grown = new Uint8Array(40);
		grown.set(first);
		grown.set(pattern(10, 99), 30);
		expect(await blobBytes(copy.finish(grown, 40))).toEqual(Buffer.from(grown));
	});

	test('refuses a part of no bytes, and an end before what it has copied', () => {
		expect(() => new BlobCopier(0)).toThrow(RangeError);
		const copy = new BlobCopier(4);
		copy.upTo(pattern(10), 10);
		expect(() => copy.finish(pattern(10), 7)).toThrow('The Blob copy is past the end of the bytes.');
	});
});
