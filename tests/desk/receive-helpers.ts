/** Helpers of the receive tests: a fresh desk on fake IndexedDB, and imports of fixture files. */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { openDesk, type Desk } from '../../src/lib/desk/desk';

export const PKI = new URL('../fixtures/pki/', import.meta.url).pathname;
export const ZAMMAD = new URL('../../../shared/vectors/zammad/', import.meta.url).pathname;
export const RFC9216 = new URL('../../../shared/vectors/rfc9216/', import.meta.url).pathname;

/** The date the Zammad README's expectations were written for. */
export const ZAMMAD_NOW = new Date('2026-11-29T12:00:00Z');

/** A fresh desk on its own fake IndexedDB, S/MIME on unless told otherwise. */
export async function freshDesk(o: { enabled?: boolean; now?: Date } = {}): Promise<{ desk: Desk; factory: IDBFactory }> {
	const factory = new IDBFactory();
	const now = o.now ?? ZAMMAD_NOW;
	const desk = await openDesk({ indexedDB: factory, name: 'receive', now: () => now });
	if (o.enabled !== false) await desk.setEnabled(true);
	return { desk, factory };
}

/** Imports files (paths) into the desk; Zammad keys take the passphrase 1234. */
export async function importFiles(desk: Desk, paths: string[], passphrase = '1234'): Promise<void> {
	for (const path of paths) {
		const data = new Uint8Array(readFileSync(path));
		await desk.importFile({ name: path.split('/').pop() ?? path, data, passphrase });
	}
}

export function read(path: string): Uint8Array {
	return new Uint8Array(readFileSync(path));
}
