/**
 * Regressions the fuzzer found (issue 9), one test each, naming what it guards.
 */
import { expect, test } from 'vitest';
import { verifySignedData } from '../../src/lib/cms/signed-verify';
import { SignedDataFormatError } from '../../src/lib/cms/signed-types';

test('issue 9: a malformed GeneralizedTime makes verifySignedData throw SignedDataFormatError, not asn1js\'s bare Error', async () => {
	// SEQUENCE { GeneralizedTime "2026XX" }: asn1js throws "Wrong input string for conversion" while parsing.
	const der = new Uint8Array([0x30, 0x08, 0x18, 0x06, 0x32, 0x30, 0x32, 0x36, 0x58, 0x58]);
	await expect(verifySignedData({ der, crypto })).rejects.toBeInstanceOf(SignedDataFormatError);
});
