/** mime/base64-encode: base64 lines written in place, against Node's encoder and the old path. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Base64LineWriter, base64LinesLength, encodeBase64Lines, writeBase64Lines } from '../../src/lib/mime/base64-encode';
import { base64Lines } from '../../src/lib/mime/bytes';

/** Node's base64 cut into lines of 76, each ending in CRLF. */
function reference(data: Uint8Array): string {
	const b64 = Buffer.from(data).toString('base64');
	let out = '';
	for (let i = 0; i < b64.length; i += 76) out += b64.slice(i, i + 76) + '\r\n';
	return out;
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Cuts `data` at the given points (any order, repeats allowed) into chunks, empty ones included. */
function cut(data: Uint8Array, points: number[]): Uint8Array[] {
	const at = [...points.map((p) => p % (data.length + 1)), 0, data.length].sort((a, b) => a - b);
	const chunks: Uint8Array[] = [];
	for (let i = 1; i < at.length; i++) chunks.push(data.subarray(at[i - 1], at[i]));
	return chunks;
}

describe('base64 lines', () => {
	test('every length from 0 to 400 matches the reference and the old encoder, and the computed length', () => {
		const data = new Uint8Array(400).map((_, i) => (i * 151 + 7) & 0xff);
		for (let n = 0; n <= 400; n++) {
			const d = data.subarray(0, n);
			const ours = encodeBase64Lines(d);
			expect(text(ours)).toBe(reference(d));
			expect(ours).toEqual(base64Lines(d));
			expect(ours.length).toBe(base64LinesLength(n));
		}
	});

	test('any data cut into any chunks encodes as one stream', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 700 }), fc.array(fc.nat(), { maxLength: 8 }), (data, points) => {
				expect(text(encodeBase64Lines(cut(data, points)))).toBe(reference(data));
				// The same through the incremental writer, one write per chunk.
				const out = new Uint8Array(base64LinesLength(data.length));
				const w = new Base64LineWriter(out, 0);
				for (const c of cut(data, points)) w.write(c);
				expect(w.end()).toBe(out.length);
				expect(text(out)).toBe(reference(data));
			}),
			{ numRuns: 300 }
		);
	});

	test('byte-by-byte writes give the same lines', () => {
		const data = new Uint8Array(250).map((_, i) => (i * 37) & 0xff);
		const out = new Uint8Array(base64LinesLength(data.length));
		const w = new Base64LineWriter(out, 0);
		for (const b of data) w.write(Uint8Array.of(b));
		expect(w.end()).toBe(out.length);
		expect(text(out)).toBe(reference(data));
	});

	test('writes exactly its range of a larger buffer and returns the offset after it', () => {
		const data = new Uint8Array(1000).map((_, i) => i & 0xff);
		const out = new Uint8Array(base64LinesLength(data.length) + 20).fill(0xee);
		const end = writeBase64Lines([data.subarray(0, 500), data.subarray(500)], out, 7);
		expect(end).toBe(7 + base64LinesLength(data.length));
		expect(out.subarray(0, 7).every((b) => b === 0xee)).toBe(true);
		expect(out.subarray(end).every((b) => b === 0xee)).toBe(true);
		expect(text(out.subarray(7, end))).toBe(reference(data));
	});

	test('a large input (1 MiB and 5 bytes) matches the reference', () => {
		const data = new Uint8Array(1024 * 1024 + 5).map((_, i) => (i * 2654435761) >>> 24);
		expect(text(encodeBase64Lines(data))).toBe(reference(data));
	});

	test('refuses an output that is too small, and writes after end', () => {
		const data = new Uint8Array(100);
		expect(() => writeBase64Lines(data, new Uint8Array(base64LinesLength(100) - 1), 0)).toThrow(RangeError);
		expect(() => writeBase64Lines(data, new Uint8Array(base64LinesLength(100)), 1)).toThrow(RangeError);
		const small = new Base64LineWriter(new Uint8Array(10), 0);
		expect(() => {
			small.write(new Uint8Array(57));
		}).toThrow(RangeError);
		const w = new Base64LineWriter(new Uint8Array(8), 0);
		w.write(Uint8Array.of(1));
		expect(w.end()).toBe(6);
		expect(() => {
			w.write(Uint8Array.of(2));
		}).toThrow(RangeError);
	});

	test('empty input writes nothing', () => {
		expect(base64LinesLength(0)).toBe(0);
		expect(encodeBase64Lines([])).toEqual(new Uint8Array());
		expect(writeBase64Lines([new Uint8Array(), new Uint8Array()], new Uint8Array(0), 0)).toBe(0);
	});
});
