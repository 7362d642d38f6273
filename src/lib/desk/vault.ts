/**
 * The key vault: the non-extractable AES-GCM key that seals RSA PKCS#8 for the legacy
 * RSAES-PKCS1-v1_5 path. By default it is a random device key kept in settings; with a vault
 * passphrase it is derived with PBKDF2-SHA-256 (600,000 iterations) and held only in memory
 * once unlocked. Strict key custody keeps no sealed copy at all.
 */
import { ImportError, wrongPassphrase } from '../pki/errors';
import { exact, toHex } from '../base/bytes';
import type { LegacyKeyOpener } from '../pki/keyset';
import type { KeyRecord, MailAccountRecord, SealedKey, VaultSetting } from '../store/records';
import { keyStore, mailAccountStore, settingStore } from '../store/repositories';
import { readTransaction, withWriteTransaction, type Tx } from '../store/transaction';
import { announce, type DeskContext } from './context';

export type { VaultSetting } from '../store/records';
export { DEFAULT_AUTO_LOCK_MINUTES } from '../store/settings';

/** PBKDF2 iterations for the vault passphrase (OWASP 2023 for PBKDF2-HMAC-SHA256). */
export const VAULT_ITERATIONS = 600_000;

/** What the UI shows about the vault. */
export interface VaultStatus {
	/** A vault passphrase is set. */
	passphrase: boolean;
	/** The sealed keys cannot be opened until the passphrase is entered. */
	locked: boolean;
	strictKeyCustody: boolean;
	/** Fingerprints of the keys that have the legacy path (a sealed copy). */
	legacyKeys: string[];
	/** Minutes of vault idleness after which an unlocked vault locks itself (0: never). */
	autoLockMinutes: number;
}

/** The longest idle auto-lock, in minutes (a day). */
export const MAX_AUTO_LOCK_MINUTES = 1440;
/** The refusal of an auto-lock time out of range. */
export const AUTO_LOCK_RANGE = `The auto-lock time must be a whole number of minutes from 0 to ${String(MAX_AUTO_LOCK_MINUTES)}.`;

/** The idle auto-lock setting, in minutes (0: never). */
export async function vaultAutoLockMinutes(ctx: DeskContext): Promise<number> {
	return settingStore.read(ctx.db, 'vaultAutoLockMinutes');
}

/**
 * Sets the idle auto-lock and applies it at once to an unlocked vault.
 * @throws Error {@link AUTO_LOCK_RANGE} for anything but a whole number from 0 to 1440
 */
export async function setVaultAutoLock(ctx: DeskContext, minutes: number): Promise<void> {
	if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_AUTO_LOCK_MINUTES) throw new Error(AUTO_LOCK_RANGE);
	await withWriteTransaction(ctx.db, ['settings'], (tx) => settingStore.write(tx, 'vaultAutoLockMinutes', minutes));
	announce(ctx, ['settings']);
	if (ctx.vault.unlocked) await armAutoLock(ctx);
}

/** Records a use of the unlocked vault: the idle auto-lock counts from now. */
export async function touchVault(ctx: DeskContext): Promise<void> {
	if (!ctx.vault.unlocked) return;
	ctx.vault.lastUsed = ctx.now().getTime();
	await armAutoLock(ctx);
}

async function armAutoLock(ctx: DeskContext): Promise<void> {
	const minutes = await vaultAutoLockMinutes(ctx);
	if (ctx.vault.timer !== null) ctx.timers.clear(ctx.vault.timer);
	ctx.vault.timer = null;
	if (minutes === 0 || !ctx.vault.unlocked) return;
	const due = ctx.vault.lastUsed + minutes * 60_000 - ctx.now().getTime();
	ctx.vault.timer = ctx.timers.set(() => {
		ctx.vault.timer = null;
		void lockIfIdle(ctx).then((locked) => {
			// Not idle yet by the desk's clock (the timer ran early): wait for the rest.
			if (!locked && ctx.vault.unlocked) void armAutoLock(ctx);
		});
	}, Math.max(due, 0));
}

/**
 * Locks an unlocked vault that has not been used for the auto-lock time (by the desk's clock).
 * @returns true when it locked the vault now
 */
export async function lockIfIdle(ctx: DeskContext): Promise<boolean> {
	if (!ctx.vault.unlocked) return false;
	const minutes = await vaultAutoLockMinutes(ctx);
	if (minutes === 0 || ctx.now().getTime() - ctx.vault.lastUsed < minutes * 60_000) return false;
	lockVault(ctx);
	announce(ctx, ['settings']);
	return true;
}

const CHECK = new TextEncoder().encode('sealdesk vault');

/** The identity of a vault setting: two reads with the same id are the same vault key. */
export function vaultId(setting: VaultSetting | undefined): string {
	return setting === undefined ? 'none' : (setting.id ?? 'initial');
}

function newVaultId(crypto: Crypto): string {
	return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** How keys must be kept at one moment: what an import or a re-seal checks again inside its write transaction. */
export interface Custody {
	/** Strict key custody: no sealed copy may be stored. */
	strict: boolean;
	/** The vault setting's id ({@link vaultId}). */
	vault: string;
	/** The key that seals now, or null when a passphrase vault is locked (or strict is on). */
	key: CryptoKey | null;
}

/** Reads the custody settings as they are now. */
export async function currentCustody(ctx: DeskContext): Promise<Custody> {
	const setting = await vaultSetting(ctx);
	const strict = await isStrictKeyCustody(ctx);
	return { strict, vault: vaultId(setting), key: strict ? null : await sealingKeyOf(ctx, setting) };
}

/**
 * Whether the custody settings read inside `tx` are still `custody`. A write that stores or
 * re-seals keys calls this first, in its own transaction, and aborts and starts again when
 * another tab changed them in the meantime: no key is ever written in a state the settings forbid.
 */
export async function custodyUnchanged(tx: Tx<'settings'>, custody: Custody): Promise<boolean> {
	const [strict, setting] = await Promise.all([settingStore.read(tx, 'strictKeyCustody'), settingStore.read(tx, 'vault')]);
	return strict === custody.strict && vaultId(setting) === custody.vault;
}

/** Reads the vault setting, creating the device key on first use. */
export async function vaultSetting(ctx: DeskContext): Promise<VaultSetting> {
	const existing = await settingStore.read(ctx.db, 'vault');
	if (existing) return existing;
	const key = await ctx.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
	const setting: VaultSetting = { mode: 'device', key, id: newVaultId(ctx.crypto) };
	return withWriteTransaction(ctx.db, ['settings'], async (tx) => {
		const raced = await settingStore.read(tx, 'vault');
		if (raced) return raced;
		await settingStore.write(tx, 'vault', setting);
		return setting;
	});
}

/** Whether strict key custody is on. */
export async function isStrictKeyCustody(ctx: DeskContext): Promise<boolean> {
	return settingStore.read(ctx.db, 'strictKeyCustody');
}

/**
 * The key that seals and opens PKCS#8 under `setting`, or null when a passphrase vault is
 * locked. A key unlocked before another tab changed the passphrase no longer opens the
 * vault's check value, and counts as locked.
 */
async function sealingKeyOf(ctx: DeskContext, setting: VaultSetting): Promise<CryptoKey | null> {
	if (setting.mode === 'device') return setting.key;
	await lockIfIdle(ctx);
	const unlocked = ctx.vault.unlocked;
	if (!unlocked) return null;
	const check = await unseal(ctx.crypto, unlocked, setting.check);
	if (!check) {
		if (ctx.vault.unlocked === unlocked) ctx.vault.unlocked = null;
		return null;
	}
	check.fill(0);
	return unlocked;
}

/** The key that seals and opens PKCS#8 now, or null when a passphrase vault is locked. */
export async function sealingKey(ctx: DeskContext): Promise<CryptoKey | null> {
	return sealingKeyOf(ctx, await vaultSetting(ctx));
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

/** How many times a write that lost a race with another tab starts again before it gives up. */
const ATTEMPTS = 5;

/** The sentence when other tabs kept changing the key custody settings during a write. */
export const CUSTODY_CHANGING = 'The key custody settings were changed in another tab at the same time. Try again.';

function sealedTag(record: KeyRecord): string {
	return record.sealed ? `${record.fingerprint}:${Array.from(record.sealed.iv).join(',')}` : '';
}

function accountTag(record: MailAccountRecord): string {
	return `${record.id}:${Array.from(record.sealedPassword.iv).join(',')}`;
}

/**
 * Mailbox passwords sealed under `oldKey`, sealed again under `newKey`. A password that does not
 * open with `oldKey` (sealed before passphrase changes re-sealed credentials) is left as it is:
 * it was already unusable, and its account says to connect again.
 */
async function resealAccounts(ctx: DeskContext, accounts: MailAccountRecord[], oldKey: CryptoKey, newKey: CryptoKey): Promise<MailAccountRecord[]> {
	const updated: MailAccountRecord[] = [];
	for (const account of accounts) {
		const plain = await unseal(ctx.crypto, oldKey, account.sealedPassword);
		if (!plain) continue;
		try {
			updated.push({ ...account, sealedPassword: await seal(ctx.crypto, newKey, plain) });
		} finally {
			plain.fill(0);
		}
	}
	return updated;
}

/**
 * Sets, changes or (with `next` null) removes the vault passphrase, re-sealing every key and
 * every mailbox password, in one transaction: that transaction checks that the vault, the sealed
 * copies and the accounts are still the ones re-sealed (another tab may have imported a key or
 * connected an account meanwhile) and otherwise starts again, and any failure aborts it, leaving
 * the old passphrase, every sealed copy and every password as they were.
 * @throws ImportError 'wrong-passphrase' when `current` does not open the vault
 */
export async function setVaultPassphrase(ctx: DeskContext, current: string | null, next: string | null): Promise<void> {
	let newSetting: VaultSetting | null = null;
	let newKey: CryptoKey | null = null;
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		const setting = await vaultSetting(ctx);
		const oldKey = await currentKey(ctx, setting, current);
		if (!newSetting || !newKey) {
			if (next === null || next === '') {
				newKey = await ctx.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
				newSetting = { mode: 'device', key: newKey, id: newVaultId(ctx.crypto) };
			} else {
				const salt = ctx.crypto.getRandomValues(new Uint8Array(16));
				newKey = await derive(ctx.crypto, next, salt, VAULT_ITERATIONS);
				newSetting = { mode: 'passphrase', salt, iterations: VAULT_ITERATIONS, check: await seal(ctx.crypto, newKey, CHECK), id: newVaultId(ctx.crypto) };
			}
		}
		const records = (await keyStore.all(ctx.db)).filter((r) => r.sealed);
		const updated: KeyRecord[] = [];
		for (const record of records) {
			if (!record.sealed) continue;
			const plain = await unseal(ctx.crypto, oldKey, record.sealed);
			if (!plain) throw new Error(`The sealed key of ${record.fingerprint} does not open with the vault key.`);
			try {
				updated.push({ ...record, sealed: await seal(ctx.crypto, newKey, plain) });
			} finally {
				plain.fill(0);
			}
		}
		const accounts = await mailAccountStore.all(ctx.db);
		const resealed = await resealAccounts(ctx, accounts, oldKey, newKey);
		const written = newSetting;
		const changed = await withWriteTransaction(
			ctx.db,
			['keys', 'settings', 'mailAccounts'],
			async (tx, control) => {
				const [stored, storedKeys, storedAccounts] = await Promise.all([settingStore.read(tx, 'vault'), keyStore.all(tx), mailAccountStore.all(tx)]);
				const seen = records.map(sealedTag).sort().join(';');
				const now = storedKeys.filter((r) => r.sealed).map(sealedTag).sort().join(';');
				const accountsSeen = accounts.map(accountTag).sort().join(';');
				const accountsNow = storedAccounts.map(accountTag).sort().join(';');
				if (vaultId(stored) !== vaultId(setting) || seen !== now || accountsSeen !== accountsNow) {
					await control.abandon();
					return false;
				}
				await Promise.all([
					...updated.map((record) => keyStore.replace(tx, record)),
					...resealed.map((account) => mailAccountStore.save(tx, account)),
					settingStore.write(tx, 'vault', written)
				]);
				return true;
			},
			{ notStored: 'The vault passphrase was not changed.', otherwise: 'The vault passphrase could not be changed. Nothing was changed.' }
		);
		if (!changed) continue;
		if (newSetting.mode === 'passphrase') {
			ctx.vault.unlocked = newKey;
			await touchVault(ctx);
		} else lockVault(ctx);
		announce(ctx, ['keys', 'settings', 'mailAccounts']);
		return;
	}
	throw new Error(CUSTODY_CHANGING);
}

/**
 * Unlocks a passphrase vault for this desk's lifetime (until lockVault or close).
 * @throws ImportError 'wrong-passphrase' with "The passphrase is wrong."
 */
export async function unlockVault(ctx: DeskContext, passphrase: string): Promise<void> {
	const setting = await vaultSetting(ctx);
	if (setting.mode === 'device') return;
	ctx.vault.unlocked = await currentKey(ctx, setting, passphrase);
	await touchVault(ctx);
}

/** Forgets the derived vault key (and its auto-lock timer). */
export function lockVault(ctx: DeskContext): void {
	ctx.vault.unlocked = null;
	// The mailbox's event-source streams authenticate with the sealed password: they end too.
	for (const push of ctx.mailbox.push.values()) {
		push.controller.abort();
		if (push.debounce !== null) ctx.timers.clear(push.debounce);
	}
	ctx.mailbox.push.clear();
	if (ctx.vault.timer !== null) ctx.timers.clear(ctx.vault.timer);
	ctx.vault.timer = null;
}

/** The vault's state for the UI. */
export async function vaultStatus(ctx: DeskContext): Promise<VaultStatus> {
	await lockIfIdle(ctx);
	const setting = await vaultSetting(ctx);
	const records = await keyStore.all(ctx.db);
	return {
		passphrase: setting.mode === 'passphrase',
		locked: setting.mode === 'passphrase' && ctx.vault.unlocked === null,
		strictKeyCustody: await isStrictKeyCustody(ctx),
		legacyKeys: records.filter((r) => r.sealed !== undefined).map((r) => r.fingerprint),
		autoLockMinutes: await vaultAutoLockMinutes(ctx)
	};
}

/**
 * Turns strict key custody on (dropping every sealed copy) or off (new imports seal again), in
 * one transaction: a failure part-way aborts it, so strict custody is never on while a sealed
 * copy remains, and nothing is dropped while it stays off.
 * @throws Error "Strict key custody could not be changed. Nothing was changed." with the cause
 */
export async function setStrictKeyCustody(ctx: DeskContext, on: boolean): Promise<void> {
	await withWriteTransaction(
		ctx.db,
		['keys', 'settings'],
		async (tx) => {
			if (on) {
				const writes: Promise<void>[] = [];
				for (const record of await keyStore.all(tx)) {
					if (!record.sealed) continue;
					const { sealed, ...rest } = record;
					sealed.data.fill(0);
					writes.push(keyStore.replace(tx, rest));
				}
				await Promise.all(writes);
			}
			await settingStore.write(tx, 'strictKeyCustody', on);
		},
		{ notStored: 'Strict key custody was not changed.', otherwise: 'Strict key custody could not be changed. Nothing was changed.' }
	);
	announce(ctx, ['keys', 'settings']);
}

/**
 * The opener of one certificate's sealed RSA PKCS#8, for the legacy decryption path.
 * The opener resolves to null under strict custody, with a locked vault, or without a sealed copy.
 */
export function legacyKeyOpenerFor(ctx: DeskContext, fingerprint: string): LegacyKeyOpener {
	return async () => {
		// Strict custody and the record in one read: a copy strict custody has dropped is never used.
		const tx = readTransaction(ctx.db, ['keys', 'settings']);
		const [strict, record] = await Promise.all([settingStore.read(tx, 'strictKeyCustody'), keyStore.byFingerprint(tx, fingerprint)]);
		if (strict || !record?.sealed) return null;
		const key = await sealingKey(ctx);
		if (!key) return null;
		await touchVault(ctx);
		return unseal(ctx.crypto, key, record.sealed);
	};
}
