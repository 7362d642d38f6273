/**
 * Failures mid-way (issue 9): a throw in the middle of an import, a QuotaExceededError while
 * storing a large mail, and a receive whose transaction is aborted as if the tab closed. Each
 * leaves every store exactly as it was, and the desk says what happened in a sentence the UI
 * shows as it is.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, expect, test } from 'vitest';
import { openDesk, type Desk } from '../../src/lib/desk/desk';
import { PKI } from '../smime/helpers';
import { content, withHeaders } from '../smime/mail';
import { storeSnapshot } from './snapshot';

const NOW = new Date('2026-11-29T12:00:00Z');
const pem = (n: string): string => readFileSync(join(PKI, n), 'utf8');

type Add = IDBObjectStore['add'];
const originalAdd: Add = IDBObjectStore.prototype.add; // eslint-disable-line @typescript-eslint/unbound-method
afterEach(() => {
	IDBObjectStore.prototype.add = originalAdd;
});

/** Makes add() on one store misbehave once. */
function sabotage(storeName: string, act: (store: IDBObjectStore) => never): void {
	let armed = true;
	IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<Add>): IDBRequest<IDBValidKey> {
		if (armed && this.name === storeName) {
			armed = false;
			act(this);
		}
		return originalAdd.apply(this, args);
	};
}

/** A desk with some of everything in it: certificates, a key, a ticket with an article, logs. */
async function populated(onImportWrite?: (i: number) => void): Promise<Desk> {
	const desk = await openDesk({ indexedDB: new IDBFactory(), name: 'faults', now: () => NOW });
	if (onImportWrite) desk.context.onImportWrite = onImportWrite;
	await desk.setEnabled(true);
	await desk.importFile({ name: 'root-ca.pem', data: pem('root-ca.pem') });
	await desk.importFile({ name: 'bob.pem', data: pem('bob.pem') + pem('bob.key') });
	await desk.receive(withHeaders(content('before')));
	return desk;
}

/** Nothing stored but the refusal's log entry (issue 19: refused admin actions are in Recent Logs, with their sentence). */
async function expectOnlyRefusalLogged(desk: Desk, before: Awaited<ReturnType<typeof storeSnapshot>>, detail: string): Promise<void> {
	const after = await storeSnapshot(desk);
	expect({ ...after, logs: undefined }).toEqual({ ...before, logs: undefined });
	expect(after.logs).toHaveLength((before.logs ?? []).length + 1);
	expect(after.logs?.at(-1)).toMatchObject({ value: { direction: 'admin', operation: 'import', status: 'failed', detail } });
}

test('a throw in the middle of an import (second of three writes): nothing stored, a sentence', async () => {
	let fail = false;
	const desk = await populated((i) => {
		if (fail && i === 1) throw new Error('simulated fault');
	});
	const before = await storeSnapshot(desk);
	fail = true;
	const importing = desk.importFile({ name: 'alice.pem', data: pem('inter-ca.pem') + pem('alice.pem') + pem('alice.key') });
	await expect(importing).rejects.toThrow('"alice.pem" could not be stored.');
	await expectOnlyRefusalLogged(desk, before, '"alice.pem": "alice.pem" could not be stored.');
	fail = false;
	// The same file imports whole afterwards: nothing half-written was left to collide with.
	const summary = await desk.importFile({ name: 'alice.pem', data: pem('inter-ca.pem') + pem('alice.pem') + pem('alice.key') });
	expect(summary.certificates).toHaveLength(2);
	expect(summary.privateKeys).toHaveLength(1);
});

test('a QuotaExceededError while storing a large mail: nothing stored, "The browser\'s storage is full. The mail was not stored."', async () => {
	const desk = await populated();
	const before = await storeSnapshot(desk);
	sabotage('articles', () => {
		throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
	});
	const large = withHeaders(`Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(3 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n')}`);
	await expect(desk.receive(large)).rejects.toThrow("The browser's storage is full. The mail was not stored.");
	expect(await storeSnapshot(desk)).toEqual(before);
});

test('a QuotaExceededError while storing a sent message: no article, "The browser\'s storage is full. The sent message was not stored."', async () => {
	const desk = await populated();
	const before = await storeSnapshot(desk);
	sabotage('articles', () => {
		throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
	});
	const data = new Uint8Array(3 * 1024 * 1024).fill(7);
	await expect(desk.compose({ from: 'bob@sealdesk.test', to: ['carol@sealdesk.test'], subject: 'Big', text: 'Attached', attachments: [{ filename: 'big.bin', data }], sign: true, encrypt: false })).rejects.toMatchObject({
		code: 'failed',
		message: "The browser's storage is full. The sent message was not stored."
	});
	// Only the failure's log entry is new.
	const after = await storeSnapshot(desk);
	expect({ ...after, logs: undefined }).toEqual({ ...before, logs: undefined });
	expect(after.logs).toHaveLength((before.logs ?? []).length + 1);
	expect(after.logs?.at(-1)).toMatchObject({ value: { direction: 'out', status: 'failed' } });
});

test('a QuotaExceededError during an import: nothing stored, the storage-full sentence', async () => {
	const desk = await populated();
	const before = await storeSnapshot(desk);
	sabotage('keys', () => {
		throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
	});
	await expect(desk.importFile({ name: 'alice.pem', data: pem('alice.pem') + pem('alice.key') })).rejects.toThrow("The browser's storage is full. Nothing was imported.");
	await expectOnlyRefusalLogged(desk, before, `"alice.pem": The browser's storage is full. Nothing was imported.`);
});

test('the tab closing in the middle of a receive (its transaction aborted after the article was written): nothing stored', async () => {
	const desk = await populated();
	const before = await storeSnapshot(desk);
	// The article and the ticket are written; the transaction dies before the log entry.
	sabotage('logs', (store) => {
		store.transaction.abort();
		throw new DOMException('The transaction was aborted.', 'AbortError');
	});
	await expect(desk.receive(withHeaders(content('cut off')))).rejects.toThrow('The message could not be stored.');
	expect(await storeSnapshot(desk)).toEqual(before);
	// The next receive works and threads as usual.
	const a = await desk.receive(withHeaders(content('after')));
	expect(a.text).toContain('after');
});
