/**
 * The store layer: records, schema, opening and upgrades, one repository per store, the typed
 * settings, the write-transaction helper, and the change feed.
 */
export { openDatabase, type SealdeskDatabase, type DatabaseHooks } from './db';
export { DB_VERSION, MAILBOX_SCHEMA_VERSION, STORE_NAMES, type SealdeskDB } from './schema';
export * from './records';
export { SETTINGS, SETTING_KEYS, DEFAULT_AUTO_LOCK_MINUTES, settingValue, type SettingKey, type SettingValues } from './settings';
export * from './repositories';
export { ChangeFeed, subscribeChanges, CHANNEL_NAME, type StoreChange } from './changes';
export { STORAGE_FULL, isQuotaExceeded, writeFailureMessage } from './errors';
export { abortAndSettle, withWriteTransaction, readTransaction, type Tx, type WriteTx, type StoreName, type WriteFailure, type WriteControl } from './transaction';
export { wordsOf, withWords, queryWords, MAX_WORDS, MAX_WORD_LENGTH } from './search-words';
