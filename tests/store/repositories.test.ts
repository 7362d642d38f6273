/**
 * The repositories and the typed settings (issue 17, point 1): each store is read and written
 * through named operations, alone or inside the caller's transaction, and a setting reads as
 * its default when never set or stored with the wrong type.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, test } from 'vitest';
import {
	articleStore,
	certificateStore,
	groupStore,
	keyStore,
	mailAccountStore,
	mailIdStore,
	mailSyncStore,
	openDatabase,
	outboxStore,
	readTransaction,
	SETTING_KEYS,
	SETTINGS,
	settingStore,
	STORE_NAMES,
	ticketStore,
	withWriteTransaction,
	type ArticleRecord,
	type CertificateRecord,
	type OutboxRecord,
	type SealdeskDatabase,
	type TicketRecord
} from '../../src/lib/store';
import type { PrivateKeySet } from '../../src/lib/pki/keyset';

let db: SealdeskDatabase;
afterEach(() => {
	db.close();
});

async function open(): Promise<SealdeskDatabase> {
	db = await openDatabase(new IDBFactory(), 'repositories');
	return db;
}

function certificate(fingerprint: string, emails: string[], publicId: string): CertificateRecord {
	return {
		fingerprint,
		der: new Uint8Array([1, 2, 3]),
		info: { fingerprint, emails, subject: `CN=${fingerprint}` } as CertificateRecord['info'],
		emails,
		publicId,
		importedAt: '2026-12-01T00:00:00.000Z'
	};
}

function ticket(subject: string, updatedAt: string, state: TicketRecord['state'], messageIds: string[], search: string[]): TicketRecord {
	return { subject, customer: 'c@x.test', createdAt: updatedAt, updatedAt, state, messageIds, articleCount: 0, search };
}

function article(ticketId: number): Omit<ArticleRecord, 'id'> {
	return {
		ticketId,
		direction: 'in',
		raw: new Uint8Array([65]),
		receivedAt: '2026-12-01T00:00:00.000Z',
		headers: { to: [], cc: [], subject: 's', references: [] },
		security: { sign: { status: 'none', comment: '' }, encryption: { status: 'none', comment: '' }, layers: [] },
		text: 't',
		attachments: []
	};
}

describe('settings', () => {
	test('every key has its default when never set', async () => {
		await open();
		expect(SETTING_KEYS.sort()).toEqual(['acceptSha1Signatures', 'contentEncryption', 'enabled', 'signatureScheme', 'strictKeyCustody', 'vault', 'vaultAutoLockMinutes']);
		for (const key of SETTING_KEYS) expect(await settingStore.read(db, key)).toEqual(SETTINGS[key].fallback);
		expect(await settingStore.read(db, 'vaultAutoLockMinutes')).toBe(15);
		expect(await settingStore.read(db, 'contentEncryption')).toBe('auto');
		expect(await settingStore.read(db, 'signatureScheme')).toBe('pkcs1');
	});

	test('a value written is read back; a stored value of the wrong type reads as the default', async () => {
		await open();
		await withWriteTransaction(db, ['settings'], async (tx) => {
			await settingStore.write(tx, 'contentEncryption', 'gcm');
			await settingStore.write(tx, 'vaultAutoLockMinutes', 0);
		});
		expect(await settingStore.read(db, 'contentEncryption')).toBe('gcm');
		expect(await settingStore.read(db, 'vaultAutoLockMinutes')).toBe(0);
		// Written by other code, or damaged: the setting reads as it always did.
		const raw = db.transaction('settings', 'readwrite');
		await raw.store.put('yes' as never, 'enabled');
		await raw.store.put('rot13' as never, 'contentEncryption');
		await raw.store.put('15' as never, 'vaultAutoLockMinutes');
		await raw.store.put(42, 'vault');
		await raw.done;
		expect(await settingStore.read(db, 'enabled')).toBe(false);
		expect(await settingStore.read(db, 'contentEncryption')).toBe('auto');
		expect(await settingStore.read(db, 'vaultAutoLockMinutes')).toBe(15);
		expect(await settingStore.read(db, 'vault')).toBeUndefined();
	});
});

describe('certificates and keys', () => {
	test('look-ups by fingerprint, email, public id; capabilities; delete', async () => {
		await open();
		await withWriteTransaction(db, ['certificates', 'keys'], async (tx) => {
			await certificateStore.add(tx, certificate('aa', ['a@x.test', 'b@x.test'], 'pa'));
			await certificateStore.add(tx, certificate('bb', ['b@x.test'], 'pb'));
			await keyStore.add(tx, { fingerprint: 'aa', keys: {} as PrivateKeySet });
		});
		expect(await certificateStore.exists(db, 'aa')).toBe(true);
		expect(await certificateStore.exists(db, 'cc')).toBe(false);
		expect((await certificateStore.byEmail(db, 'b@x.test')).map((c) => c.fingerprint).sort()).toEqual(['aa', 'bb']);
		expect((await certificateStore.byPublicId(db, 'pb'))?.fingerprint).toBe('bb');
		expect(await keyStore.fingerprints(db)).toEqual(['aa']);
		expect(await keyStore.exists(db, 'bb')).toBe(false);
		expect(await withWriteTransaction(db, ['certificates'], (tx) => certificateStore.setCapabilities(tx, 'bb', ['cap']))).toBe(true);
		expect(await withWriteTransaction(db, ['certificates'], (tx) => certificateStore.setCapabilities(tx, 'zz', ['cap']))).toBe(false);
		expect((await certificateStore.byFingerprint(db, 'bb'))?.capabilities).toEqual(['cap']);
		// A second add of a stored fingerprint is refused and aborts the whole transaction.
		await expect(
			withWriteTransaction(db, ['certificates', 'keys'], async (tx) => {
				await keyStore.add(tx, { fingerprint: 'bb', keys: {} as PrivateKeySet });
				await certificateStore.add(tx, certificate('aa', [], 'pa'));
			})
		).rejects.toMatchObject({ name: 'ConstraintError' });
		expect(await keyStore.exists(db, 'bb')).toBe(false);
		await withWriteTransaction(db, ['certificates', 'keys'], async (tx) => {
			await certificateStore.remove(tx, 'aa');
			await keyStore.remove(tx, 'aa');
		});
		expect((await certificateStore.all(db)).map((c) => c.fingerprint)).toEqual(['bb']);
		expect(await keyStore.all(db)).toEqual([]);
	});
});

describe('tickets and articles', () => {
	test('threading by Message-ID, the list by state and activity, search by word prefix, articles by ticket', async () => {
		await open();
		const ids = await withWriteTransaction(db, ['tickets', 'articles'], async (tx) => {
			const first = await ticketStore.save(tx, ticket('one', '2026-12-01T01:00:00Z', 'open', ['<a@x>'], ['invoice']));
			const second = await ticketStore.save(tx, ticket('two', '2026-12-01T02:00:00Z', 'closed', ['<b@x>', '<a@x>'], ['invite']));
			const third = await ticketStore.save(tx, ticket('three', '2026-12-01T03:00:00Z', 'open', [], ['other']));
			const late = await articleStore.add(tx, article(first));
			const early = await articleStore.add(tx, article(first));
			return { first, second, third, articles: [late, early] };
		});
		expect(await ticketStore.idByMessageId(db, '<a@x>')).toBe(ids.first);
		expect(await ticketStore.idByMessageId(db, '<c@x>')).toBeUndefined();
		const tx = readTransaction(db, ['tickets', 'articles']);
		expect(await ticketStore.idsByActivity(tx, 'open')).toEqual([ids.first, ids.third]);
		expect(await ticketStore.idsByActivity(tx, 'all')).toEqual([ids.first, ids.second, ids.third]);
		expect(await ticketStore.countInState(tx, 'closed')).toBe(1);
		expect(await ticketStore.countInState(tx, 'pending')).toBe(0);
		expect((await ticketStore.idsWithWordPrefix(tx, 'inv')).sort()).toEqual([ids.first, ids.second].sort());
		expect((await articleStore.ofTicket(tx, ids.first)).map((a) => a.id)).toEqual([...ids.articles].sort((a, b) => a - b));
		expect(await articleStore.ofTicket(tx, ids.second)).toEqual([]);
	});
});

describe('groups, logs-free stores and the mailbox stores', () => {
	test('groups: save, exists, delete', async () => {
		await open();
		await withWriteTransaction(db, ['groups'], (tx) => groupStore.save(tx, { id: 'g', name: 'Sales', email: 'sales@x.test', sign: true, encrypt: false }));
		expect(await groupStore.exists(db, 'g')).toBe(true);
		expect((await groupStore.byId(db, 'g'))?.encrypt).toBe(false);
		await withWriteTransaction(db, ['groups'], (tx) => groupStore.remove(tx, 'g'));
		expect(await groupStore.all(db)).toEqual([]);
	});

	test('mail accounts, sync state, JMAP ids and the outbox', async () => {
		await open();
		const outbox: OutboxRecord = { articleId: 7, ticketId: 3, accountId: 'u at /jmap', messageId: '<m@x>', mailFrom: 'a@x', rcptTo: ['b@x'], step: 'queued', attempts: 0, createdAt: 'now', updatedAt: 'now' };
		await withWriteTransaction(db, ['mailAccounts', 'mailSync', 'mailIds', 'outbox'], async (tx) => {
			await mailAccountStore.save(tx, { id: 'u at /jmap', sessionUrl: '/jmap', username: 'u', sealedPassword: { iv: new Uint8Array(12), data: new Uint8Array(1) }, jmapAccountId: 'A', mailboxId: 'I', mailboxName: 'Inbox', connectedAt: 'now' });
			await mailSyncStore.save(tx, { accountId: 'u at /jmap', emailState: null, startState: 's0', position: 2, total: 5 });
			await mailIdStore.save(tx, { key: 'u at /jmap/E1', accountId: 'u at /jmap', emailId: 'E1', blobId: 'B1', articleId: 7 });
			await outboxStore.save(tx, outbox);
		});
		expect(await mailAccountStore.ids(db)).toEqual(['u at /jmap']);
		expect((await mailSyncStore.ofAccount(db, 'u at /jmap'))?.position).toBe(2);
		expect((await mailIdStore.byKey(db, 'u at /jmap/E1'))?.articleId).toBe(7);
		expect(await mailIdStore.byKey(db, 'u at /jmap/E2')).toBeUndefined();
		expect(await outboxStore.ofTicket(db, 3)).toEqual([outbox]);
		expect(await outboxStore.byArticle(db, 7)).toEqual(outbox);
		await outboxStore.save(db, { ...outbox, step: 'submitted' });
		expect((await outboxStore.all(db)).map((o) => o.step)).toEqual(['submitted']);
		await withWriteTransaction(db, ['mailAccounts', 'mailSync'], async (tx) => {
			await mailAccountStore.remove(tx, 'u at /jmap');
			await mailSyncStore.remove(tx, 'u at /jmap');
		});
		expect(await mailAccountStore.all(db)).toEqual([]);
		expect(await mailSyncStore.ofAccount(db, 'u at /jmap')).toBeUndefined();
	});

	test('every store has its repository module', async () => {
		const { readdir } = await import('node:fs/promises');
		const files = await readdir(new URL('../../src/lib/store/repositories/', import.meta.url));
		const expected = STORE_NAMES.map((n) => `${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`);
		for (const file of expected) expect(files).toContain(file);
		db = await openDatabase(new IDBFactory(), 'unused');
	});
});
