/**
 * The fast base64 decoder (issue 8): the same bytes as the historical lenient loop on any
 * input, the same bytes as postal-mime's decoder whenever it calls the input clean, and an
 * output buffer of exactly the decoded size whatever the line lengths.
 */
import fc from 'fast-check';
import PostalMime from 'postal-mime';
import { describe, expect, test } from 'vitest';
import { decodeBase64, decodeBase64InPlace, decodeCheckedBase64InPlace, decodeCleanBase64, decodeCleanBase64InPlace, decodePostalBase64, isCleanBase64 } from '../../src/lib/mime/base64-decode';
import { params } from '../fuzz/config';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Byte equality without vitest's slow deep comparison of large arrays. */
const hexOf = (b: Uint8Array | null): string => (b ? Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex') : 'null');

/** The decoder as it was before issue 8 (mime/bytes.ts), the reference for decodeBase64. */
function historical(src: Uint8Array): Uint8Array {
	const table = new Int16Array(256).fill(-1);
	ALPHABET.split('').forEach((c, i) => (table[c.charCodeAt(0)] = i));
	table[45] = 62;
	table[95] = 63;
	const out = new Uint8Array(Math.floor((src.length * 3) / 4) + 3);
	let o = 0;
	let acc = 0;
	let bits = 0;
	for (const c of src) {
		if (c === 61) break;
		const v = table[c] ?? -1;
		if (v < 0) continue;
		acc = ((acc << 6) | v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	return out.slice(0, o);
}

/** postal-mime's body decoding: strip to the alphabet and '=', decode each '='-terminated unit. */
function postalMime(src: Uint8Array): Uint8Array {
	const text = new TextDecoder().decode(src).replace(/[^a-zA-Z0-9+/=]+/g, '');
	return new Uint8Array(Buffer.concat(text.split(/=+/).map((unit) => Buffer.from(unit.length % 4 === 1 ? unit.slice(0, -1) : unit, 'base64'))));
}

/** Base64 of `data` in lines of `width` characters, each ended by `eol`. */
function lines(data: Uint8Array, width: number, eol: string): string {
	const b64 = Buffer.from(data).toString('base64');
	let out = '';
	for (let i = 0; i < b64.length; i += width) out += b64.slice(i, i + width) + eol;
	return out;
}

/** Base64-like text: alphabet runs, whitespace, padding, and now and then junk. */
const base64ish = fc
	.array(
		fc.oneof(
			{ weight: 8, arbitrary: fc.string({ unit: fc.constantFrom(...ALPHABET.split('')), maxLength: 80 }) },
			{ weight: 3, arbitrary: fc.constantFrom('\r\n', '\n', ' ', '\t', '\f', '\r') },
			{ weight: 1, arbitrary: fc.constantFrom('=', '==', '===') },
			{ weight: 1, arbitrary: fc.constantFrom('-', '_', '!', '\u00e9', '\u0000', '.') }
		),
		{ maxLength: 40 }
	)
	.map((pieces) => enc(pieces.join('')));

function behaviour(): void {
	test('decodeBase64 gives the historical bytes for any input', () => {
		fc.assert(
			fc.property(fc.oneof(base64ish, fc.uint8Array({ maxLength: 300 })), (src) => {
				expect(decodeBase64(src)).toEqual(historical(src));
			}),
			params(2000)
		);
	});

	test('decodeCleanBase64 agrees with the historical and postal-mime decoders whenever it accepts', () => {
		let accepted = 0;
		fc.assert(
			fc.property(base64ish, (src) => {
				const clean = decodeCleanBase64(src);
				if (!clean) return;
				accepted++;
				expect(clean).toEqual(historical(src));
				expect(clean).toEqual(postalMime(src));
			}),
			params(3000)
		);
		expect(accepted).toBeGreaterThan(100);
	});

	test('clean base64 in lines is accepted and decoded into a buffer of exactly its size', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 4, max: 120 }), fc.constantFrom('\r\n', '\n', ''), (data, width, eol) => {
				const out = decodeCleanBase64(enc(lines(data, width, eol)));
				expect(out).toEqual(data);
				expect(out?.byteOffset).toBe(0);
				expect(out?.buffer.byteLength).toBe(data.length);
			}),
			params(500)
		);
	});

	test('refuses what is not clean: junk, URL-safe characters, data after padding', () => {
		for (const s of ['QUJD!', 'QUJD-_', 'QQ==QUJD', 'QUJD\u00e9', 'QQ==\r\nQQ==']) expect(decodeCleanBase64(enc(s)), s).toBeNull();
		expect(decodeBase64(enc('QQ==QUJD'))).toEqual(enc('A'));
		expect(decodeBase64(enc('QUJD-_'))).toEqual(historical(enc('QUJD-_')));
	});

	test('edge cases: empty, whitespace only, a dangling character, short padding, spaces in lines', () => {
		expect(decodeCleanBase64(enc(''))).toEqual(new Uint8Array());
		expect(decodeCleanBase64(enc(' \r\n\t'))).toEqual(new Uint8Array());
		expect(decodeCleanBase64(enc('QUJDR'))).toEqual(enc('ABC'));
		expect(decodeCleanBase64(enc('QUJDRA='))).toEqual(enc('ABCD'));
		expect(decodeCleanBase64(enc('QU JD RA==  \r\n'))).toEqual(enc('ABCD'));
		expect(decodeCleanBase64(enc('QR=='))).toEqual(enc('A'));
	});

	test('several slices of a large body: every slice boundary, padding and odd line lengths', () => {
		const data = new Uint8Array(200_003).map((_, i) => (i * 7919) % 251);
		for (const [width, eol] of [
			[76, '\r\n'],
			[64, '\n'],
			[1000, '\r\n'],
			[77, ' \r\n']
		] as const) {
			const text = lines(data, width, eol);
			expect(hexOf(decodeCleanBase64(enc(text))), String(width)).toBe(hexOf(data));
			expect(hexOf(decodeBase64(enc(text)))).toBe(hexOf(data));
		}
		// Padding in the middle of a large body: refused as clean, decoded up to the '=' leniently.
		const twice = enc(lines(data, 76, '\r\n') + lines(data, 76, '\r\n'));
		expect(decodeCleanBase64(twice)).toBeNull();
		expect(hexOf(decodeBase64(twice))).toBe(hexOf(data));
	});
}

describe('decodeBase64 and decodeCleanBase64', () => {
	behaviour();

	test('lines of any lengths (first line longer or shorter than the rest): right bytes, exact-size buffer', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 20 }), fc.constantFrom('\r\n', '\n'), (data, widths, eol) => {
				const b64 = Buffer.from(data).toString('base64');
				let text = '';
				for (let i = 0, k = 0; i < b64.length; k++) {
					const w = widths[k % widths.length] ?? 76;
					text += b64.slice(i, i + w) + eol;
					i += w;
				}
				const out = decodeCleanBase64(enc(text));
				expect(hexOf(out)).toBe(hexOf(data));
				expect(out?.buffer.byteLength).toBe(data.length);
			}),
			params(500)
		);
	});
});

describe('in-place decoding (a scratch buffer decoded over itself)', () => {
	/** `src` inside a larger buffer, so a write outside its own bytes would show. */
	const framed = (src: Uint8Array): { frame: Uint8Array; view: Uint8Array } => {
		const frame = new Uint8Array(src.length + 8).fill(0xa5);
		frame.set(src, 4);
		return { frame, view: frame.subarray(4, 4 + src.length) };
	};
	const fenceIntact = (frame: Uint8Array): boolean => frame.subarray(0, 4).every((b) => b === 0xa5) && frame.subarray(frame.length - 4).every((b) => b === 0xa5);

	test('decodeBase64InPlace gives the bytes of decodeBase64 for any input, at the start of its own input', () => {
		fc.assert(
			fc.property(fc.oneof(base64ish, fc.uint8Array({ maxLength: 300 })), (src) => {
				const expected = hexOf(decodeBase64(src));
				const { frame, view } = framed(src);
				const out = decodeBase64InPlace(view);
				expect(hexOf(out)).toBe(expected);
				expect(out.buffer).toBe(frame.buffer);
				expect(out.byteOffset).toBe(view.byteOffset);
				expect(fenceIntact(frame)).toBe(true);
			}),
			params(3000)
		);
	});

	test('isCleanBase64 is exactly "decodeCleanBase64 accepts", and the in-place clean decoder agrees or leaves its input alone', () => {
		fc.assert(
			fc.property(fc.oneof(base64ish, fc.uint8Array({ maxLength: 300 })), (src) => {
				const clean = decodeCleanBase64(src);
				expect(isCleanBase64(src)).toBe(clean !== null);
				const before = hexOf(src);
				const { frame, view } = framed(src);
				const out = decodeCleanBase64InPlace(view);
				if (clean === null) {
					expect(out).toBeNull();
					expect(hexOf(view)).toBe(before);
				} else {
					expect(hexOf(out)).toBe(hexOf(clean));
					expect(out?.byteOffset).toBe(view.byteOffset);
				}
				expect(fenceIntact(frame)).toBe(true);
			}),
			params(3000)
		);
	});

	test('the checked in-place decoder gives the clean decoder bytes for input isCleanBase64 accepted, and refuses other input', () => {
		fc.assert(
			fc.property(fc.oneof(base64ish, fc.uint8Array({ maxLength: 300 })), (src) => {
				const clean = decodeCleanBase64(src);
				const { frame, view } = framed(src);
				if (clean === null) expect(() => decodeCheckedBase64InPlace(view)).toThrow('The bytes are not clean base64.');
				else {
					const out = decodeCheckedBase64InPlace(view);
					expect(hexOf(out)).toBe(hexOf(clean));
					expect(out.buffer).toBe(frame.buffer);
					expect(out.byteOffset).toBe(view.byteOffset);
				}
				expect(fenceIntact(frame)).toBe(true);
			}),
			params(3000)
		);
	});

	test('a large body in lines, with junk or padding in the middle: the same bytes as the copying decoders', () => {
		const data = new Uint8Array(200_003).map((_, i) => (i * 7919) % 251);
		for (const text of [lines(data, 76, '\r\n'), lines(data, 64, '\n'), lines(data, 76, '\r\n') + lines(data, 76, '\r\n'), lines(data, 76, '\r\n').replace('A', '!-_')]) {
			const src = enc(text);
			const lenient = hexOf(decodeBase64(src));
			const clean = hexOf(decodeCleanBase64(src));
			expect(hexOf(decodeCleanBase64InPlace(enc(text)))).toBe(clean);
			expect(hexOf(decodeBase64InPlace(enc(text)))).toBe(lenient);
		}
	});
});

describe('decodePostalBase64 (damaged base64 decoded as postal-mime does)', () => {
	/** postal-mime itself: the bytes of a base64 attachment whose body is `body`. */
	async function realPostalMime(body: Uint8Array): Promise<Uint8Array> {
		const head = enc('Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="a"\r\nContent-Transfer-Encoding: base64\r\n\r\n');
		const email = await PostalMime.parse(new Uint8Array([...head, ...body, 13, 10]), { attachmentEncoding: 'arraybuffer' });
		const content = email.attachments[0]?.content;
		return content instanceof ArrayBuffer ? new Uint8Array(content) : new Uint8Array(0);
	}

	test('the bytes of postal-mime\'s decoding for any input, fresh and over itself', () => {
		fc.assert(
			fc.property(fc.oneof(base64ish, fc.uint8Array({ maxLength: 300 })), (src) => {
				const want = hexOf(postalMime(src));
				const fresh = decodePostalBase64(src);
				expect(hexOf(fresh)).toBe(want);
				expect(fresh.byteOffset).toBe(0);
				expect(fresh.buffer.byteLength).toBe(fresh.length);
				const scratch = src.slice();
				const inPlace = decodePostalBase64(scratch, scratch);
				expect(inPlace.buffer).toBe(scratch.buffer);
				expect(hexOf(inPlace)).toBe(want);
			}),
			params(2000)
		);
	});

	test('the bytes postal-mime gives for a damaged attachment body (the real parser)', async () => {
		const samples = ['QQ\r\n'.repeat(9), 'QUJD\r\nQQ==\r\nQUJD\r\n', 'Q\r\nU\r\nJ\r\nD\r\nQ', 'QU-_JD!\u00e9QUJD', 'QQ=QQ==QUJ=QUJDRA', '==QUJD==', 'Q', ''];
		for (const s of samples) {
			const body = Uint8Array.from(s, (c) => c.charCodeAt(0));
			expect(hexOf(decodePostalBase64(body))).toBe(hexOf(await realPostalMime(body)));
		}
		await fc.assert(
			fc.asyncProperty(base64ish, async (src) => {
				expect(hexOf(decodePostalBase64(src))).toBe(hexOf(await realPostalMime(src)));
			}),
			params(300)
		);
	});
});
