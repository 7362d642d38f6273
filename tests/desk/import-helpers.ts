import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { openDesk, type Desk } from '../../src/lib/desk/desk';

/** The repository's tests/fixtures folder. */
export const FIXTURES = new URL('../fixtures/', import.meta.url);
/** The shared vectors (../shared/vectors from the repository root). */
export const VECTORS = new URL('../../../shared/vectors/', import.meta.url);

export function fixture(path: string): Uint8Array {
	return new Uint8Array(readFileSync(new URL(path, FIXTURES)));
}

export function vector(path: string): Uint8Array {
	return new Uint8Array(readFileSync(new URL(path, VECTORS)));
}

/** A fresh desk on its own fake IndexedDB, S/MIME enabled unless told otherwise. */
export async function freshDesk(enabled = true, onImportWrite?: (i: number) => void): Promise<{ desk: Desk; factory: IDBFactory }> {
	const factory = new IDBFactory();
	const desk = await openDesk({ indexedDB: factory, name: 'test' });
	if (onImportWrite) desk.context.onImportWrite = onImportWrite;
	if (enabled) await desk.setEnabled(true);
	return { desk, factory };
}

/** A snapshot of everything an import may change. */
export async function snapshot(desk: Desk): Promise<string> {
	const certs = await desk.listCertificates();
	const logs = await desk.logs();
	const status = await desk.vaultStatus();
	return JSON.stringify({ certs, logs: logs.length, status });
}
