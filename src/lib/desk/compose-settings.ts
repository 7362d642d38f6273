/**
 * The admin's settings for sending: content encryption ('auto' chooses AES-256-GCM only when
 * every recipient advertised it; 'cbc' and 'gcm' force one) and the RSA signature scheme
 * (PKCS#1 v1.5 or RSA-PSS). Both live in the settings store.
 */
import {
	CONTENT_ENCRYPTION_SETTINGS,
	SIGNATURE_SCHEMES,
	type ContentEncryptionSetting,
	type SignatureSchemeSetting
} from '../smime/algorithm-policy';
import { settingStore } from '../store/repositories';
import type { SettingValues } from '../store/settings';
import { withWriteTransaction } from '../store/transaction';
import { announce, type DeskContext } from './context';
import { appendLog } from './log';

/** The content encryption setting; 'auto' when never set. */
export async function contentEncryption(ctx: DeskContext): Promise<ContentEncryptionSetting> {
	return settingStore.read(ctx.db, 'contentEncryption');
}

/**
 * Sets the content encryption: 'auto', 'cbc' (always AES-256-CBC in EnvelopedData) or 'gcm'
 * (always AES-256-GCM in AuthEnvelopedData).
 * @throws Error "The content encryption must be auto, cbc or gcm." for any other value
 */
export async function setContentEncryption(ctx: DeskContext, value: ContentEncryptionSetting): Promise<void> {
	const setting = CONTENT_ENCRYPTION_SETTINGS.find((s) => s === value);
	if (!setting) throw new Error('The content encryption must be auto, cbc or gcm.');
	await saveSetting(ctx, 'contentEncryption', setting, `content encryption: ${setting}`);
}

/** The RSA signature scheme; 'pkcs1' when never set. */
export async function signatureScheme(ctx: DeskContext): Promise<SignatureSchemeSetting> {
	return settingStore.read(ctx.db, 'signatureScheme');
}

/**
 * Sets the RSA signature scheme: 'pkcs1' (RSASSA-PKCS1-v1_5) or 'pss' (RSASSA-PSS). EC and
 * Ed25519 keys are not affected.
 * @throws Error "The signature scheme must be pkcs1 or pss." for any other value
 */
export async function setSignatureScheme(ctx: DeskContext, value: SignatureSchemeSetting): Promise<void> {
	const scheme = SIGNATURE_SCHEMES.find((s) => s === value);
	if (!scheme) throw new Error('The signature scheme must be pkcs1 or pss.');
	await saveSetting(ctx, 'signatureScheme', scheme, `RSA signature scheme: ${scheme}`);
}

async function saveSetting<K extends 'contentEncryption' | 'signatureScheme'>(ctx: DeskContext, key: K, value: SettingValues[K], detail: string): Promise<void> {
	await withWriteTransaction(ctx.db, ['settings', 'logs'], async (tx) => {
		await settingStore.write(tx, key, value);
		await appendLog(tx, { direction: 'admin', operation: 'setting', status: 'success', detail, messageId: null }, ctx.now());
	});
	announce(ctx, ['settings', 'logs']);
}
