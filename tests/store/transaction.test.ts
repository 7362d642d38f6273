/**
 * withWriteTransaction (issue 17, point 1): one helper owns commit, abort and the user-facing
 * sentences of a failed write, the storage-full one included.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, test } from 'vitest';
import { logStore, openDatabase, settingStore, STORAGE_FULL, withWriteTransaction, type LogEntry, type SealdeskDatabase } from '../../src/lib/store';

const entry = (detail: string): LogEntry => ({ at: '2026-12-01T00:00:00.000Z', direction: 'admin', operation: 'test', status: 'success', detail, messageId: null });
const failure = { notStored: 'Nothing was written.', otherwise: 'The test write could not be stored.' };

let db: SealdeskDatabase;
afterEach(() => {
	db.close();
});

async function open(): Promise<SealdeskDatabase> {
	db = await openDatabase(new IDBFactory(), 'tx');
	return db;
}

describe('withWriteTransaction', () => {
	test('commits every write of the body and returns its value', async () => {
		await open();
		const value = await withWriteTransaction(db, ['logs', 'settings'], async (tx) => {
			await logStore.append(tx, entry('one'));
			await settingStore.write(tx, 'enabled', true);
			return 42;
		});
		expect(value).toBe(42);
		expect((await logStore.all(db)).map((e) => e.detail)).toEqual(['one']);
		expect(await settingStore.read(db, 'enabled')).toBe(true);
	});

	test('a body that throws part-way leaves nothing written, and its error reaches the caller unchanged', async () => {
		await open();
		const refusal = new Error('No group has this id.');
		await expect(
			withWriteTransaction(db, ['logs', 'settings'], async (tx) => {
				await logStore.append(tx, entry('half'));
				await settingStore.write(tx, 'enabled', true);
				throw refusal;
			})
		).rejects.toBe(refusal);
		expect(await logStore.all(db)).toEqual([]);
		expect(await settingStore.read(db, 'enabled')).toBe(false);
	});

	test('with a failure description, any other error becomes its sentence, with the error as cause', async () => {
		await open();
		const cause = new Error('disk on fire');
		const error = await withWriteTransaction(
			db,
			['logs'],
			async (tx) => {
				await logStore.append(tx, entry('half'));
				throw cause;
			},
			failure
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe('The test write could not be stored.');
		expect((error as Error).cause).toBe(cause);
		expect(await logStore.all(db)).toEqual([]);
	});

	test('a QuotaExceededError (even wrapped) gives the storage-full sentence followed by what was not stored', async () => {
		await open();
		const quota = new Error('wrapped', { cause: new DOMException('full', 'QuotaExceededError') });
		await expect(
			withWriteTransaction(
				db,
				['logs'],
				() => Promise.reject(quota),
				failure
			)
		).rejects.toThrow(`${STORAGE_FULL} Nothing was written.`);
	});

	test('passThrough keeps the body’s own sentences', async () => {
		await open();
		class Refusal extends Error {}
		const refusal = new Refusal('Fingerprint already taken.');
		await expect(
			withWriteTransaction(
				db,
				['logs'],
				() => Promise.reject(refusal),
				{ ...failure, passThrough: (e) => e instanceof Refusal }
			)
		).rejects.toBe(refusal);
	});

	test('abandon ends the transaction without writing, and the body’s value is returned', async () => {
		await open();
		const value = await withWriteTransaction(db, ['logs'], async (tx, control) => {
			await logStore.append(tx, entry('dropped'));
			await control.abandon();
			return 'abandoned';
		});
		expect(value).toBe('abandoned');
		expect(await logStore.all(db)).toEqual([]);
	});
});
