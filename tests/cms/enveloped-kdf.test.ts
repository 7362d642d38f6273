/** KDF helpers: SHA-224 against openssl, X9.63 structure. */
import { describe, expect, it } from 'vitest';
import { sha224 } from '../../src/lib/cms/kdf-sha224';
import { x963Kdf } from '../../src/lib/cms/kdf';
import { concatBytes, exact } from '../../src/lib/base/bytes';
import { openssl, tmpFile } from './enveloped-helpers';

describe('sha224', () => {
	it.each([0, 1, 55, 56, 63, 64, 65, 200])('matches openssl dgst for %i bytes', (n) => {
		const data = crypto.getRandomValues(new Uint8Array(n));
		const out = openssl(['dgst', '-sha224', '-binary', tmpFile(data)]);
		expect(sha224(data)).toEqual(out);
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
