/**
 * The IndexedDB schema (version 5: version 1, indexes by time on logs and tickets (2), by Message-ID on tickets (3), by state and time and by search word on tickets (4), and the mailbox stores (5)): each store's key, record and indexes, and the store names.
 * The records themselves are defined, field by field, in `records.ts`.
 */
import type { DBSchema } from 'idb';
import type { ArticleRecord, CertificateRecord, GroupRecord, KeyRecord, LogEntry, MailAccountRecord, MailIdRecord, MailSyncRecord, OutboxRecord, TicketRecord, TicketState } from './records';
import type { SettingKey, SettingValues } from './settings';

export type { CertificateRecord, SealedKey, KeyRecord, LogDirection, LogEntry, MailAccountRecord, MailSyncRecord, MailIdRecord, OutboxStep, OutboxRecord } from './records';

/** The database version this code writes. Each upgrade step is an `if (oldVersion < N)`. */
export const DB_VERSION = 5;

/** The upgrade step that adds the mailbox stores (mailAccounts, mailSync, mailIds, outbox). */
export const MAILBOX_SCHEMA_VERSION = 5;

/** The Sealdesk database: each store's key, record type (store/records.ts) and indexes. */
export interface SealdeskDB extends DBSchema {
	certificates: { key: string; value: CertificateRecord; indexes: { emails: string; publicId: string } };
	keys: { key: string; value: KeyRecord };
	settings: { key: SettingKey; value: SettingValues[SettingKey] };
	groups: { key: string; value: GroupRecord };
	tickets: { key: number; value: TicketRecord; indexes: { updatedAt: string; messageIds: string; stateUpdated: [TicketState, string]; search: string } };
	articles: { key: number; value: ArticleRecord; indexes: { ticketId: number } };
	logs: { key: number; value: LogEntry; indexes: { at: string } };
	mailAccounts: { key: string; value: MailAccountRecord };
	mailSync: { key: string; value: MailSyncRecord };
	mailIds: { key: string; value: MailIdRecord; indexes: { articleId: number; accountId: string } };
	outbox: { key: number; value: OutboxRecord; indexes: { accountId: string; ticketId: number } };
}

/** The store names, for transactions over every store. */
export const STORE_NAMES = ['certificates', 'keys', 'settings', 'groups', 'tickets', 'articles', 'logs', 'mailAccounts', 'mailSync', 'mailIds', 'outbox'] as const;
