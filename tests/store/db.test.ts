import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { ChangeFeed, DB_VERSION, openDatabase, STORE_NAMES, subscribeChanges, type StoreChange } from '../../src/lib/store';

describe('database schema', () => {
	test('the current version (DB_VERSION) has every store of the architecture, with their keys and indexes', async () => {
		const factory = new IDBFactory();
		const db = await openDatabase(factory, 'schema');
		expect(db.version).toBe(DB_VERSION);
		expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
		const tx = db.transaction([...STORE_NAMES]);
		expect(tx.objectStore('certificates').keyPath).toBe('fingerprint');
		const emails = tx.objectStore('certificates').index('emails');
		expect(emails.multiEntry).toBe(true);
		expect(tx.objectStore('keys').keyPath).toBe('fingerprint');
		expect(tx.objectStore('logs').autoIncrement).toBe(true);
		expect(tx.objectStore('articles').indexNames.contains('ticketId')).toBe(true);
		await tx.done;
		db.close();
		// Reopening the same version runs no upgrade and keeps the stores.
		const again = await openDatabase(factory, 'schema');
		expect([...again.objectStoreNames].length).toBe(STORE_NAMES.length);
		again.close();
	});

	test('the emails index finds a certificate by any of its addresses', async () => {
		const db = await openDatabase(new IDBFactory(), 'emails');
		const record = { fingerprint: 'ab', der: new Uint8Array([1]), emails: ['a@x.test', 'b@x.test'], publicId: 'p', importedAt: '' };
		await db.put('certificates', record as never);
		expect((await db.getAllFromIndex('certificates', 'emails', 'b@x.test')).map((r) => r.fingerprint)).toEqual(['ab']);
		db.close();
	});

	test('the change feed reaches other listeners over BroadcastChannel', async () => {
		const got = new Promise<StoreChange>((resolve) => {
			const stop = subscribeChanges((change) => {
				stop();
				resolve(change);
			});
		});
		const feed = new ChangeFeed();
		feed.publish([{ store: 'certificates', database: 'x' }]);
		expect(await got).toEqual({ store: 'certificates', database: 'x' });
		feed.close();
	});
});
