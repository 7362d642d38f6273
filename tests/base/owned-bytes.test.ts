/**
 * base/memory owned bytes (issue 17): who may overwrite a buffer is stated in the type, not in
 * `scratch`/`inPlace` flags. own() hands bytes over, borrow() reads them, a part of owned bytes
 * is owned with them, and a part that is not in them is refused.
 */
import { describe, expect, test } from 'vitest';
import { borrow, isOwned, own, OwnedBytes, partOf } from '../../src/lib/base/memory';
import type { DecryptContentOptions } from '../../src/lib/cms/enveloped';
import type { CipherInput } from '../../src/lib/cms/content-cipher';
import type { ReadIncomingOptions } from '../../src/lib/smime/incoming-types';

describe('OwnedBytes', () => {
	test('own() wraps the same memory; borrow() gives it back for reading; a plain array is borrowed', () => {
		const bytes = Uint8Array.of(1, 2, 3, 4);
		const owned = own(bytes);
		expect(owned).toBeInstanceOf(OwnedBytes);
		expect(isOwned(owned)).toBe(true);
		expect(owned.bytes).toBe(bytes);
		expect(owned.length).toBe(4);
		expect(borrow(owned)).toBe(bytes);
		expect(isOwned(bytes)).toBe(false);
		expect(borrow(bytes)).toBe(bytes);
	});

	test('a part of owned bytes is owned with them, in the same memory', () => {
		const bytes = new Uint8Array(100).map((_, i) => i);
		const owned = own(bytes.subarray(10, 90));
		const sub = owned.subarray(5, 15);
		expect(sub.bytes.buffer).toBe(bytes.buffer);
		expect([...sub.bytes]).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
		const part = owned.part(bytes.subarray(20, 30));
		expect(part.bytes.byteOffset).toBe(20);
		expect(partOf(owned, bytes.subarray(20, 30))).toBeInstanceOf(OwnedBytes);
		// A borrowed array's part stays borrowed.
		expect(partOf(bytes, bytes.subarray(20, 30))).toBeInstanceOf(Uint8Array);
	});

	test('a view outside the owned bytes, or of other memory, is refused', () => {
		const bytes = new Uint8Array(100);
		const owned = own(bytes.subarray(10, 90));
		expect(() => owned.part(bytes.subarray(0, 20))).toThrow(RangeError);
		expect(() => owned.part(bytes.subarray(80, 95))).toThrow(RangeError);
		expect(() => owned.part(new Uint8Array(10))).toThrow(RangeError);
		expect(() => partOf(owned, bytes.subarray(0, 5))).toThrow(RangeError);
	});

	test('the old flags are gone from the types: ownership is the type of the bytes', () => {
		const raw = Uint8Array.of(1);
		const incoming: ReadIncomingOptions = {
			raw: own(raw),
			certificates: [],
			candidates: [],
			now: new Date(),
			crypto: globalThis.crypto,
			// @ts-expect-error -- no `scratch` flag: pass own(raw)
			scratch: true
		};
		const decrypt: DecryptContentOptions = {
			der: own(raw),
			candidates: [],
			crypto: globalThis.crypto,
			// @ts-expect-error -- no `inPlace` flag: pass own(der)
			inPlace: true
		};
		const cipher: Partial<CipherInput> = {
			ciphertext: own(raw),
			// @ts-expect-error -- no `inPlace` flag: pass own(ciphertext)
			inPlace: true
		};
		expect([incoming.raw, decrypt.der, cipher.ciphertext].every((b) => b instanceof OwnedBytes)).toBe(true);
	});
});
