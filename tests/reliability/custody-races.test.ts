/**
 * Custody races between tabs (issue 16, point 5): two desks on one database, one changing the
 * key custody settings while the other seals a key. Whatever the interleaving, no key is left
 * in a state the settings forbid: no sealed copy under strict custody, every sealed copy opens
 * with the vault key of the moment, and a failed settings change leaves nothing half done.
 */
import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, test } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import { legacyKeyOpenerFor } from '../../src/lib/desk';
import { fixture } from '../desk/import-helpers';
import { expectOnlyRefusalLogged, storeSnapshot } from './snapshot';

const PASS = 'sealdesk';

/** A crypto whose AES-GCM encrypt (the sealing step) can be held until the test lets it go. */
class GatedCrypto {
	#hold: Promise<void> | null = null;
	#skip = 0;
	#release: (() => void) | null = null;
	#reached: (() => void) | null = null;
	readonly crypto: Crypto;

	constructor() {
		const real = globalThis.crypto;
		const bound = (target: object, prop: string | symbol): unknown => {
			const value: unknown = Reflect.get(target, prop);
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		};
		const encrypt = async (...args: Parameters<SubtleCrypto['encrypt']>): Promise<ArrayBuffer> => {
			const hold = this.#hold;
			if (hold && this.#skip-- === 0) {
				this.#hold = null;
				this.#reached?.();
				await hold;
			}
			return real.subtle.encrypt(...args);
		};
		const subtle = new Proxy(real.subtle, { get: (target, prop) => (prop === 'encrypt' ? encrypt : bound(target, prop)) });
		this.crypto = new Proxy(real, { get: (target, prop) => (prop === 'subtle' ? subtle : bound(target, prop)) });
	}

	/** The encrypt after the next `skip` ones waits; resolves once it is waiting, with the function that lets it go. */
	arm(skip = 0): Promise<() => void> {
		this.#skip = skip;
		return new Promise((reached) => {
			this.#hold = new Promise<void>((release) => {
				this.#release = release;
			});
			this.#reached = () => {
				reached(() => this.#release?.());
			};
		});
	}
}

async function twoDesks(): Promise<{ a: Desk; b: Desk; gate: GatedCrypto; factory: IDBFactory }> {
	const factory = new IDBFactory();
	const gate = new GatedCrypto();
	const a = await openDesk({ indexedDB: factory, name: 'race', crypto: gate.crypto });
	const b = await openDesk({ indexedDB: factory, name: 'race' });
	await a.setEnabled(true);
	return { a, b, gate, factory };
}

/** Every sealed copy opens with the vault key as it is now (unlocked with `passphrase` when given). */
async function expectEverySealedCopyOpens(factory: IDBFactory, passphrase: string | null): Promise<number> {
	const c = await openDesk({ indexedDB: factory, name: 'race' });
	if (passphrase) await c.unlockVault(passphrase);
	const status = await c.vaultStatus();
	for (const fp of status.legacyKeys) expect(await legacyKeyOpenerFor(c.context, fp)(), fp).not.toBeNull();
	await c.close();
	return status.legacyKeys.length;
}

describe('custody races between two desks on one database', () => {
	test('(a) strict custody switched on in desk B while desk A seals an imported key: no sealed copy under strict', async () => {
		const { a, b, gate } = await twoDesks();
		const reached = gate.arm();
		const importing = a.importFile({ name: 'bob-legacy.p12', data: fixture('import/bob-legacy.p12'), passphrase: PASS });
		const release = await reached;
		await b.setStrictKeyCustody(true);
		release();
		const summary = await importing;
		expect(summary.privateKeys).toHaveLength(1);
		const status = await b.vaultStatus();
		expect(status.strictKeyCustody).toBe(true);
		expect(status.legacyKeys).toEqual([]);
		expect((await a.getCertificate(summary.privateKeys[0]?.fingerprint ?? ''))?.hasPrivateKey).toBe(true);
	});

	test('(b) a vault passphrase set in desk B while desk A seals a key: the key is sealed under the new vault key', async () => {
		const { a, b, gate, factory } = await twoDesks();
		const reached = gate.arm();
		const importing = a.importFile({ name: 'bob-legacy.p12', data: fixture('import/bob-legacy.p12'), passphrase: PASS });
		const release = await reached;
		await b.setVaultPassphrase(null, 'correct horse');
		release();
		// A holds no unlocked key for the new vault: it must not seal under the old device key.
		await expect(importing).rejects.toThrow('Unlock the key vault first.');
		expect((await b.vaultStatus()).legacyKeys).toEqual([]);
		await a.unlockVault('correct horse');
		await a.importFile({ name: 'bob-legacy.p12', data: fixture('import/bob-legacy.p12'), passphrase: PASS });
		expect(await expectEverySealedCopyOpens(factory, 'correct horse')).toBe(1);
		// Changing the passphrase again works: every copy opens with the current key.
		await b.setVaultPassphrase('correct horse', 'battery staple');
		expect(await expectEverySealedCopyOpens(factory, 'battery staple')).toBe(1);
	}, 60_000);

	test('(b) a key imported in desk B while desk A re-seals for a new passphrase: that key is re-sealed too', async () => {
		const { a, b, gate, factory } = await twoDesks();
		await a.importFile({ name: 'alice-modern.p12', data: fixture('import/alice-modern.p12'), passphrase: PASS });
		// The first encrypt seals the new vault's check value; the second re-seals alice's key.
		const reached = gate.arm(1);
		const setting = a.setVaultPassphrase(null, 'correct horse');
		const release = await reached;
		await b.importFile({ name: 'bob-legacy.p12', data: fixture('import/bob-legacy.p12'), passphrase: PASS });
		release();
		await setting;
		expect(await expectEverySealedCopyOpens(factory, 'correct horse')).toBe(2);
		await a.setVaultPassphrase('correct horse', null);
		expect(await expectEverySealedCopyOpens(factory, null)).toBe(2);
	}, 60_000);
});

type Put = IDBObjectStore['put'];
const originalPut: Put = IDBObjectStore.prototype.put; // eslint-disable-line @typescript-eslint/unbound-method
afterEach(() => {
	IDBObjectStore.prototype.put = originalPut;
});

/** The second put() into the keys store throws, as a failing disk would mid-way. */
function failSecondKeyPut(): void {
	let n = 0;
	IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<Put>): IDBRequest<IDBValidKey> {
		if (this.name === 'keys' && ++n === 2) throw new DOMException('simulated disk failure', 'UnknownError');
		return originalPut.apply(this, args);
	};
}

describe('(c) custody settings changes are single transactions', () => {
	async function twoSealedKeys(): Promise<{ desk: Desk; factory: IDBFactory }> {
		const factory = new IDBFactory();
		const desk = await openDesk({ indexedDB: factory, name: 'race' });
		await desk.setEnabled(true);
		await desk.importFile({ name: 'alice-modern.p12', data: fixture('import/alice-modern.p12'), passphrase: PASS });
		await desk.importFile({ name: 'bob-legacy.p12', data: fixture('import/bob-legacy.p12'), passphrase: PASS });
		expect((await desk.vaultStatus()).legacyKeys).toHaveLength(2);
		return { desk, factory };
	}

	test('setStrictKeyCustody(true) failing mid-way: strict stays off and every sealed copy stays', async () => {
		const { desk, factory } = await twoSealedKeys();
		const before = await storeSnapshot(desk);
		failSecondKeyPut();
		await expect(desk.setStrictKeyCustody(true)).rejects.toThrow('Strict key custody could not be changed. Nothing was changed.');
		IDBObjectStore.prototype.put = originalPut;
		await expectOnlyRefusalLogged(desk, before, 'setting', 'Strict key custody could not be changed. Nothing was changed.');
		expect((await desk.settings()).strictKeyCustody).toBe(false);
		expect(await expectEverySealedCopyOpens(factory, null)).toBe(2);
	});

	test('setVaultPassphrase failing mid-way: the old vault key and every sealed copy stay as they were', async () => {
		const { desk, factory } = await twoSealedKeys();
		const before = await storeSnapshot(desk);
		failSecondKeyPut();
		await expect(desk.setVaultPassphrase(null, 'correct horse')).rejects.toThrow('The vault passphrase could not be changed. Nothing was changed.');
		IDBObjectStore.prototype.put = originalPut;
		await expectOnlyRefusalLogged(desk, before, 'vault', 'The vault passphrase could not be changed. Nothing was changed.');
		expect((await desk.settings()).vault).toEqual({ passphrase: false, locked: false });
		expect(await expectEverySealedCopyOpens(factory, null)).toBe(2);
		// And it succeeds afterwards.
		await desk.setVaultPassphrase(null, 'correct horse');
		expect(await expectEverySealedCopyOpens(factory, 'correct horse')).toBe(2);
	}, 60_000);
});
