/**
 * The IndexedDB schema (version 5: version 1, indexes by time on logs and tickets (2), by Message-ID on tickets (3), by state and time and by search word on tickets (4), and the mailbox stores (5)): record types and store names, as ARCHITECTURE.md
 * "Storage" lays them out.
 */
import type { DBSchema } from 'idb';
import type { CertificateInfo, CertificateSource } from '../pki/describe';
import type { PrivateKeySet } from '../pki/keyset';

/** The database version this code writes. Each upgrade step is an `if (oldVersion < N)`. */
export const DB_VERSION = 5;

/** The upgrade step that adds the mailbox stores (mailAccounts, mailSync, mailIds, outbox). */
export const MAILBOX_SCHEMA_VERSION = 5;

/** A certificate as stored: its DER, what it tells, and what mail taught us about its owner. */
export interface CertificateRecord {
	/** SHA-256 fingerprint, lower-case hex: the key. */
	fingerprint: string;
	der: Uint8Array;
	/** The description (hasPrivateKey is filled in on read from the keys store). */
	info: CertificateInfo;
	/** Lower-cased emails (multiEntry index). */
	emails: string[];
	/** Public-key identity, for matching private keys imported later. */
	publicId: string;
	/** SMIMECapabilities learned from the owner's signed mail (opaque to the store). */
	capabilities?: unknown;
	/** ISO time of the import. */
	importedAt: string;
	/** 'mail' when learned from a valid signed mail; records without it were imported. */
	source?: CertificateSource;
}

/** A sealed PKCS#8: AES-GCM under the vault key. */
export interface SealedKey {
	iv: Uint8Array;
	data: Uint8Array;
}

/** A private key as stored: non-extractable CryptoKeys, and for RSA maybe a sealed PKCS#8. */
export interface KeyRecord {
	/** The certificate's SHA-256 fingerprint: the key. */
	fingerprint: string;
	keys: PrivateKeySet;
	/** The sealed PKCS#8 for the legacy RSA PKCS#1 v1.5 path; absent under strict custody. */
	sealed?: SealedKey;
}

/** Who wrote a log entry: receive ('in'), compose ('out') or the admin's certificate work. */
export type LogDirection = 'in' | 'out' | 'admin';

/** One S/MIME log entry. */
export interface LogEntry {
	/** Auto-increment key. */
	id?: number;
	/** ISO time. */
	at: string;
	direction: LogDirection;
	operation: string;
	status: 'success' | 'failed';
	detail: string;
	messageId: string | null;
}

/** A connected JMAP account; the password or token is sealed under the vault key. */
export interface MailAccountRecord {
	/** `username` + ' at ' + the session URL: the same account connected again keeps its ids. */
	id: string;
	sessionUrl: string;
	username: string;
	/** AES-GCM under the vault key (the device key, or the passphrase-derived key once unlocked). */
	sealedPassword: SealedKey;
	/** The JMAP account id of the session. */
	jmapAccountId: string;
	/** The mailbox that syncs into tickets (the Inbox by default). */
	mailboxId: string;
	mailboxName: string;
	/** ISO time it was connected. */
	connectedAt: string;
}

/** Where the sync of one account stands. Written in the transaction that stores the mail it covers. */
export interface MailSyncRecord {
	accountId: string;
	/** The Email state every change up to which is stored; null until the initial sync ends. */
	emailState: string | null;
	/** The state taken when the initial sync began: /changes resumes from it once the query is done. */
	startState: string | null;
	/** How many mails of the initial query are stored (the query is oldest first). */
	position: number;
	/** The query's total, when known. */
	total: number | null;
	/** ISO time of the last sync that ended, and how. */
	lastSync?: { at: string; status: 'success' | 'failed'; detail: string };
}

/** One JMAP Email stored as an article: the mark that makes import idempotent. */
export interface MailIdRecord {
	/** accountId + '/' + the JMAP Email id. */
	key: string;
	accountId: string;
	emailId: string;
	blobId: string;
	articleId: number;
}

/** Where the sending of one outgoing article stands. */
export type OutboxStep = 'queued' | 'uploaded' | 'imported' | 'submitted';

/** An outgoing article on its way to the mail server. */
export interface OutboxRecord {
	/** The outgoing article: one outbox entry per article. */
	articleId: number;
	ticketId: number;
	accountId: string;
	/** With angle brackets, as in the message. */
	messageId: string;
	/** The SMTP envelope: From and every To, Cc and Bcc. */
	mailFrom: string;
	rcptTo: string[];
	/** The last step done; 'submitted' is sent. */
	step: OutboxStep;
	blobId?: string;
	emailId?: string;
	/** Failed for good (the server refused), with its reason; Retry clears it. */
	failed?: string;
	/** The last attempt failed without an answer (offline, server down): retried automatically. */
	waiting?: string;
	/** A submission may have gone out without an answer: check by Message-ID before resubmitting. */
	unclear?: boolean;
	attempts: number;
	createdAt: string;
	updatedAt: string;
	sentAt?: string;
}

/** The Sealdesk database. Records of groups, tickets and articles belong to their layers. */
export interface SealdeskDB extends DBSchema {
	certificates: { key: string; value: CertificateRecord; indexes: { emails: string; publicId: string } };
	keys: { key: string; value: KeyRecord };
	settings: { key: string; value: unknown };
	groups: { key: string; value: { id: string } & Record<string, unknown> };
	tickets: { key: number; value: { id?: number } & Record<string, unknown>; indexes: { updatedAt: string; messageIds: string; stateUpdated: [string, string]; search: string } };
	articles: { key: number; value: { id?: number; ticketId: number } & Record<string, unknown>; indexes: { ticketId: number } };
	logs: { key: number; value: LogEntry; indexes: { at: string } };
	mailAccounts: { key: string; value: MailAccountRecord };
	mailSync: { key: string; value: MailSyncRecord };
	mailIds: { key: string; value: MailIdRecord; indexes: { articleId: number; accountId: string } };
	outbox: { key: number; value: OutboxRecord; indexes: { accountId: string; ticketId: number } };
}

/** The store names, for transactions over every store. */
export const STORE_NAMES = ['certificates', 'keys', 'settings', 'groups', 'tickets', 'articles', 'logs', 'mailAccounts', 'mailSync', 'mailIds', 'outbox'] as const;
