/**
 * Attack: a PKCS#12 file with several derivations each under the limit but costly together
 * (or many encrypted items). The file's total is bounded too: refused before any derivation.
 */
import { describe, test } from 'vitest';
import { expectRefusedBeforeAnyDerivation, kdfFixture } from './kdf-helpers';

describe('PKCS#12 derivations above the per-file limit together', () => {
	test('openssl pkcs12 -export -iter 4000000 (MAC, certificates and key: 12,000,000 in all): refused at once', async () => {
		await expectRefusedBeforeAnyDerivation(
			'total-12m.p12',
			kdfFixture('total-12m.p12'),
			'"total-12m.p12" asks for 12,000,000 key-derivation iterations in all; Sealdesk allows at most 10,000,000 per file. Export it again with fewer iterations.'
		);
	});
});
