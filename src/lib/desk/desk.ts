/**
 * openDesk(): the app core's one entry point, used by the UI (through the worker) and the
 * acceptance tests. Each method is one line over an operation module that takes the
 * DeskContext, so receive, compose and groups plug in the same way.
 */
import { openDatabase } from '../store/db';
import { ChangeFeed } from '../store/changes';
import type { LogEntry } from '../store/schema';
import type { CertificateInfo } from '../pki/describe';
import * as receiving from './receive';
import * as tickets from './tickets';
import type { ContentEncryptionSetting, SignatureSchemeSetting } from '../smime/algorithm-policy';
import { platformTimers, type DeskContext, type DeskTimers } from './context';
import { userTimingPhases } from './phases';
import type { TicketRow } from './ticket-overview';
import * as certificates from './certificates';
import * as vault from './vault';
import { appendLog, listLogs } from './log';
import * as composing from './compose';
import * as groups from './groups';
import * as sendSettings from './compose-settings';
import * as readSettings from './reading-settings';
import * as backup from './backup';
import { defaultLegacyReaders } from './legacy-readers';
import * as signerTrust from './signer-trust';
import * as mailAccounts from './mailbox-accounts';
import * as mailSync from './mailbox-sync';
import * as mailPush from './mailbox-push';
import * as outbox from './mailbox-outbox';
import type { FetchLike, Mailbox } from '../mailbox/types';

/** Options of openDesk; all optional. Unknown options are rejected. */
export interface OpenDeskOptions {
	/** Defaults to globalThis.indexedDB. */
	indexedDB?: IDBFactory;
	/** Database name; defaults to 'sealdesk'. */
	name?: string;
	/** The clock; defaults to () => new Date(). */
	now?: () => Date;
	/** Defaults to globalThis.crypto. */
	crypto?: Crypto;
	/** Largest raw mail receive() processes, in bytes; larger mail is stored unprocessed with a comment. Defaults to 50 MB. */
	maxMessageSize?: number;
	/** Another tab upgraded the database: this desk's connection was closed; ask the user to reload. */
	onVersionChange?: () => void;
	/** This desk's upgrade waits for other tabs (running an older version) to close. */
	onBlocked?: () => void;
	/** Called with the running syncs' progress (as mailboxProgress() gives it) each time it moves, and once more when a sync ends. */
	onMailboxProgress?: (progress: mailSync.SyncProgress[]) => void;
	/** The timers of the vault's idle auto-lock; defaults to setTimeout and clearTimeout. */
	timers?: DeskTimers;
	/** How the mailbox reaches its JMAP server; defaults to globalThis.fetch. */
	fetch?: FetchLike;
	/** What a relative session URL (`/jmap`) resolves against; defaults to the page's or worker's location. */
	base?: string;
}

/** The settings the admin page shows. */
export interface DeskSettings {
	enabled: boolean;
	strictKeyCustody: boolean;
	/** "Accept SHA-1 signatures": off by default, SHA-1 message signatures are then invalid. */
	acceptSha1Signatures: boolean;
	vault: { passphrase: boolean; locked: boolean };
}

/** One input for importFile. */
export interface ImportFileInput {
	/** Shown in messages only; the format is found from the content. */
	name: string;
	data: Uint8Array | string;
	passphrase?: string;
}

const KNOWN_OPTIONS = new Set(['indexedDB', 'name', 'now', 'crypto', 'maxMessageSize', 'onVersionChange', 'onBlocked', 'onMailboxProgress', 'timers', 'fetch', 'base']);

/** The desk: every operation a user performs. */
export class Desk {
	/** The context operation modules receive (for the other desk modules; not for the UI). */
	readonly context: DeskContext;

	constructor(context: DeskContext) {
		this.context = context;
	}

	/**
	 * Runs an admin action and puts it in Recent Logs (issue 19): a refusal with the sentence the
	 * admin was shown (the error's message), and, when `success` is given, the success too (for
	 * actions whose own write logs nothing). A log write that fails never hides the action's result.
	 */
	async #admin<T>(operation: string, subject: string | null, action: () => Promise<T>, success?: string): Promise<T> {
		let result: T;
		try {
			result = await action();
		} catch (error) {
			const sentence = error instanceof Error ? error.message : String(error);
			await this.#log(operation, 'failed', subject === null ? sentence : `${subject}: ${sentence}`);
			throw error;
		}
		if (success !== undefined) await this.#log(operation, 'success', success);
		return result;
	}

	async #log(operation: string, status: 'success' | 'failed', detail: string): Promise<void> {
		try {
			await appendLog(this.context, { direction: 'admin', operation, status, detail, messageId: null });
		} catch {
			// The action's own outcome is what the caller needs.
		}
	}

	/** Turns S/MIME on or off. Imports are refused while it is off. */
	setEnabled(on: boolean): Promise<void> {
		return this.#admin('setting', null, () => certificates.setEnabled(this.context, on), on ? 'S/MIME is enabled.' : 'S/MIME is disabled.');
	}

	/** Whether S/MIME is on. */
	isEnabled(): Promise<boolean> {
		return certificates.isEnabled(this.context);
	}

	/**
	 * Imports every certificate and key in a file or pasted text, atomically.
	 * @throws ImportError with the user-facing sentence and a `code` (see certificates.importFile)
	 */
	importFile(input: ImportFileInput): Promise<certificates.ImportSummary> {
		// A passphrase never reaches the log: only the file's name and the sentence shown.
		return this.#admin('import', `"${input.name}"`, () => certificates.importFile(this.context, input));
	}

	/** Every stored certificate. */
	listCertificates(): Promise<CertificateInfo[]> {
		return certificates.listCertificates(this.context);
	}

	/** One certificate by SHA-256 fingerprint, or null. */
	getCertificate(fingerprint: string): Promise<CertificateInfo | null> {
		return certificates.getCertificate(this.context, fingerprint);
	}

	/** Deletes a certificate and its private key. @throws Error when it is not stored */
	deleteCertificate(fingerprint: string): Promise<void> {
		return this.#admin('delete', `certificate ${fingerprint}`, () => certificates.deleteCertificate(this.context, fingerprint));
	}

	/** Deletes only the private key of a certificate. @throws Error when there is none */
	deletePrivateKey(fingerprint: string): Promise<void> {
		return this.#admin('delete-key', `private key for ${fingerprint}`, () => certificates.deletePrivateKey(this.context, fingerprint));
	}

	/** A certificate as PEM, for download. @throws Error when it is not stored */
	certificatePem(fingerprint: string): Promise<string> {
		return certificates.certificatePem(this.context, fingerprint);
	}

	/**
	 * Everything the certificate details view shows about one stored certificate: its
	 * description, subjectAltName, key usage, extended key usage, and whether it chains to
	 * another imported certificate, judged in the desk.
	 * @param at - the instant validity is judged at; the desk's clock when omitted
	 * @throws Error "No certificate has this fingerprint." when it is not stored
	 */
	certificateDetails(fingerprint: string, at?: Date): Promise<certificates.CertificateDetails> {
		return certificates.certificateDetails(this.context, fingerprint, at ?? this.context.now());
	}

	/** The log, newest first. */
	logs(): Promise<LogEntry[]> {
		return listLogs(this.context);
	}

	/** Stores a received mail on its ticket and verifies/decrypts it. Never rejects for a hostile mail. See receive.receive */
	receive(raw: Uint8Array | string | Blob): Promise<tickets.Article> {
		return receiving.receive(this.context, raw);
	}

	/** Re-runs S/MIME processing of an article with the current keys. @throws Error "No article has this id." */
	retry(articleId: number): Promise<tickets.Article> {
		return receiving.retry(this.context, articleId);
	}

	/**
	 * Imports the untrusted signer certificate of an article (`security.sign.certificate`), once
	 * the agent confirmed its SHA-256 fingerprint, logged as an admin import, and re-checks the article.
	 * @throws Error with the user-facing sentence (see signer-trust.trustSignerCertificate)
	 */
	trustSignerCertificate(articleId: number, fingerprint: string): Promise<tickets.Article> {
		return signerTrust.trustSignerCertificate(this.context, articleId, fingerprint);
	}

	/** Every ticket as the list shows it (with its group and protection), most recently updated first. */
	listTickets(): Promise<TicketRow[]> {
		return tickets.listTickets(this.context);
	}

	/** One page of the tickets list, filtered by state (default 'open') and search, from the indexes. See tickets.queryTickets. */
	queryTickets(query?: tickets.TicketQuery): Promise<tickets.TicketPage> {
		return tickets.queryTickets(this.context, query);
	}

	/** Sets a ticket's state. @throws Error "No ticket has this id." or for an unknown state */
	setTicketState(id: number, state: tickets.TicketState): Promise<tickets.TicketSummary> {
		return tickets.setTicketState(this.context, id, state);
	}

	/** A ticket with its articles, or null. */
	getTicket(id: number): Promise<tickets.TicketDetail | null> {
		return tickets.getTicket(this.context, id);
	}

	/** One article, or null. */
	getArticle(id: number): Promise<tickets.Article | null> {
		return tickets.getArticle(this.context, id);
	}

	/** The bytes of one attachment of an article, or null. */
	getAttachment(articleId: number, index: number): Promise<Uint8Array | null> {
		return tickets.getAttachment(this.context, articleId, index);
	}

	/** The bytes of one attachment of a section (signed part or attached message, by its path) of an article, or null. */
	getSectionAttachment(articleId: number, path: string, index: number): Promise<Uint8Array | null> {
		return tickets.getSectionAttachment(this.context, articleId, path, index);
	}

	/** The raw mail of an article as received, or null. */
	articleRaw(id: number): Promise<Uint8Array | null> {
		return tickets.articleRaw(this.context, id);
	}

	/** Sets, changes or (next null) removes the vault passphrase. @throws ImportError on a wrong current passphrase */
	setVaultPassphrase(current: string | null, next: string | null): Promise<void> {
		const done = next === null ? 'The vault passphrase was removed.' : current === null ? 'The vault passphrase was set.' : 'The vault passphrase was changed.';
		return this.#admin('vault', null, () => vault.setVaultPassphrase(this.context, current, next), done);
	}

	/** Unlocks the vault. @throws ImportError "The passphrase is wrong." */
	unlockVault(passphrase: string): Promise<void> {
		return this.#admin('vault', 'Unlock', () => vault.unlockVault(this.context, passphrase), 'The vault was unlocked.');
	}

	/** Locks the vault again. */
	lockVault(): Promise<void> {
		return this.#admin(
			'vault',
			null,
			() => {
				vault.lockVault(this.context);
				return Promise.resolve();
			},
			'The vault was locked.'
		);
	}

	/** Minutes of vault idleness after which the vault locks itself (0: never). Default 15. */
	vaultAutoLock(): Promise<number> {
		return vault.vaultAutoLockMinutes(this.context);
	}

	/** Sets the vault's idle auto-lock. @throws Error for anything but a whole number of minutes from 0 to 1440 */
	setVaultAutoLock(minutes: number): Promise<void> {
		return vault.setVaultAutoLock(this.context, minutes);
	}

	/** The vault's state, including which keys have the legacy path. */
	vaultStatus(): Promise<vault.VaultStatus> {
		return vault.vaultStatus(this.context);
	}

	/** Strict key custody: on drops every sealed copy; new imports then keep none. */
	setStrictKeyCustody(on: boolean): Promise<void> {
		return this.#admin('setting', null, () => vault.setStrictKeyCustody(this.context, on), on ? 'Strict key custody is on.' : 'Strict key custody is off.');
	}

	/** The settings the admin page shows. */
	async settings(): Promise<DeskSettings> {
		const status = await vault.vaultStatus(this.context);
		return {
			enabled: await this.isEnabled(),
			strictKeyCustody: status.strictKeyCustody,
			acceptSha1Signatures: await readSettings.acceptSha1Signatures(this.context),
			vault: { passphrase: status.passphrase, locked: status.locked }
		};
	}

	/** Whether SHA-1 message signatures are accepted (valid, with a weak-algorithm warning); false by default. */
	acceptSha1Signatures(): Promise<boolean> {
		return readSettings.acceptSha1Signatures(this.context);
	}

	/**
	 * Turns "Accept SHA-1 signatures" on or off (logged). Off: SHA-1 message signatures are invalid.
	 * Stored articles change on retry. @throws Error for a value other than true or false
	 */
	setAcceptSha1Signatures(on: boolean): Promise<void> {
		return readSettings.setAcceptSha1Signatures(this.context, on);
	}

	/** Whether a draft can be signed and encrypted, why (not), and the group defaults. See compose.securityOptions. */
	securityOptions(input: composing.SecurityOptionsInput): Promise<composing.SecurityOptions> {
		return composing.securityOptions(this.context, input);
	}

	/** Builds a message: sign, then encrypt. @throws DraftError for a bad draft (see compose.compose) */
	compose(draft: composing.Draft): Promise<composing.ComposeResult> {
		return composing.compose(this.context, draft);
	}

	/** Every group, sorted by name. */
	listGroups(): Promise<groups.Group[]> {
		return groups.listGroups(this.context);
	}

	/** Creates or replaces a group; sign and encrypt default to on. @throws Error for invalid input */
	saveGroup(input: groups.GroupInput): Promise<groups.Group> {
		return this.#admin('group', `group "${typeof input.name === 'string' ? input.name : ''}"`, () => groups.saveGroup(this.context, input));
	}

	/** Deletes a group. @throws Error "No group has this id." */
	deleteGroup(id: string): Promise<void> {
		return this.#admin('delete-group', `group ${id}`, () => groups.deleteGroup(this.context, id));
	}

	/** The content encryption setting: 'auto' (default), 'cbc' or 'gcm'. */
	contentEncryption(): Promise<ContentEncryptionSetting> {
		return sendSettings.contentEncryption(this.context);
	}

	/** Sets the content encryption. @throws Error for a value other than 'auto', 'cbc', 'gcm' */
	setContentEncryption(value: ContentEncryptionSetting): Promise<void> {
		return this.#admin('setting', 'Content encryption', () => sendSettings.setContentEncryption(this.context, value));
	}

	/** The RSA signature scheme: 'pkcs1' (default) or 'pss'. */
	signatureScheme(): Promise<SignatureSchemeSetting> {
		return sendSettings.signatureScheme(this.context);
	}

	/** Sets the RSA signature scheme. @throws Error for a value other than 'pkcs1', 'pss' */
	setSignatureScheme(value: SignatureSchemeSetting): Promise<void> {
		return this.#admin('setting', 'Signature scheme', () => sendSettings.setSignatureScheme(this.context, value));
	}

	/** Every certificate as one PEM bundle (for importFile on another profile). Private keys cannot be exported. */
	exportCertificates(): Promise<string> {
		return backup.exportCertificates(this.context);
	}

	/** The log, oldest first, as JSON or CSV. @throws Error for another format */
	exportLogs(format: backup.LogFormat): Promise<string> {
		return backup.exportLogs(this.context, format);
	}

	/** Imports an exported log (JSON or CSV), skipping entries already present. @throws Error when it is not a Sealdesk log */
	importLogs(input: { data: string | Uint8Array }): Promise<backup.LogImportSummary> {
		return this.#admin('import-logs', null, () => backup.importLogs(this.context, input));
	}

	/** Connects without storing anything and lists the mailboxes. @throws MailboxError with the user-facing sentence */
	testMailbox(credentials: mailAccounts.MailboxCredentials): Promise<{ mailboxes: Mailbox[] }> {
		return mailAccounts.testMailbox(this.context, credentials);
	}

	/** Connects a JMAP account and stores it with its password sealed under the vault key. @throws MailboxError, Error */
	connectMailbox(credentials: mailAccounts.MailboxCredentials & { mailboxId?: string }): Promise<mailAccounts.MailAccountInfo> {
		return mailAccounts.connectMailbox(this.context, credentials);
	}

	/** Every connected mailbox account (never its password), with its sync state. */
	listMailAccounts(): Promise<mailAccounts.MailAccountInfo[]> {
		return mailAccounts.listMailAccounts(this.context);
	}

	/** Deletes an account's credentials and sync state; stored mail stays. @throws Error "No mailbox account has this id." */
	disconnectMailbox(id: string): Promise<void> {
		mailPush.unwatchMailbox(this.context, id);
		return mailAccounts.disconnectMailbox(this.context, id);
	}

	/** Syncs one account's mailbox (or every account's) into tickets; joins a sync in progress. @throws MailboxError, Error */
	syncMailbox(accountId?: string): Promise<mailSync.SyncResult[]> {
		return mailSync.syncMailbox(this.context, accountId);
	}

	/** Asks a running sync to stop after the current mail; the next sync resumes there. */
	stopMailboxSync(accountId: string): Promise<void> {
		mailSync.stopMailboxSync(this.context, accountId);
		return Promise.resolve();
	}

	/** The progress of running syncs: stored of total, per account. */
	mailboxProgress(): Promise<mailSync.SyncProgress[]> {
		return Promise.resolve(mailSync.mailboxProgress(this.context));
	}

	/** Puts an outgoing article in the outbox and sends it now if it can. @throws Error when there is no account or no such outgoing article */
	sendArticle(articleId: number, accountId?: string): Promise<outbox.Delivery> {
		return outbox.sendArticle(this.context, articleId, accountId);
	}

	/**
	 * Starts push for every connected account whose session offers an event source: a change on
	 * the server syncs at once. Idempotent (call it on each poll); polling stays the safety net.
	 */
	watchMailbox(): Promise<void> {
		return mailPush.watchMailbox(this.context);
	}

	/** Each watched account's push state: 'open' while its event source streams. */
	mailboxPushState(): Promise<Record<string, mailPush.PushState>> {
		return Promise.resolve(mailPush.mailboxPushState(this.context));
	}

	/** Sends everything waiting in the outbox, once each (on coming back online, on each poll). */
	sendQueued(): Promise<{ sent: number; waiting: number; failed: number }> {
		return outbox.sendQueued(this.context);
	}

	/** The delivery state of a ticket's sent articles. */
	deliveries(ticketId: number): Promise<outbox.Delivery[]> {
		return outbox.deliveries(this.context, ticketId);
	}

	/** Retry of a failed or waiting delivery. @throws Error "This article is not in the outbox." */
	retryDelivery(articleId: number): Promise<outbox.Delivery> {
		return outbox.retryDelivery(this.context, articleId);
	}

	/** Closes the database and the change feed, and forgets the vault key. */
	close(): Promise<void> {
		vault.lockVault(this.context);
		mailPush.unwatchMailbox(this.context);
		for (const id of this.context.mailbox.syncs.keys()) this.context.mailbox.stopping.add(id);
		this.context.changes.close();
		this.context.db.close();
		return Promise.resolve();
	}
}

/** The page's or worker's location, where there is one (for a relative session URL). */
function defaultBase(): { base?: string } {
	const location = (globalThis as { location?: { href?: string } }).location;
	return typeof location?.href === 'string' ? { base: location.href } : {};
}

/**
 * Opens the desk over its IndexedDB database.
 * @throws Error for unknown options, a missing IndexedDB, or a database that cannot be opened
 */
export async function openDesk(options: OpenDeskOptions = {}): Promise<Desk> {
	for (const key of Object.keys(options)) {
		if (!KNOWN_OPTIONS.has(key)) throw new Error(`Unknown openDesk option "${key}".`);
	}
	const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
	if (!factory) throw new Error('IndexedDB is not available here.');
	const name = options.name ?? 'sealdesk';
	const { onMailboxProgress } = options;
	const db = await openDatabase(factory, name, {
		...(options.onVersionChange ? { onVersionChange: options.onVersionChange } : {}),
		...(options.onBlocked ? { onBlocked: options.onBlocked } : {})
	});
	const context: DeskContext = {
		db,
		crypto: options.crypto ?? globalThis.crypto,
		now: options.now ?? (() => new Date()),
		name,
		changes: new ChangeFeed(),
		vault: { unlocked: null, lastUsed: 0, timer: null },
		timers: options.timers ?? platformTimers,
		phases: userTimingPhases,
		legacy: defaultLegacyReaders(),
		...(options.maxMessageSize !== undefined ? { maxMessageSize: options.maxMessageSize } : {}),
		fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
		...(options.base !== undefined ? { base: options.base } : defaultBase()),
		mailbox: {
			syncs: new Map(),
			progress: new Map(),
			stopping: new Set(),
			passedOver: new Set(),
			sending: null,
			push: new Map(),
			...(onMailboxProgress
				? {
						onProgress: () => {
							try {
								onMailboxProgress(mailSync.mailboxProgress(context));
							} catch {
								// A failing listener must not stop the sync it watches.
							}
						}
					}
				: {})
		}
	};
	await vault.vaultSetting(context);
	return new Desk(context);
}
