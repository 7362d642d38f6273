/**
 * Opening the database through idb, with an injectable IDBFactory (fake-indexeddb in Node
 * tests, the real one in a page or Worker), and the versioned upgrade steps.
 */
import { wrap, type IDBPDatabase } from 'idb';
import { DB_VERSION, type SealdeskDB } from './schema';

/** The open database. */
export type SealdeskDatabase = IDBPDatabase<SealdeskDB>;

/** The upgrade steps. Past steps are never edited; a new version adds an `if (oldVersion < N)`. */
function upgrade(db: SealdeskDatabase, oldVersion: number): void {
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
}

/**
 * Opens (and if needed creates or upgrades) the database.
 * @throws Error when IndexedDB refuses (blocked by another version, quota, private mode)
 */
export async function openDatabase(factory: IDBFactory, name: string): Promise<SealdeskDatabase> {
	const request = factory.open(name, DB_VERSION);
	request.addEventListener('upgradeneeded', (event) => {
		const db = wrap(request.result) as unknown as SealdeskDatabase;
		upgrade(db, event.oldVersion);
	});
	try {
		return (await wrap(request)) as unknown as SealdeskDatabase;
	} catch (cause) {
		throw new Error(`The database "${name}" could not be opened.`, { cause });
	}
}
