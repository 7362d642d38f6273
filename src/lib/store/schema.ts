/**
 * The IndexedDB schema (version 4: version 1, indexes by time on logs and tickets (2), by Message-ID on tickets (3), and by state and time and by search word on tickets (4)): record types and store names, as ARCHITECTURE.md
 * "Storage" lays them out.
 */
import type { DBSchema } from 'idb';
import type { CertificateInfo } from '../pki/describe';
import type { PrivateKeySet } from '../pki/keyset';

/** The database version this code writes. Each upgrade step is an `if (oldVersion < N)`. */
export const DB_VERSION = 4;

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

/** The Sealdesk database. Records of groups, tickets and articles belong to their layers. */
export interface SealdeskDB extends DBSchema {
	certificates: { key: string; value: CertificateRecord; indexes: { emails: string; publicId: string } };
	keys: { key: string; value: KeyRecord };
	settings: { key: string; value: unknown };
	groups: { key: string; value: { id: string } & Record<string, unknown> };
	tickets: { key: number; value: { id?: number } & Record<string, unknown>; indexes: { updatedAt: string; messageIds: string; stateUpdated: [string, string]; search: string } };
	articles: { key: number; value: { id?: number; ticketId: number } & Record<string, unknown>; indexes: { ticketId: number } };
	logs: { key: number; value: LogEntry; indexes: { at: string } };
}

/** The store names, for transactions over every store. */
export const STORE_NAMES = ['certificates', 'keys', 'settings', 'groups', 'tickets', 'articles', 'logs'] as const;
