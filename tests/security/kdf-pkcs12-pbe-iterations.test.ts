/**
 * Attack: a PKCS#12 key bag under the PKCS#12 PBE (pbeWithSHAAnd3-KeyTripleDES-CBC) asking for
 * millions of iterations, which forge would derive synchronously (twice: key and IV). Refused
 * before any derivation with the count and the limit; nothing stored.
 */
import { describe, expect, test } from 'vitest';
import { readPkcs12 } from '../../src/lib/legacy/pkcs12';
import { PASS, expectRefusedBeforeAnyDerivation, kdfFixture, withoutMac } from './kdf-helpers';

describe('PKCS#12 PBE iterations above the limit', () => {
	const file = withoutMac(kdfFixture('pbe-6m.p12'));

	test('openssl pkcs12 -export -keypbe PBE-SHA1-3DES -iter 6000000 (MAC removed): refused at once', async () => {
		await expectRefusedBeforeAnyDerivation(
			'pbe-6m.p12',
			file,
			'"pbe-6m.p12" asks for 6,000,000 key-derivation iterations (PKCS#12 encryption); Sealdesk allows at most 5,000,000. Export it again with fewer iterations.'
		);
	});

	test('the forge reader itself refuses the PBE derivation before running it', () => {
		const started = performance.now();
		const result = readPkcs12(file, PASS);
		expect(performance.now() - started).toBeLessThan(2000);
		expect(result).toEqual({ ok: false, reason: 'too-costly', cost: { use: 'PKCS#12 encryption', iterations: 6_000_000n }, total: 0n });
	});
});
