/**
 * The key vault: the non-extractable AES-GCM key that seals RSA PKCS#8 for the legacy
 * RSAES-PKCS1-v1_5 path. By default it is a random device key kept in settings; with a vault
 * passphrase it is derived with PBKDF2-SHA-256 (600,000 iterations) and held only in memory
 * once unlocked. Strict key custody keeps no sealed copy at all.
 */
import { ImportError, wrongPassphrase } from '../pki/errors';
import { exact } from '../pki/bytes';
import type { LegacyKeyOpener } from '../pki/keyset';
import type { KeyRecord, SealedKey } from '../store/schema';
import { announce, type DeskContext } from './context';

/** PBKDF2 iterations for the vault passphrase (OWASP 2023 for PBKDF2-HMAC-SHA256). */
export const VAULT_ITERATIONS = 600_000;

/** How the vault key is kept (the 'vault' setting). */
export type VaultSetting =
	| { mode: 'device'; key: CryptoKey }
	| { mode: 'passphrase'; salt: Uint8Array; iterations: number; check: SealedKey };

/** What the UI shows about the vault. */
export interface VaultStatus {
	/** A vault passphrase is set. */
	passphrase: boolean;
	/** The sealed keys cannot be opened until the passphrase is entered. */
	locked: boolean;
	strictKeyCustody: boolean;
	/** Fingerprints of the keys that have the legacy path (a sealed copy). */
	legacyKeys: string[];
}

const CHECK = new TextEncoder().encode('sealdesk vault');

/** Reads the vault setting, creating the device key on first use. */
export async function vaultSetting(ctx: DeskContext): Promise<VaultSetting> {
	const existing = (await ctx.db.get('settings', 'vault')) as VaultSetting | undefined;
	if (existing) return existing;
	const key = await ctx.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
	const setting: VaultSetting = { mode: 'device', key };
	const tx = ctx.db.transaction('settings', 'readwrite');
	const raced = (await tx.store.get('vault')) as VaultSetting | undefined;
	if (raced) {
		await tx.done;
		return raced;
	}
	await tx.store.put(setting, 'vault');
	await tx.done;
	return setting;
}

/** Whether strict key custody is on. */
export async function isStrictKeyCustody(ctx: DeskContext): Promise<boolean> {
	return (await ctx.db.get('settings', 'strictKeyCustody')) === true;
}

/** The key that seals and opens PKCS#8 now, or null when a passphrase vault is locked. */
export async function sealingKey(ctx: DeskContext): Promise<CryptoKey | null> {
	const setting = await vaultSetting(ctx);
	return setting.mode === 'device' ? setting.key : ctx.vault.unlocked;
}

/** Seals bytes with AES-GCM under the key. */
export async function seal(crypto: Crypto, key: CryptoKey, plain: Uint8Array): Promise<SealedKey> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, exact(plain)));
	return { iv, data };
}

/**
 * Opens sealed bytes.
 * @returns the plaintext (zero it when done), or null when the key is not the sealing key
 */
export async function unseal(crypto: Crypto, key: CryptoKey, sealed: SealedKey): Promise<Uint8Array | null> {
	try {
		return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: exact(sealed.iv) }, key, exact(sealed.data)));
	} catch {
		return null;
	}
}

async function derive(crypto: Crypto, passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
	const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
	return crypto.subtle.deriveKey({ name: 'PBKDF2', salt: exact(salt), iterations, hash: 'SHA-256' }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The current vault key from a passphrase or the device key; throws on a wrong passphrase. */
async function currentKey(ctx: DeskContext, setting: VaultSetting, passphrase: string | null): Promise<CryptoKey> {
	if (setting.mode === 'device') return setting.key;
	if (passphrase === null) throw new ImportError('wrong-passphrase', 'Enter the current vault passphrase.');
	const key = await derive(ctx.crypto, passphrase, setting.salt, setting.iterations);
	const check = await unseal(ctx.crypto, key, setting.check);
	if (!check) throw wrongPassphrase();
	check.fill(0);
	return key;
}

/**
 * Sets, changes or (with `next` null) removes the vault passphrase, re-sealing every key.
 * @throws ImportError 'wrong-passphrase' when `current` does not open the vault
 */
export async function setVaultPassphrase(ctx: DeskContext, current: string | null, next: string | null): Promise<void> {
	const setting = await vaultSetting(ctx);
	const oldKey = await currentKey(ctx, setting, current);
	let newSetting: VaultSetting;
	let newKey: CryptoKey;
	if (next === null || next === '') {
		newKey = await ctx.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
		newSetting = { mode: 'device', key: newKey };
	} else {
		const salt = ctx.crypto.getRandomValues(new Uint8Array(16));
		newKey = await derive(ctx.crypto, next, salt, VAULT_ITERATIONS);
		newSetting = { mode: 'passphrase', salt, iterations: VAULT_ITERATIONS, check: await seal(ctx.crypto, newKey, CHECK) };
	}
	const records = await ctx.db.getAll('keys');
	const updated: KeyRecord[] = [];
	for (const record of records) {
		if (!record.sealed) continue;
		const plain = await unseal(ctx.crypto, oldKey, record.sealed);
		if (!plain) throw new Error(`The sealed key of ${record.fingerprint} does not open with the vault key.`);
		updated.push({ ...record, sealed: await seal(ctx.crypto, newKey, plain) });
		plain.fill(0);
	}
	const tx = ctx.db.transaction(['keys', 'settings'], 'readwrite');
	await Promise.all([...updated.map((r) => tx.objectStore('keys').put(r)), tx.objectStore('settings').put(newSetting, 'vault'), tx.done]);
	ctx.vault.unlocked = newSetting.mode === 'passphrase' ? newKey : null;
	announce(ctx, ['keys', 'settings']);
}

/**
 * Unlocks a passphrase vault for this desk's lifetime (until lockVault or close).
 * @throws ImportError 'wrong-passphrase' with "The passphrase is wrong."
 */
export async function unlockVault(ctx: DeskContext, passphrase: string): Promise<void> {
	const setting = await vaultSetting(ctx);
	if (setting.mode === 'device') return;
	ctx.vault.unlocked = await currentKey(ctx, setting, passphrase);
}

/** Forgets the derived vault key. */
export function lockVault(ctx: DeskContext): void {
	ctx.vault.unlocked = null;
}

/** The vault's state for the UI. */
export async function vaultStatus(ctx: DeskContext): Promise<VaultStatus> {
	const setting = await vaultSetting(ctx);
	const records = await ctx.db.getAll('keys');
	return {
		passphrase: setting.mode === 'passphrase',
		locked: setting.mode === 'passphrase' && ctx.vault.unlocked === null,
		strictKeyCustody: await isStrictKeyCustody(ctx),
		legacyKeys: records.filter((r) => r.sealed !== undefined).map((r) => r.fingerprint)
	};
}

/** Turns strict key custody on (dropping every sealed copy at once) or off (new imports seal again). */
export async function setStrictKeyCustody(ctx: DeskContext, on: boolean): Promise<void> {
	const tx = ctx.db.transaction(['keys', 'settings'], 'readwrite');
	await tx.objectStore('settings').put(on, 'strictKeyCustody');
	if (on) {
		let cursor = await tx.objectStore('keys').openCursor();
		while (cursor) {
			if (cursor.value.sealed) {
				const { sealed, ...rest } = cursor.value;
				sealed.data.fill(0);
				await cursor.update(rest);
			}
			cursor = await cursor.continue();
		}
	}
	await tx.done;
	announce(ctx, ['keys', 'settings']);
}

/**
 * The opener of one certificate's sealed RSA PKCS#8, for the legacy decryption path.
 * The opener resolves to null under strict custody, with a locked vault, or without a sealed copy.
 */
export function legacyKeyOpenerFor(ctx: DeskContext, fingerprint: string): LegacyKeyOpener {
	return async () => {
		if (await isStrictKeyCustody(ctx)) return null;
		const record = await ctx.db.get('keys', fingerprint);
		if (!record?.sealed) return null;
		const key = await sealingKey(ctx);
		if (!key) return null;
		return unseal(ctx.crypto, key, record.sealed);
	};
}
