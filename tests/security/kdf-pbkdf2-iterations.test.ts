/**
 * Attack: PBES2 (PBKDF2) iteration counts in the millions, in an encrypted PKCS#8 and in a
 * PKCS#12 key bag. The INTEGER is read at every size (issue 16: asn1js's valueDec is 0 for a
 * four-byte INTEGER, so a key made with `openssl pkcs8 -iter 9000000` was refused as "not a PEM
 * or DER…"): above the limit it is refused for its count, before any derivation, and under the
 * limit it imports.
 */
import { execFileSync } from 'node:child_process';
import * as asn1js from 'asn1js';
import { describe, expect, test } from 'vitest';
import { readPkcs12 } from '../../src/lib/legacy/pkcs12';
import { integerValue } from '../../src/lib/pki/kdf-limits';
import { fixture } from '../desk/import-helpers';
import { PASS, expectRefusedBeforeAnyDerivation, kdfFixture, watchedDesk, withoutMac } from './kdf-helpers';

const BOB_KEY = new URL('../fixtures/pki/bob.key', import.meta.url).pathname;

describe('PBKDF2 iterations', () => {
	test('the INTEGER is read at every size, one to nine bytes, and negative values are negative', () => {
		for (const value of [1n, 127n, 128n, 2048n, 600_000n, 8_388_607n, 8_388_608n, 9_000_000n, 2_147_483_647n, 2n ** 40n, 2n ** 70n]) {
			expect(integerValue(new asn1js.Integer({ valueHex: hexBytes(value) }))).toBe(value);
		}
		expect(integerValue(new asn1js.Integer({ value: -5 }))).toBe(-5n);
		expect(integerValue(new asn1js.OctetString())).toBeNull();
	});

	test('openssl pkcs8 -topk8 -iter 9000000: refused for its count, not as "not a PEM or DER…"', async () => {
		await expectRefusedBeforeAnyDerivation(
			'pkcs8-9m.key',
			kdfFixture('pkcs8-9m.key'),
			'"pkcs8-9m.key" asks for 9,000,000 key-derivation iterations (PBKDF2); Sealdesk allows at most 5,000,000. Export it again with fewer iterations.'
		);
	});

	test('openssl pkcs12 -export -keypbe AES-256-CBC -iter 6000000 (MAC removed): refused at once', async () => {
		await expectRefusedBeforeAnyDerivation(
			'pbkdf2-6m.p12',
			withoutMac(kdfFixture('pbkdf2-6m.p12')),
			'"pbkdf2-6m.p12" asks for 6,000,000 key-derivation iterations (PBKDF2); Sealdesk allows at most 5,000,000. Export it again with fewer iterations.'
		);
	});

	test('the forge reader itself refuses the PBKDF2 derivation before running it', () => {
		const result = readPkcs12(withoutMac(kdfFixture('pbkdf2-6m.p12')), PASS);
		expect(result).toEqual({ ok: false, reason: 'too-costly', cost: { use: 'PBKDF2', iterations: 6_000_000n }, total: 0n });
	});

	test('a key made with openssl pkcs8 -iter 600000 (OWASP\'s count, three bytes) imports', async () => {
		const pem = execFileSync('openssl', ['pkcs8', '-topk8', '-in', BOB_KEY, '-v2', 'aes-256-cbc', '-iter', '600000', '-passout', `pass:${PASS}`]).toString();
		const { desk, derivations, restore } = await watchedDesk();
		try {
			await desk.importFile({ name: 'bob.pem', data: fixture('pki/bob.pem') });
			const r = await desk.importFile({ name: 'bob-600k.key', data: pem, passphrase: PASS });
			expect(r.privateKeys).toHaveLength(1);
			expect(derivations()).toBe(1);
		} finally {
			restore();
			await desk.close();
		}
	});
});

function hexBytes(value: bigint): ArrayBuffer {
	let hex = value.toString(16);
	if (hex.length % 2) hex = `0${hex}`;
	if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
	return new Uint8Array(Buffer.from(hex, 'hex')).buffer;
}
