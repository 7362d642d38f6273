/**
 * Every record Sealdesk stores, one section per IndexedDB store, in the order of
 * {@link STORE_NAMES}: what each field means and which records written by older code lack it.
 * This is the one place a stored field is defined; the repositories beside this file
 * (`store/repositories/<store>.ts`) are the only code that reads or writes them.
 *
 * The settings store holds single values under fixed keys; its keys and value types are in
 * `store/settings.ts`.
 */
import type { CertificateInfo, CertificateSource } from '../pki/describe';
import type { PrivateKeySet } from '../pki/keyset';
import type { Address } from '../mime/display';
import type { EncryptionStatus, SecurityResult, SignStatus } from '../smime/incoming-types';

// ---------------------------------------------------------------------------------------------
// certificates: keyed by fingerprint; indexes `emails` (multiEntry) and `publicId`.

/** A certificate as stored: its DER, what it tells, and what mail taught us about its owner. */
export interface CertificateRecord {
	/** SHA-256 fingerprint, lower-case hex: the key. */
	fingerprint: string;
	/** The certificate's DER, as imported or learned. */
	der: Uint8Array;
	/** The description (hasPrivateKey is filled in on read from the keys store). */
	info: CertificateInfo;
	/** Lower-cased emails (multiEntry index). */
	emails: string[];
	/** Public-key identity, for matching private keys imported later (index). */
	publicId: string;
	/** SMIMECapabilities learned from the owner's signed mail (opaque to the store). */
	capabilities?: unknown;
	/** ISO time of the import. */
	importedAt: string;
	/** 'mail' when learned from a valid signed mail; records without it were imported. */
	source?: CertificateSource;
}

// ---------------------------------------------------------------------------------------------
// keys: keyed by the certificate's fingerprint.

/** A sealed PKCS#8 (or mailbox password): AES-GCM under the vault key. */
export interface SealedKey {
	/** The 12-byte AES-GCM nonce. */
	iv: Uint8Array;
	/** Ciphertext and tag. */
	data: Uint8Array;
}

/** A private key as stored: non-extractable CryptoKeys, and for RSA maybe a sealed PKCS#8. */
export interface KeyRecord {
	/** The certificate's SHA-256 fingerprint: the key. */
	fingerprint: string;
	/** The non-extractable CryptoKeys, one per use WebCrypto offers. */
	keys: PrivateKeySet;
	/** The sealed PKCS#8 for the legacy RSA PKCS#1 v1.5 path; absent under strict custody. */
	sealed?: SealedKey;
}

// ---------------------------------------------------------------------------------------------
// settings: out-of-line keys; see store/settings.ts for every key and its value type.

/** How the vault key is kept (the 'vault' setting). */
export type VaultSetting = (
	| {
			/** A random non-extractable AES-GCM device key, kept here. */
			mode: 'device';
			key: CryptoKey;
	  }
	| {
			/** The key is derived from the vault passphrase with PBKDF2-SHA-256 and kept only in memory. */
			mode: 'passphrase';
			/** The PBKDF2 salt. */
			salt: Uint8Array;
			/** The PBKDF2 iterations. */
			iterations: number;
			/** A known text sealed under the derived key: opening it proves the passphrase. */
			check: SealedKey;
	  }
) & {
	/**
	 * A random id given to every vault setting written (absent on the first device key of
	 * older databases), so a write can check inside its own transaction that the vault it
	 * sealed for is still the vault.
	 */
	id?: string;
};

// ---------------------------------------------------------------------------------------------
// groups: keyed by id.

/**
 * A group as stored. Records are checked on read (`desk/groups.ts`): one without a string
 * name or email is ignored, and a missing sign or encrypt reads as on.
 */
export interface GroupRecord {
	/** Random hex id: the key. */
	id: string;
	/** The group's name, as the admin typed it (trimmed). */
	name: string;
	/** The sender address the group's mail goes out from, lower-cased. */
	email: string;
	/** Sign by default (when signing is possible); absent reads as true. */
	sign?: boolean;
	/** Encrypt by default (when encryption is possible); absent reads as true. */
	encrypt?: boolean;
}

// ---------------------------------------------------------------------------------------------
// tickets: auto-increment id; indexes `updatedAt`, `messageIds` (multiEntry), `stateUpdated`
// ([state, updatedAt]) and `search` (multiEntry).

/** Where a ticket stands: the agent sets it; a customer's mail reopens a pending or closed ticket. */
export type TicketState = 'open' | 'pending' | 'closed';

/** The states, in the order the UI offers them. */
export const TICKET_STATES: readonly TicketState[] = ['open', 'pending', 'closed'];

/** What the ticket list says about a ticket's mail: encrypted and/or signed. */
export interface TicketProtection {
	/** Some article was encrypted. */
	encrypted: boolean;
	/** Some article was signed. */
	signed: boolean;
}

/**
 * The security verdict of a ticket's mail, for the list: the worst sign and encryption status
 * of its articles, and whether any article with S/MIME parts has not been checked yet.
 */
export interface TicketVerdict {
	/** The most alarming sign status. */
	sign: SignStatus;
	/** The most alarming encryption status. */
	encryption: EncryptionStatus;
	/** Some article with S/MIME parts arrived while S/MIME was off and was never processed. */
	unchecked: boolean;
}

/** What the overview keeps of one article. */
export interface ArticleOverview extends TicketProtection, TicketVerdict {
	/** The article's id. */
	id: number;
	/** The addresses group matching looks at: From for outgoing mail, To and Cc for incoming. */
	addresses: string[];
}

/** The overview kept on a ticket record (see desk/ticket-overview.ts for its rules). */
export interface TicketOverview {
	/** The rules' version (desk/ticket-overview.ts OVERVIEW_VERSION) when written; another value is read as no overview. */
	version: number;
	/** One entry per article, by id (oldest first). */
	articles: ArticleOverview[];
}

/** A ticket as stored in the 'tickets' store. */
export interface TicketRecord {
	/** Auto-increment key; absent only before the first put. */
	id?: number;
	/** Absent on tickets written before schema 4: read as 'open'. */
	state?: TicketState;
	/** The words of the subject, customer and readable article text (see store/search-words), for the `search` index. */
	search?: string[];
	/** The first article's subject, or "(no subject)". */
	subject: string;
	/** The From address of the first article. */
	customer: string;
	/** ISO time the ticket was made. */
	createdAt: string;
	/** ISO time of its last article (index `updatedAt`, and `stateUpdated` with the state). */
	updatedAt: string;
	/** Message-IDs of its articles, for threading (multiEntry index). */
	messageIds: string[];
	/** How many articles it has. */
	articleCount: number;
	/**
	 * What the tickets list needs of each article, kept up to date by every write that adds or
	 * re-processes an article. Absent on tickets written before it existed.
	 */
	overview?: TicketOverview;
}

// ---------------------------------------------------------------------------------------------
// articles: auto-increment id; index `ticketId`.

/** Bytes as stored: a Blob, or a Uint8Array in records written before Blobs were used. */
export type StoredBytes = Uint8Array | Blob;

/** One attachment as stored with its article. */
export interface StoredAttachment {
	/** The file name from the MIME part. */
	name: string;
	/** The MIME type. */
	type: string;
	/** The decoded content. */
	data: StoredBytes;
}

/** The headers of an article, decoded. */
export interface ArticleHeaders {
	/** The From address. */
	from?: Address;
	/** The To addresses. */
	to: Address[];
	/** The Cc addresses. */
	cc: Address[];
	/**
	 * Bcc of an outgoing article: known to the sender only, never in the message (its bytes,
	 * the server's copy or a downloaded .eml); absent on incoming mail and when there was none.
	 */
	bcc?: Address[];
	/** The decoded Subject. */
	subject: string;
	/** ISO time from the Date header, when it could be read. */
	date?: string;
	/** With angle brackets. */
	messageId?: string;
	/** With angle brackets. */
	inReplyTo?: string;
	/** The References header's Message-IDs, oldest first. */
	references: string[];
}

/** A section of an article shown apart from its body: a signed part, or an attached message. */
export interface StoredSection {
	/** MIME part number ("2", "1.2"); inside an attached message, after its path and "/" ("2/1"). */
	path: string;
	/** A signed part of a partly signed message, or an attached message/rfc822. */
	kind: 'signed-part' | 'message';
	/** The attached message's headers (kind 'message'). */
	headers?: ArticleHeaders;
	/** The section's own verdict, never merged into the article's. */
	security: SecurityResult;
	/** The readable text. */
	text: string;
	/** The HTML body, shown only in a sandboxed iframe. */
	html?: string;
	/** Its attachments. */
	attachments: StoredAttachment[];
}

/** An article as stored in the 'articles' store. */
export interface ArticleRecord {
	/** Auto-increment key; absent only before the add. */
	id?: number;
	/** The ticket it belongs to (index `ticketId`). */
	ticketId: number;
	/** Received ('in') or sent by an agent ('out'). */
	direction: 'in' | 'out';
	/** The raw RFC 5322 bytes as received or sent, for retry and sending. */
	raw: StoredBytes;
	/** ISO time it was stored. */
	receivedAt: string;
	/** ISO time of the last S/MIME processing, absent while it was stored unprocessed. */
	processedAt?: string;
	/** The decoded headers. */
	headers: ArticleHeaders;
	/** The last S/MIME run's verdict. */
	security: SecurityResult;
	/** The readable body; empty when nothing may be shown. */
	text: string;
	/** The HTML body, shown only in a sandboxed iframe. */
	html?: string;
	/** The attachments of the readable body. */
	attachments: StoredAttachment[];
	/** DER of the untrusted signer's certificate `security.sign.certificate` describes, for "Trust this certificate…". */
	signerCertificate?: Uint8Array;
	/** Signed parts and attached messages, shown apart from the body with their own verdicts. */
	sections?: StoredSection[];
}

// ---------------------------------------------------------------------------------------------
// logs: auto-increment id; index `at`.

/** Who wrote a log entry: receive ('in'), compose ('out') or the admin's certificate work. */
export type LogDirection = 'in' | 'out' | 'admin';

/** One S/MIME log entry. */
export interface LogEntry {
	/** Auto-increment key. */
	id?: number;
	/** ISO time. */
	at: string;
	/** Who wrote it. */
	direction: LogDirection;
	/** e.g. 'verify+decrypt', 'import', 'submit'. */
	operation: string;
	/** How it ended. */
	status: 'success' | 'failed';
	/** The sentence shown in Recent Logs. */
	detail: string;
	/** The mail's Message-ID, or null for admin work. */
	messageId: string | null;
}

// ---------------------------------------------------------------------------------------------
// mailAccounts: keyed by id.

/** A connected JMAP account; the password or token is sealed under the vault key. */
export interface MailAccountRecord {
	/** `username` + ' at ' + the session URL: the same account connected again keeps its ids. */
	id: string;
	/** The JMAP session URL (`/jmap` by default). */
	sessionUrl: string;
	/** The user name; empty for a Bearer token. */
	username: string;
	/** AES-GCM under the vault key (the device key, or the passphrase-derived key once unlocked). */
	sealedPassword: SealedKey;
	/** The JMAP account id of the session. */
	jmapAccountId: string;
	/** The mailbox that syncs into tickets (the Inbox by default). */
	mailboxId: string;
	/** Its name, for the admin page. */
	mailboxName: string;
	/** ISO time it was connected. */
	connectedAt: string;
}

// ---------------------------------------------------------------------------------------------
// mailSync: keyed by accountId.

/** Where the sync of one account stands. Written in the transaction that stores the mail it covers. */
export interface MailSyncRecord {
	/** The account: the key. */
	accountId: string;
	/**
	 * The mailbox this state is of. A record of another mailbox than the account's now (a sync
	 * that was running when the account was connected again with another one wrote it) counts as
	 * none. Absent in records written before it existed: taken as the account's.
	 */
	mailboxId?: string;
	/** The Email state every change up to which is stored; null until the initial sync ends. */
	emailState: string | null;
	/** The state taken when the initial sync began: /changes resumes from it once the query is done. */
	startState: string | null;
	/** How many mails of the initial query are stored (the query is oldest first). */
	position: number;
	/**
	 * The ids of the last mails of the initial query handled (at most a page, the newest last):
	 * the next page starts after the newest of them still in the mailbox, so that mail destroyed
	 * on the server before it moves nothing. Absent in records written before it existed.
	 */
	handled?: string[];
	/** The query's total, when known. */
	total: number | null;
	/** ISO time of the last sync that ended, and how. */
	lastSync?: { at: string; status: 'success' | 'failed'; detail: string };
}

// ---------------------------------------------------------------------------------------------
// mailIds: keyed by key; indexes `articleId` and `accountId`.

/** One JMAP Email stored as an article: the mark that makes import idempotent. */
export interface MailIdRecord {
	/** accountId + '/' + the JMAP Email id. */
	key: string;
	/** The account it came from (index). */
	accountId: string;
	/** The JMAP Email id. */
	emailId: string;
	/** The JMAP blob id of its raw message. */
	blobId: string;
	/** The article it is stored as (index). */
	articleId: number;
}

// ---------------------------------------------------------------------------------------------
// outbox: keyed by articleId; indexes `accountId` and `ticketId`.

/** Where the sending of one outgoing article stands. */
export type OutboxStep = 'queued' | 'uploaded' | 'imported' | 'submitted';

/** An outgoing article on its way to the mail server. */
export interface OutboxRecord {
	/** The outgoing article: one outbox entry per article. */
	articleId: number;
	/** The article's ticket (index). */
	ticketId: number;
	/** The account it is sent with (index). */
	accountId: string;
	/** With angle brackets, as in the message. */
	messageId: string;
	/** The SMTP envelope sender. */
	mailFrom: string;
	/** The SMTP envelope recipients: every To, Cc and Bcc. */
	rcptTo: string[];
	/** The last step done; 'submitted' is sent. */
	step: OutboxStep;
	/** The uploaded blob (step 'uploaded' on). */
	blobId?: string;
	/** The imported Email (step 'imported' on). */
	emailId?: string;
	/** Failed for good (the server refused), with its reason; Retry clears it. */
	failed?: string;
	/** The last attempt failed without an answer (offline, server down): retried automatically. */
	waiting?: string;
	/** A submission may have gone out without an answer: check by Message-ID before resubmitting. */
	unclear?: boolean;
	/** How many times sending was tried. */
	attempts: number;
	/** ISO time it was queued. */
	createdAt: string;
	/** ISO time of its last change. */
	updatedAt: string;
	/** ISO time it was submitted. */
	sentAt?: string;
}
