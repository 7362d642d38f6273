/**
 * Attack: a PKCS#12 file whose MAC asks for millions of key-derivation iterations (issue 16: at
 * 8,388,608 the import took 221 s; at 10⁹ it never ended). Refused before any derivation, with
 * a sentence naming the count and the limit; nothing stored. The forge reader refuses it too,
 * should it ever be reached (the guard at its own derivation functions).
 */
import { describe, expect, test } from 'vitest';
import { readPkcs12 } from '../../src/lib/legacy/pkcs12';
import { MAX_KDF_ITERATIONS } from '../../src/lib/pki/kdf-limits';
import { PASS, expectRefusedBeforeAnyDerivation, kdfFixture } from './kdf-helpers';

describe('PKCS#12 MAC iterations above the limit', () => {
	test('openssl pkcs12 -export -iter 6000000 (MAC only, no encryption): refused at once', async () => {
		expect(MAX_KDF_ITERATIONS).toBe(5_000_000);
		await expectRefusedBeforeAnyDerivation(
			'mac-6m.p12',
			kdfFixture('mac-6m.p12'),
			'"mac-6m.p12" asks for 6,000,000 key-derivation iterations (PKCS#12 MAC); Sealdesk allows at most 5,000,000. Export it again with fewer iterations.'
		);
	});

	test('the forge reader itself refuses the MAC derivation before running it', () => {
		const started = performance.now();
		const result = readPkcs12(kdfFixture('mac-6m.p12'), PASS);
		expect(performance.now() - started).toBeLessThan(2000);
		expect(result).toEqual({ ok: false, reason: 'too-costly', cost: { use: 'PKCS#12 MAC', iterations: 6_000_000n }, total: 0n });
	});
});
