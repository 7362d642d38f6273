/**
 * The raw RSA decryption under PKCS#1 v1.5 implicit rejection is done in native bigints (issue
 * 8: forge's BigInteger took 35-70 ms per message). It must give exactly forge's result for
 * every ciphertext below the modulus, refuse what forge refuses, and keep blinding (a fresh
 * random factor on every call).
 */
import fc from 'fast-check';
import forge from 'node-forge';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { rsaDecryptRaw } from '../../src/lib/legacy/rsa-pkcs1';
import { PKI, readPem } from '../cms/enveloped-helpers';
import { params } from '../fuzz/config';

const binary = (b: Uint8Array): string => Array.from(b, (x) => String.fromCharCode(x)).join('');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('rsaDecryptRaw', () => {
	for (const name of ['bob', 'alice']) {
		const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(binary(readPem(join(PKI, `${name}.key`)))));
		const k = Math.ceil(key.n.bitLength() / 8);
		const forgeRaw = (c: Uint8Array): string => Buffer.from(key.decrypt(binary(c), 'RAW'), 'latin1').toString('hex');
		/** A ciphertext of k bytes below the modulus: the top byte cleared. */
		const below = fc.uint8Array({ minLength: k, maxLength: k }).map((c) => c.map((x, i) => (i === 0 ? 0 : x)));

		test(`${name}: the same bytes as forge for any ciphertext below the modulus`, () => {
			fc.assert(
				fc.property(below, (c) => {
					expect(hex(rsaDecryptRaw(key, c, crypto))).toBe(forgeRaw(c));
				}),
				params(40)
			);
			const nMinus1 = new Uint8Array(Buffer.from(key.n.subtract(forge.jsbn.BigInteger.ONE).toString(16).padStart(2 * k, '0'), 'hex'));
			for (const c of [new Uint8Array(k), new Uint8Array(k).fill(1, k - 1), nMinus1]) expect(hex(rsaDecryptRaw(key, c, crypto))).toBe(forgeRaw(c));
		});

		test(`${name}: refuses a ciphertext of the wrong length or not below the modulus`, () => {
			expect(() => rsaDecryptRaw(key, new Uint8Array(k - 1), crypto)).toThrow();
			expect(() => rsaDecryptRaw(key, new Uint8Array(k + 1), crypto)).toThrow();
			expect(() => rsaDecryptRaw(key, new Uint8Array(k).fill(0xff), crypto)).toThrow();
			const n = new Uint8Array(Buffer.from(key.n.toString(16).padStart(2 * k, '0'), 'hex'));
			expect(() => rsaDecryptRaw(key, n, crypto)).toThrow();
		});

		test(`${name}: a fresh random blinding factor on every call`, () => {
			const spy = vi.spyOn(crypto, 'getRandomValues');
			const c = new Uint8Array(k).fill(7, 1);
			rsaDecryptRaw(key, c, crypto);
			rsaDecryptRaw(key, c, crypto);
			const sizes = spy.mock.calls.map(([a]) => (a as Uint8Array).length);
			spy.mockRestore();
			expect(sizes.filter((s) => s === k).length).toBeGreaterThanOrEqual(2);
		});
	}
});
