/**
 * The settings store: every key, the type of its value, and its default, in one place. A value
 * is checked when read: a stored value of the wrong type (written by other code, or damaged)
 * reads as the default, as each setting always did.
 */
import { CONTENT_ENCRYPTION_SETTINGS, SIGNATURE_SCHEMES, type ContentEncryptionSetting, type SignatureSchemeSetting } from '../smime/algorithm-policy';
import type { VaultSetting } from './records';

/** The value type of each setting. */
export interface SettingValues {
	/** S/MIME is on (off by default; import is refused while off). */
	enabled: boolean;
	/** Strict key custody: no sealed copy of any private key is kept. */
	strictKeyCustody: boolean;
	/** SHA-1 message signatures read as valid with a warning, instead of invalid. */
	acceptSha1Signatures: boolean;
	/** Content encryption for outgoing mail: 'auto', 'cbc' or 'gcm'. */
	contentEncryption: ContentEncryptionSetting;
	/** RSA signature scheme: 'pkcs1' or 'pss'. */
	signatureScheme: SignatureSchemeSetting;
	/** Minutes of vault idleness after which an unlocked vault locks itself (0: never). */
	vaultAutoLockMinutes: number;
	/** How the vault key is kept; undefined until the device key is made on first use. */
	vault: VaultSetting | undefined;
}

/** A setting's key. */
export type SettingKey = keyof SettingValues;

/** The idle auto-lock's default, in minutes. */
export const DEFAULT_AUTO_LOCK_MINUTES = 15;

function isVaultSetting(v: unknown): v is VaultSetting {
	const mode = (v as { mode?: unknown } | null)?.mode;
	return typeof v === 'object' && v !== null && (mode === 'device' || mode === 'passphrase');
}

/** Each setting's default and the check a stored value passes to be used. */
export const SETTINGS: { readonly [K in SettingKey]: { readonly fallback: SettingValues[K]; readonly read: (stored: unknown) => SettingValues[K] } } = {
	enabled: { fallback: false, read: (v) => v === true },
	strictKeyCustody: { fallback: false, read: (v) => v === true },
	acceptSha1Signatures: { fallback: false, read: (v) => v === true },
	contentEncryption: { fallback: 'auto', read: (v) => CONTENT_ENCRYPTION_SETTINGS.find((s) => s === v) ?? 'auto' },
	signatureScheme: { fallback: 'pkcs1', read: (v) => SIGNATURE_SCHEMES.find((s) => s === v) ?? 'pkcs1' },
	vaultAutoLockMinutes: { fallback: DEFAULT_AUTO_LOCK_MINUTES, read: (v) => (typeof v === 'number' ? v : DEFAULT_AUTO_LOCK_MINUTES) },
	vault: { fallback: undefined, read: (v) => (isVaultSetting(v) ? v : undefined) }
};

/** Every setting key. */
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** A stored value as its setting's type: the default when absent or of the wrong type. */
export function settingValue<K extends SettingKey>(key: K, stored: unknown): SettingValues[K] {
	return SETTINGS[key].read(stored);
}
