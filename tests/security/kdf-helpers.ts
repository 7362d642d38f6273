/**
 * Shared pieces of the import cost limit tests (issue 16): the OpenSSL-made files, a desk whose
 * legacy readers and WebCrypto derivations are watched, and the MAC removal that leaves one
 * derivation alone in a file.
 */
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import { expect, vi } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { inProcessLegacyReaders, type LegacyReaders } from '../../src/lib/pki/read';
import { freshDesk } from '../desk/import-helpers';
import { expectOnlyRefusalLogged, storeSnapshot } from '../reliability/snapshot';

/** tests/fixtures/kdf (made by its make.sh with OpenSSL 3). Passphrase: sealdesk. */
export function kdfFixture(name: string): Uint8Array {
	return new Uint8Array(readFileSync(new URL(`../fixtures/kdf/${name}`, import.meta.url)));
}

export const PASS = 'sealdesk';

/** The PFX without its macData (OpenSSL 3.0 writes a MAC at -iter even with -nomac). */
export function withoutMac(der: Uint8Array): Uint8Array {
	const pfx = asn1js.fromBER(der.slice().buffer).result;
	if (!(pfx instanceof asn1js.Sequence)) throw new Error('not a PFX');
	const [version, authSafe] = pfx.valueBlock.value;
	if (!version || !authSafe) throw new Error('not a PFX');
	return new Uint8Array(new asn1js.Sequence({ value: [version, authSafe] }).toBER());
}

/** A desk whose legacy (forge) readers and WebCrypto key derivations count their calls. */
export async function watchedDesk(): Promise<{ desk: Desk; legacyCalls: () => number; derivations: () => number; restore: () => void }> {
	const { desk } = await freshDesk();
	let legacy = 0;
	const readers: LegacyReaders = {
		readPkcs12: (der, passphrase) => {
			legacy++;
			return inProcessLegacyReaders.readPkcs12(der, passphrase);
		},
		decryptLegacyPkcs8: (der, passphrase) => {
			legacy++;
			return inProcessLegacyReaders.decryptLegacyPkcs8(der, passphrase);
		}
	};
	desk.context.legacy = readers;
	const deriveKey = vi.spyOn(crypto.subtle, 'deriveKey');
	const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');
	return {
		desk,
		legacyCalls: () => legacy,
		derivations: () => deriveKey.mock.calls.filter(([alg]) => (alg as { name?: string }).name === 'PBKDF2').length + deriveBits.mock.calls.filter(([alg]) => (alg as { name?: string }).name === 'PBKDF2').length,
		restore: () => {
			deriveKey.mockRestore();
			deriveBits.mockRestore();
		}
	};
}

/**
 * Imports `data` and expects the refusal `sentence` with code 'too-costly', before any key
 * derivation ran (no forge reader called, no PBKDF2), and the store exactly as before.
 */
export async function expectRefusedBeforeAnyDerivation(name: string, data: Uint8Array | string, sentence: string): Promise<void> {
	const { desk, legacyCalls, derivations, restore } = await watchedDesk();
	try {
		const before = await storeSnapshot(desk);
		const started = performance.now();
		const importing = desk.importFile({ name, data, passphrase: PASS });
		await expect(importing).rejects.toThrow(sentence);
		await expect(importing).rejects.toMatchObject({ code: 'too-costly', message: sentence });
		expect(performance.now() - started).toBeLessThan(2000);
		expect(legacyCalls()).toBe(0);
		expect(derivations()).toBe(0);
		await expectOnlyRefusalLogged(desk, before, 'import', sentence);
	} finally {
		restore();
		await desk.close();
	}
}

