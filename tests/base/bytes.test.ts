import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bufferSource, concatBytes, equalBytes, exact, fromBase64, fromBinary, fromHex, toBase64, toBinary, toHex } from '../../src/lib/base/bytes';

const bytes = fc.uint8Array({ maxLength: 300 });

describe('base/bytes hex', () => {
	it('encodes lower case, two digits a byte, as Node does', () => {
		expect(toHex(Uint8Array.of(0, 1, 0x0f, 0x10, 0xab, 0xff))).toBe('00010f10abff');
		fc.assert(fc.property(bytes, (b) => toHex(b) === Buffer.from(b).toString('hex')));
	});

	it('decodes either case and round-trips', () => {
		expect(fromHex('00AbfF')).toEqual(Uint8Array.of(0, 0xab, 0xff));
		expect(fromHex('')).toEqual(new Uint8Array());
		fc.assert(fc.property(bytes, (b) => equalBytes(fromHex(toHex(b)) ?? Uint8Array.of(1), b)));
	});

	it('refuses odd lengths, separators and non-hex characters with null', () => {
		for (const bad of ['0', 'abc', '0g', 'ab cd', 'ab:cd', '0x00', '+1', '１２']) expect(fromHex(bad)).toBeNull();
	});
});

describe('base/bytes binary strings', () => {
	it('maps each byte to one character and back', () => {
		expect(toBinary(Uint8Array.of(0, 0x41, 0x80, 0xff))).toBe('\u0000A\u0080\u00ff');
		fc.assert(fc.property(bytes, (b) => equalBytes(fromBinary(toBinary(b)), b) && toBinary(b).length === b.length));
	});

	it('masks characters above 0xff to their low byte, as node-forge expects', () => {
		expect(fromBinary('\u0141\u00e9')).toEqual(Uint8Array.of(0x41, 0xe9));
	});

	it('handles inputs far beyond the argument-stack limit', () => {
		const big = new Uint8Array(1_000_003).map((_, i) => i * 7);
		const s = toBinary(big);
		expect(s.length).toBe(big.length);
		expect(equalBytes(fromBinary(s), big)).toBe(true);
	});
});

describe('base/bytes base64', () => {
	it('encodes standard padded base64 on one line, as Node does', () => {
		expect(toBase64(new TextEncoder().encode('sealdesk'))).toBe('c2VhbGRlc2s=');
		fc.assert(fc.property(bytes, (b) => toBase64(b) === Buffer.from(b).toString('base64')));
	});

	it('decodes strictly, ignoring line breaks, and round-trips', () => {
		expect(fromBase64('c2Vh\r\nbGRl c2s=')).toEqual(new TextEncoder().encode('sealdesk'));
		fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (b) => equalBytes(fromBase64(toBase64(b)) ?? new Uint8Array(), b)));
	});

	it('returns null for empty, unpadded, url-safe or damaged text', () => {
		for (const bad of ['', '   ', 'c2VhbGRlc2s', 'c2VhbGRlc2s==', 'c2Vh_GRlc2s=', 'c2Vh-GRlc2s=', 'c2V=bGRlc2s=', 'c2Vh*GRlc2s=']) {
			expect(fromBase64(bad)).toBeNull();
		}
	});
});

describe('base/bytes concat, equality, exact copies', () => {
	it('concatenates in order into an array of exactly the total length', () => {
		const out = concatBytes([Uint8Array.of(1, 2), new Uint8Array(), Uint8Array.of(3), new Uint8Array([9, 4, 5]).subarray(1)]);
		expect(out).toEqual(Uint8Array.of(1, 2, 3, 4, 5));
		expect(out.buffer.byteLength).toBe(5);
		expect(concatBytes([])).toEqual(new Uint8Array());
		fc.assert(fc.property(fc.array(bytes, { maxLength: 6 }), (parts) => toHex(concatBytes(parts)) === parts.map(toHex).join('')));
	});

	it('compares by content, whatever buffer the views sit in', () => {
		const backing = Uint8Array.of(0, 1, 2, 3, 0);
		expect(equalBytes(backing.subarray(1, 4), Uint8Array.of(1, 2, 3))).toBe(true);
		expect(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false);
		expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
		expect(equalBytes(new Uint8Array(), new Uint8Array())).toBe(true);
		fc.assert(fc.property(bytes, bytes, (a, b) => equalBytes(a, b) === (Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0)));
	});

	it('reads every byte even when the first ones differ (no early exit on secrets)', () => {
		const reads = (a: Uint8Array, b: Uint8Array): number => {
			let n = 0;
			const counting = new Proxy(a, {
				get(target, p) {
					if (typeof p === 'string' && /^\d+$/.test(p)) n++;
					const v: unknown = Reflect.get(target, p);
					return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
				}
			});
			equalBytes(counting, b);
			return n;
		};
		const a = new Uint8Array(64).fill(7);
		const differsFirst = a.slice();
		differsFirst[0] = 8;
		expect(reads(a, differsFirst)).toBe(64);
		expect(reads(a, a.slice())).toBe(64);
	});

	it('gives WebCrypto a view of the same memory, copying only shared memory', () => {
		const backing = Uint8Array.of(9, 1, 2, 3, 9);
		const view = bufferSource(backing.subarray(1, 4));
		expect(view.buffer).toBe(backing.buffer);
		expect([view.byteOffset, view.byteLength]).toEqual([1, 3]);
		const shared = new Uint8Array(new SharedArrayBuffer(3));
		shared.set([1, 2, 3]);
		const copied = bufferSource(shared);
		expect(copied.buffer).toBeInstanceOf(ArrayBuffer);
		expect(copied).toEqual(Uint8Array.of(1, 2, 3));
	});

	it('copies into a fresh ArrayBuffer of exactly the length', () => {
		const backing = Uint8Array.of(9, 1, 2, 3, 9);
		const view = backing.subarray(1, 4);
		const copy = exact(view);
		expect(copy).toEqual(Uint8Array.of(1, 2, 3));
		expect(copy.buffer).not.toBe(backing.buffer);
		expect(copy.byteOffset).toBe(0);
		expect(copy.buffer.byteLength).toBe(3);
		copy[0] = 0;
		expect(backing[1]).toBe(1);
	});
});
