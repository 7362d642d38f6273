/** KDF helpers: the X9.63 KDF with SHA-224 (from @noble/hashes) against openssl, X9.63 structure. */
import { describe, expect, it } from 'vitest';
import { x963Kdf } from '../../src/lib/cms/kdf';
import { concatBytes, exact } from '../../src/lib/base/bytes';
import { openssl, tmpFile } from './enveloped-helpers';

describe('x963Kdf with SHA-224, which WebCrypto lacks', () => {
	// Z lengths around the SHA-224 block edges once the 4-byte counter and 3-byte info are added.
	it.each([0, 1, 48, 49, 56, 57, 64, 193])('matches openssl dgst -sha224 blocks for a %i-byte Z', async (n) => {
		const z = crypto.getRandomValues(new Uint8Array(n));
		const info = new Uint8Array([1, 2, 3]);
		const k = await x963Kdf(crypto, 'SHA-224', z, info, 40);
		const block = (counter: number): Uint8Array =>
			new Uint8Array(openssl(['dgst', '-sha224', '-binary', tmpFile(concatBytes([z, Uint8Array.of(0, 0, 0, counter), info]))]));
		expect(k).toEqual(concatBytes([block(1), block(2)]).subarray(0, 40));
	});
});

describe('x963Kdf', () => {
	it('is Hash(Z || counter || info) blocks, truncated', async () => {
		const z = crypto.getRandomValues(new Uint8Array(32));
		const info = new Uint8Array([1, 2, 3]);
		const k = await x963Kdf(crypto, 'SHA-256', z, info, 40);
		const b1 = new Uint8Array(await crypto.subtle.digest('SHA-256', exact(concatBytes([z, new Uint8Array([0, 0, 0, 1]), info]))));
		const b2 = new Uint8Array(await crypto.subtle.digest('SHA-256', exact(concatBytes([z, new Uint8Array([0, 0, 0, 2]), info]))));
		expect(k).toEqual(concatBytes([b1, b2]).subarray(0, 40));
	});
});
