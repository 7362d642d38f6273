/**
 * The store layer: IndexedDB schema, opening and upgrades, and the change feed.
 */
export { openDatabase, type SealdeskDatabase, type DatabaseHooks } from './db';
export { DB_VERSION, MAILBOX_SCHEMA_VERSION, STORE_NAMES, type MailAccountRecord, type MailSyncRecord, type MailIdRecord, type OutboxRecord, type OutboxStep, type CertificateRecord, type KeyRecord, type SealedKey, type LogEntry, type LogDirection, type SealdeskDB } from './schema';
export { ChangeFeed, subscribeChanges, CHANNEL_NAME, type StoreChange } from './changes';
export { STORAGE_FULL, isQuotaExceeded, writeFailureMessage } from './errors';
export { abortAndSettle } from './transaction';
export { wordsOf, withWords, queryWords, MAX_WORDS, MAX_WORD_LENGTH } from './search-words';
