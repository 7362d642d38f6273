/**
 * Opening the database through idb, with an injectable IDBFactory (fake-indexeddb in Node
 * tests, the real one in a page or Worker), and the versioned upgrade steps.
 */
import { wrap, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { DB_VERSION, MAILBOX_SCHEMA_VERSION, type SealdeskDB } from './schema';
import { withWords } from './search-words';

/** The open database. */
export type SealdeskDatabase = IDBPDatabase<SealdeskDB>;

type UpgradeTransaction = IDBPTransaction<SealdeskDB, StoreNames<SealdeskDB>[], 'versionchange'>;

/** The upgrade steps. Past steps are never edited; a new version adds an `if (oldVersion < N)`. */
function upgrade(db: SealdeskDatabase, oldVersion: number, tx: UpgradeTransaction): void {
	if (oldVersion < 1) {
		const certificates = db.createObjectStore('certificates', { keyPath: 'fingerprint' });
		certificates.createIndex('emails', 'emails', { multiEntry: true });
		certificates.createIndex('publicId', 'publicId');
		db.createObjectStore('keys', { keyPath: 'fingerprint' });
		db.createObjectStore('settings');
		db.createObjectStore('groups', { keyPath: 'id' });
		db.createObjectStore('tickets', { keyPath: 'id', autoIncrement: true });
		const articles = db.createObjectStore('articles', { keyPath: 'id', autoIncrement: true });
		articles.createIndex('ticketId', 'ticketId');
		db.createObjectStore('logs', { keyPath: 'id', autoIncrement: true });
	}
	if (oldVersion < 2) {
		// Indexes by time. The tickets list reads the `updatedAt` index's keys for its "all" view
		// (a state's view uses `stateUpdated`, version 4). Nothing reads the logs' `at` index yet:
		// Recent Logs and the log export read the whole store (its ids are already in time order).
		const logs = tx.objectStore('logs');
		if (!logs.indexNames.contains('at')) logs.createIndex('at', 'at');
		const tickets = tx.objectStore('tickets');
		if (!tickets.indexNames.contains('updatedAt')) tickets.createIndex('updatedAt', 'updatedAt');
	}
	if (oldVersion < 3) {
		// Threading a new mail looks its In-Reply-To and References up here, instead of reading
		// every ticket on each mail received or sent.
		const tickets = tx.objectStore('tickets');
		if (!tickets.indexNames.contains('messageIds')) tickets.createIndex('messageIds', 'messageIds', { multiEntry: true });
	}
	if (oldVersion < 4) upgradeTo4(tx);
	if (oldVersion < MAILBOX_SCHEMA_VERSION) {
		// The JMAP mailbox: accounts (sealed credentials), sync state per account, the JMAP ids of
		// stored mail (so none is imported twice) and the outbox. Self-contained: it touches no
		// store of the other steps.
		if (!db.objectStoreNames.contains('mailAccounts')) db.createObjectStore('mailAccounts', { keyPath: 'id' });
		if (!db.objectStoreNames.contains('mailSync')) db.createObjectStore('mailSync', { keyPath: 'accountId' });
		if (!db.objectStoreNames.contains('mailIds')) {
			const mailIds = db.createObjectStore('mailIds', { keyPath: 'key' });
			mailIds.createIndex('articleId', 'articleId');
			mailIds.createIndex('accountId', 'accountId');
		}
		if (!db.objectStoreNames.contains('outbox')) {
			const outbox = db.createObjectStore('outbox', { keyPath: 'articleId' });
			outbox.createIndex('accountId', 'accountId');
			outbox.createIndex('ticketId', 'ticketId');
		}
	}
}

/**
 * Version 4 (issue 19): tickets have a state (open, pending, closed) and the words of their
 * subject, customer and readable text. The list pages through a state by the `stateUpdated`
 * index ([state, updatedAt]) and searches by the multiEntry `search` index, instead of reading
 * every ticket. Tickets written before read as `open`, and get their words from their stored
 * articles here; the words are derived data, so this step can run again on any database.
 * The step is asynchronous inside the upgrade transaction: only IndexedDB requests are awaited,
 * so the transaction stays alive, and a failure aborts the whole upgrade.
 */
function upgradeTo4(tx: UpgradeTransaction): void {
	const tickets = tx.objectStore('tickets');
	if (!tickets.indexNames.contains('stateUpdated')) tickets.createIndex('stateUpdated', ['state', 'updatedAt']);
	if (!tickets.indexNames.contains('search')) tickets.createIndex('search', 'search', { multiEntry: true });
	const articles = tx.objectStore('articles').index('ticketId');
	const fill = async (): Promise<void> => {
		let cursor = await tickets.openCursor();
		while (cursor) {
			const t = cursor.value as { id: number; subject?: unknown; customer?: unknown; state?: unknown; search?: unknown };
			const state = t.state === 'pending' || t.state === 'closed' ? t.state : 'open';
			let search = t.search as string[] | undefined;
			if (!Array.isArray(search)) {
				const texts = ((await articles.getAll(t.id)) as { text?: unknown }[]).map((a) => (typeof a.text === 'string' ? a.text : ''));
				search = withWords([], typeof t.subject === 'string' ? t.subject : '', typeof t.customer === 'string' ? t.customer : '', ...texts);
			}
			await cursor.update({ ...cursor.value, state, search });
			cursor = await cursor.continue();
		}
	};
	fill().catch(() => {
		try {
			tx.abort();
		} catch {
			// Already ended: openDatabase reports the failed open.
		}
	});
}

/** What the page is told about other tabs' database versions. */
export interface DatabaseHooks {
	/**
	 * Another tab opened a newer version: this connection has been closed so the upgrade is
	 * not blocked, and this page should ask the user to reload.
	 */
	onVersionChange?: () => void;
	/** This tab's upgrade waits for other tabs to close their (older) connections. */
	onBlocked?: () => void;
}

/**
 * Opens (and if needed creates or upgrades) the database.
 * @throws Error when IndexedDB refuses (blocked by another version, quota, private mode)
 */
export async function openDatabase(factory: IDBFactory, name: string, hooks: DatabaseHooks = {}): Promise<SealdeskDatabase> {
	const request = factory.open(name, DB_VERSION);
	request.addEventListener('upgradeneeded', (event) => {
		const db = wrap(request.result) as unknown as SealdeskDatabase;
		const tx = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTransaction;
		upgrade(db, event.oldVersion, tx);
	});
	request.addEventListener('blocked', () => hooks.onBlocked?.());
	let db: SealdeskDatabase;
	try {
		db = (await wrap(request)) as unknown as SealdeskDatabase;
	} catch (cause) {
		throw new Error(`The database "${name}" could not be opened.`, { cause });
	}
	// Never block another tab's upgrade: give the connection up and let the page ask for a reload.
	db.addEventListener('versionchange', () => {
		db.close();
		hooks.onVersionChange?.();
	});
	return db;
}
