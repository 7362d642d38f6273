/**
 * Attack: a PKCS#12 key bag whose PBE asks for millions of iterations, hidden inside an
 * encrypted SafeContents (only visible once the outer layer, at an innocent 2048 iterations, is
 * opened). The scan before reading cannot see it; the guard at node-forge's own derivation
 * functions refuses it before deriving, with the same sentence; nothing stored.
 */
import * as asn1js from 'asn1js';
import { describe, expect, test } from 'vitest';
import { pkcs12KdfCosts } from '../../src/lib/pki/kdf-limits';
import { PASS, watchedDesk } from './kdf-helpers';
import { expectOnlyRefusalLogged, storeSnapshot } from '../reliability/snapshot';

const oid = (value: string): asn1js.ObjectIdentifier => new asn1js.ObjectIdentifier({ value });
const octets = (bytes: Uint8Array): asn1js.OctetString => new asn1js.OctetString({ valueHex: bytes.slice().buffer });
const explicit0 = (inner: asn1js.AsnType): asn1js.Constructed => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [inner] });
const der = (node: asn1js.AsnType): Uint8Array => new Uint8Array(node.toBER());

/** SafeContents with one shrouded key bag under pbeWithSHAAnd3-KeyTripleDES-CBC at `iterations`. */
function hiddenBag(iterations: number): Uint8Array {
	const epki = new asn1js.Sequence({
		value: [
			new asn1js.Sequence({ value: [oid('1.2.840.113549.1.12.1.3'), new asn1js.Sequence({ value: [octets(new Uint8Array(8).fill(1)), new asn1js.Integer({ value: iterations })] })] }),
			octets(new Uint8Array(64).fill(7))
		]
	});
	return der(new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [oid('1.2.840.113549.1.12.10.1.2'), explicit0(epki)] })] }));
}

/** A PFX (no MAC) whose only content is `safeContents` encrypted with PBES2 (PBKDF2-SHA256 at 2048, AES-256-CBC). */
async function encryptedPfx(safeContents: Uint8Array, passphrase: string): Promise<Uint8Array> {
	const salt = crypto.getRandomValues(new Uint8Array(16));
	const iv = crypto.getRandomValues(new Uint8Array(16));
	const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
	const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations: 2048, hash: 'SHA-256' }, base, { name: 'AES-CBC', length: 256 }, false, ['encrypt']);
	const encrypted = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, safeContents.slice()));
	const pbes2 = new asn1js.Sequence({
		value: [
			oid('1.2.840.113549.1.5.13'),
			new asn1js.Sequence({
				value: [
					new asn1js.Sequence({
						value: [oid('1.2.840.113549.1.5.12'), new asn1js.Sequence({ value: [octets(salt), new asn1js.Integer({ value: 2048 }), new asn1js.Sequence({ value: [oid('1.2.840.113549.2.9'), new asn1js.Null()] })] })]
					}),
					new asn1js.Sequence({ value: [oid('2.16.840.1.101.3.4.1.42'), octets(iv)] })
				]
			})
		]
	});
	const encryptedData = new asn1js.Sequence({
		value: [
			new asn1js.Integer({ value: 0 }),
			new asn1js.Sequence({ value: [oid('1.2.840.113549.1.7.1'), pbes2, new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: encrypted.buffer })] })
		]
	});
	const authSafe = der(new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [oid('1.2.840.113549.1.7.6'), explicit0(encryptedData)] })] }));
	return der(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 3 }), new asn1js.Sequence({ value: [oid('1.2.840.113549.1.7.1'), explicit0(octets(authSafe))] })] }));
}

describe('a costly key bag inside an encrypted SafeContents', () => {
	test('the scan sees only the outer 2048; the forge guard refuses the hidden 6,000,000 before deriving', async () => {
		const file = await encryptedPfx(hiddenBag(6_000_000), PASS);
		expect(pkcs12KdfCosts(file)).toEqual([{ use: 'PBKDF2', iterations: 2048n }]);
		const { desk, restore } = await watchedDesk();
		try {
			const before = await storeSnapshot(desk);
			const started = performance.now();
			const importing = desk.importFile({ name: 'hidden.p12', data: file, passphrase: PASS });
			const sentence = '"hidden.p12" asks for 6,000,000 key-derivation iterations (PKCS#12 encryption); Sealdesk allows at most 5,000,000. Export it again with fewer iterations.';
			await expect(importing).rejects.toMatchObject({ code: 'too-costly', message: sentence });
			expect(performance.now() - started).toBeLessThan(3000);
			await expectOnlyRefusalLogged(desk, before, 'import', sentence);
		} finally {
			restore();
			await desk.close();
		}
	});

	test('under the limit the same structure reaches the bag (and fails only on its garbage content)', async () => {
		const file = await encryptedPfx(hiddenBag(1000), PASS);
		const { desk, restore } = await watchedDesk();
		try {
			await expect(desk.importFile({ name: 'hidden.p12', data: file, passphrase: PASS })).rejects.not.toMatchObject({ code: 'too-costly' });
		} finally {
			restore();
			await desk.close();
		}
	});
});
