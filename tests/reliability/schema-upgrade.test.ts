/**
 * Schema upgrades (issue 9): a database written by schema version 1 (certificates, keys with
 * CryptoKeys, tickets, articles, settings, logs) opens with openDesk and upgrades to the
 * current version without losing a record; the keys still decrypt. An upgrade in one tab
 * closes the other tab's connection instead of blocking, and tells that tab.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB, type IDBPDatabase } from 'idb';
import { expect, test } from 'vitest';
import { openDesk } from '../../src/lib/desk/desk';
import { DB_VERSION, STORE_NAMES } from '../../src/lib/store/schema';
import { cms, content, encryptTo, loadPki, withHeaders } from '../smime/mail';
import { storeSnapshot } from './snapshot';

const NOW = new Date('2026-11-29T12:00:00Z');
/** The stores of schema version 1 (later versions add stores, which start empty here). */
const V1_STORES = STORE_NAMES.filter((name) => !['mailAccounts', 'mailSync', 'mailIds', 'outbox'].includes(name));

/** Schema version 1 exactly as it shipped (src/lib/store/db.ts, the `oldVersion < 1` step). */
function schemaV1(db: IDBPDatabase): void {
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

test('a version 1 database upgrades without loss, and its keys still work', async () => {
	expect(DB_VERSION).toBeGreaterThan(1);
	// Real records, made by the desk, copied into a database that has only the version 1 schema.
	const source = await openDesk({ indexedDB: new IDBFactory(), name: 'source', now: () => NOW });
	await source.setEnabled(true);
	await loadPki(source, ['bob']);
	await source.saveGroup({ name: 'Support', email: 'support@sealdesk.test', sign: true, encrypt: false });
	const secret = await source.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('kept through the upgrade'))));
	expect(secret.text).toContain('kept through the upgrade');
	await source.receive(withHeaders(content('a plain one')));
	const expected = await storeSnapshot(source);
	const records: Record<string, { key: IDBValidKey; value: unknown }[]> = {};
	for (const name of V1_STORES) {
		const store = source.context.db.transaction(name).objectStore(name);
		const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()]);
		records[name] = keys.map((key, i) => ({ key, value: values[i] }));
	}
	await source.close();

	const v1 = await openDB('upgraded', 1, { upgrade: schemaV1 });
	const tx = v1.transaction([...V1_STORES], 'readwrite');
	for (const name of V1_STORES) {
		for (const r of records[name] ?? []) await tx.objectStore(name).put(r.value, name === 'settings' ? r.key : undefined);
	}
	await tx.done;
	v1.close();

	const desk = await openDesk({ indexedDB: indexedDB, name: 'upgraded', now: () => NOW });
	expect(desk.context.db.version).toBe(DB_VERSION);
	expect(await storeSnapshot(desk)).toEqual(expected);
	expect(Array.from(desk.context.db.transaction('logs').store.indexNames)).toContain('at');
	expect(Array.from(desk.context.db.transaction('tickets').store.indexNames)).toContain('updatedAt');
	expect(Array.from(desk.context.db.transaction('tickets').store.indexNames)).toContain('messageIds');
	// The mailbox step (MAILBOX_SCHEMA_VERSION) adds its stores, empty, with their indexes.
	expect(Array.from(desk.context.db.transaction('mailIds').store.indexNames).sort()).toEqual(['accountId', 'articleId']);
	expect(Array.from(desk.context.db.transaction('outbox').store.indexNames).sort()).toEqual(['accountId', 'ticketId']);
	// The Message-ID index covers the tickets written before it: a reply to the old plain mail
	// joins its ticket.
	const [plain] = (await desk.listTickets()).filter((t) => t.id !== secret.ticketId);
	const plainTicket = plain ? await desk.getTicket(plain.id) : null;
	const plainId = plainTicket?.articles[0]?.messageId;
	expect(plainId).toBeTruthy();
	const reply = await desk.receive(`From: alice@sealdesk.test\r\nTo: bob@sealdesk.test\r\nSubject: Re\r\nMessage-ID: <after-upgrade@sealdesk.test>\r\nIn-Reply-To: ${plainId ?? ''}\r\n\r\nStill there.\r\n`);
	expect(reply.ticketId).toBe(plain?.id);
	// The upgraded CryptoKeys still decrypt: a retry of the encrypted article reads it again.
	const again = await desk.retry(secret.id);
	expect(again.security.encryption.status).toBe('decrypted');
	expect(again.text).toContain('kept through the upgrade');
	expect((await desk.listCertificates()).map((c) => c.emails)).toContainEqual(['bob@sealdesk.test']);
	await desk.close();
});

test('an upgrade in another tab closes this connection instead of blocking, and says so', async () => {
	const factory = new IDBFactory();
	let told = 0;
	const old = await openDesk({ indexedDB: factory, name: 'tabs', onVersionChange: () => told++ });
	const started = performance.now();
	// A newer version of the app in another tab: it would wait forever if this tab kept its connection.
	const request = factory.open('tabs', DB_VERSION + 1);
	let blocked = false;
	request.onblocked = () => (blocked = true);
	await new Promise((resolve, reject) => {
		request.onsuccess = resolve;
		request.onerror = reject;
	});
	request.result.close();
	expect(blocked).toBe(false);
	expect(told).toBe(1);
	expect(performance.now() - started).toBeLessThan(1000);
	await old.close();
});

test('issue 19: a version 3 database upgrades to ticket states and search; its tickets read as open and are found by their words', async () => {
	const source = await openDesk({ indexedDB: new IDBFactory(), name: 'source3', now: () => NOW });
	await source.setEnabled(true);
	await loadPki(source, ['bob']);
	const secret = await source.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('zebra crossing invoice')), { subject: 'Decrypted one' }));
	const plain = await source.receive(withHeaders(content('a plain printer question'), { subject: 'Plain one', from: 'Carl <carl@customer.test>' }));
	const records: Record<string, { key: IDBValidKey; value: unknown }[]> = {};
	for (const name of STORE_NAMES) {
		const store = source.context.db.transaction(name).objectStore(name);
		const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()]);
		// Records as schema 3 wrote them: tickets had no state and no words.
		records[name] = keys.map((key, i) => {
			const value = values[i] as Record<string, unknown>;
			if (name !== 'tickets') return { key, value };
			const { state, search, ...old } = value;
			expect(state).toBe('open');
			expect(search).toBeInstanceOf(Array);
			return { key, value: old };
		});
	}
	await source.close();

	// Schema version 3 exactly as it shipped: version 1, the time indexes (2) and the Message-ID index (3).
	const v3 = await openDB('upgraded3', 3, {
		upgrade(db, _old, _new, tx) {
			schemaV1(db);
			tx.objectStore('logs').createIndex('at', 'at');
			tx.objectStore('tickets').createIndex('updatedAt', 'updatedAt');
			tx.objectStore('tickets').createIndex('messageIds', 'messageIds', { multiEntry: true });
		}
	});
	// The stores version 3 had (the mailbox stores came with version 5).
	const v3Stores = STORE_NAMES.filter((name) => v3.objectStoreNames.contains(name));
	const tx = v3.transaction(v3Stores, 'readwrite');
	for (const name of v3Stores) {
		for (const r of records[name] ?? []) await tx.objectStore(name).put(r.value, name === 'settings' ? r.key : undefined);
	}
	await tx.done;
	v3.close();

	const upgraded = await openDesk({ indexedDB: indexedDB, name: 'upgraded3', now: () => NOW });
	expect(upgraded.context.db.version).toBe(DB_VERSION);
	const names = Array.from(upgraded.context.db.transaction('tickets').store.indexNames);
	expect(names).toContain('stateUpdated');
	expect(names).toContain('search');
	// Old tickets read as open, in the open list, and by every listing.
	expect((await upgraded.listTickets()).map((t) => t.state)).toEqual(['open', 'open']);
	const open = await upgraded.queryTickets({ state: 'open' });
	expect(open.total).toBe(2);
	expect(open.counts).toEqual({ open: 2, pending: 0, closed: 0 });
	expect((await upgraded.getTicket(plain.ticketId))?.state).toBe('open');
	// Their words were made from the stored articles: the decrypted text, the customer, the subject.
	expect((await upgraded.queryTickets({ state: 'all', search: 'zebra' })).rows.map((r) => r.id)).toEqual([secret.ticketId]);
	expect((await upgraded.queryTickets({ state: 'all', search: 'carl@customer' })).rows.map((r) => r.id)).toEqual([plain.ticketId]);
	expect((await upgraded.queryTickets({ state: 'all', search: 'plain one' })).rows.map((r) => r.id)).toEqual([plain.ticketId]);
	// The state index works for the upgraded tickets.
	await upgraded.setTicketState(plain.ticketId, 'closed');
	expect((await upgraded.queryTickets({ state: 'closed' })).rows.map((r) => r.id)).toEqual([plain.ticketId]);
	await upgraded.close();
});
