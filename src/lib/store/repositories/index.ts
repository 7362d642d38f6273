/**
 * The repositories: one module per store, each the only code that reads and writes its store.
 * Operations take the caller's transaction ({@link Tx}, to combine stores atomically; see
 * withWriteTransaction) or the database for a single operation.
 */
export * as certificateStore from './certificates';
export * as keyStore from './keys';
export * as settingStore from './settings';
export * as groupStore from './groups';
export * as ticketStore from './tickets';
export * as articleStore from './articles';
export * as logStore from './logs';
export * as mailAccountStore from './mail-accounts';
export * as mailSyncStore from './mail-sync';
export * as mailIdStore from './mail-ids';
export * as outboxStore from './outbox';
export type { Source } from './source';
export type { StoredArticle } from './articles';
