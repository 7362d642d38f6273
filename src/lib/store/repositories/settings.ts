/**
 * The 'settings' store: one value per key of {@link SettingValues}, typed and checked on read.
 */
import { settingValue, type SettingKey, type SettingValues } from '../settings';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** A setting's value: its default when never set or when the stored value is of the wrong type. */
export async function read<K extends SettingKey>(source: Source<'settings'>, key: K): Promise<SettingValues[K]> {
	return settingValue(key, await onStore(source, 'settings', 'readonly', (s) => s.get(key)));
}

/** Stores a setting's value. */
export async function write<K extends SettingKey>(tx: WriteTx<'settings'>, key: K, value: SettingValues[K]): Promise<void> {
	await tx.objectStore('settings').put(value, key);
}
