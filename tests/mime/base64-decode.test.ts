/**
 * The fast base64 decoder (issue 8): the same bytes as the historical lenient loop on any
 * input, the same bytes as postal-mime's decoder whenever it calls the input clean, an output
 * buffer of exactly the decoded size, and both paths: the table-driven loop (Node 20) and the
 * native `setFromBase64` (Chromium), the latter through a polyfill of its specified behaviour.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeBase64, decodeCleanBase64 } from '../../src/lib/mime/base64-decode';
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

describe('table-driven path (no native setFromBase64, as in Node 20)', () => {
	const proto = Uint8Array.prototype as { setFromBase64?: unknown };
	const had = Object.getOwnPropertyDescriptor(proto, 'setFromBase64');
	beforeAll(() => {
		delete proto.setFromBase64;
	});
	afterAll(() => {
		if (had) Object.defineProperty(proto, 'setFromBase64', had);
	});
	behaviour();
});

/**
 * `Uint8Array.prototype.setFromBase64` as the proposal specifies it (FromBase64 with the
 * 'loose' and 'stop-before-partial' last-chunk handling), for runtimes that lack it.
 */
function setFromBase64(this: Uint8Array, text: string, options?: { lastChunkHandling?: string }): { read: number; written: number } {
	const mode = options?.lastChunkHandling ?? 'loose';
	const max = this.length;
	let read = 0;
	let written = 0;
	let chunk: number[] = [];
	let i = 0;
	const space = (): void => {
		while (i < text.length && ' \t\n\f\r'.includes(text[i] ?? '')) i++;
	};
	const flush = (): void => {
		const [a = 0, b = 0, c = 0, d = 0] = chunk;
		const n = (a << 18) | (b << 12) | (c << 6) | d;
		const bytes = [(n >> 16) & 255, (n >> 8) & 255, n & 255].slice(0, chunk.length - 1);
		for (const x of bytes) this[written++] = x;
		chunk = [];
	};
	if (max === 0) return { read, written };
	for (;;) {
		space();
		if (i === text.length) {
			if (chunk.length > 0) {
				if (mode === 'stop-before-partial') return { read, written };
				if (chunk.length === 1) throw new SyntaxError('partial chunk');
				flush();
			}
			return { read: text.length, written };
		}
		const ch = text[i++] ?? '';
		if (ch === '=') {
			if (chunk.length < 2) throw new SyntaxError('early padding');
			space();
			if (chunk.length === 2) {
				if (i === text.length) {
					if (mode === 'stop-before-partial') return { read, written };
					throw new SyntaxError('short padding');
				}
				if (text[i] !== '=') throw new SyntaxError('short padding');
				i++;
				space();
			}
			if (i < text.length) throw new SyntaxError('data after padding');
			flush();
			return { read: text.length, written };
		}
		const v = ALPHABET.indexOf(ch);
		if (v < 0) throw new SyntaxError('not base64');
		const remaining = max - written;
		if ((remaining === 1 && chunk.length === 2) || (remaining === 2 && chunk.length === 3)) return { read, written };
		chunk.push(v);
		if (chunk.length === 4) {
			flush();
			read = i;
			if (written === max) return { read, written };
		}
	}
}

describe('native setFromBase64 path (polyfilled as specified)', () => {
	const proto = Uint8Array.prototype as { setFromBase64?: unknown };
	const had = Object.getOwnPropertyDescriptor(proto, 'setFromBase64');
	let calls = 0;
	beforeAll(() => {
		Object.defineProperty(proto, 'setFromBase64', {
			configurable: true,
			writable: true,
			value(this: Uint8Array, text: string, options?: { lastChunkHandling?: string }) {
				calls++;
				return setFromBase64.call(this, text, options);
			}
		});
	});
	afterAll(() => {
		if (had) Object.defineProperty(proto, 'setFromBase64', had);
		else delete proto.setFromBase64;
	});
	test('the polyfill matches the behaviour measured in Chromium 156', () => {
		const t = (s: string, mode?: string): string => {
			const b = new Uint8Array(20);
			try {
				const r = setFromBase64.call(b, s, mode ? { lastChunkHandling: mode } : undefined);
				return `${String(r.read)}/${String(r.written)}`;
			} catch {
				return 'error';
			}
		};
		expect([t('QUJDRA\r\n'), t('QUJDR\r\n'), t('QUJDRA==\r\n'), t('QUJDRA=\r\n'), t('QUJDRA==QUJD'), t('Q\r\n    '), t('QU JD'), t('QR==')]).toEqual(['8/4', 'error', '10/4', 'error', 'error', 'error', '5/3', '4/1']);
		const s = 'stop-before-partial';
		expect([t('QUJDRA\r\n', s), t('QUJDR\r\n', s), t('QUJDRA==\r\n', s), t('QUJDRA=\r\n', s), t('Q\r\n    ', s), t('   \r\n  ', s)]).toEqual(['4/3', '4/3', '10/4', '4/3', '0/0', '7/0']);
	});
	behaviour();
	test('the native path was taken', () => {
		expect(calls).toBeGreaterThan(100);
	});
});
