/**
 * What a repository operation runs in: the caller's transaction (to combine several stores
 * atomically), or the database, for a single operation in a transaction of its own.
 */
import type { IDBPObjectStore } from 'idb';
import type { SealdeskDatabase } from '../db';
import type { SealdeskDB } from '../schema';
import type { StoreName, Tx } from '../transaction';

/** The caller's transaction over at least the store `S` in mode `M`, or the database. */
export type Source<S extends StoreName, M extends IDBTransactionMode = IDBTransactionMode> = Tx<S, M> | SealdeskDatabase;

/** A store of one of the repository's transactions. */
export type StoreOf<N extends StoreName, M extends IDBTransactionMode> = IDBPObjectStore<SealdeskDB, ArrayLike<StoreName>, N, M>;

function isTransaction<S extends StoreName, M extends IDBTransactionMode>(source: Source<S, M>): source is Tx<S, M> {
	return 'objectStore' in source;
}

/**
 * Runs `operation` on the store `name` of the caller's transaction, or of a transaction of its
 * own (then waits for that to commit).
 * @throws whatever IndexedDB throws; a caller's transaction is then aborted by its owner
 */
export async function onStore<N extends StoreName, M extends IDBTransactionMode, T>(source: Source<N, M>, name: N, mode: M, operation: (store: StoreOf<N, M>) => Promise<T>): Promise<T> {
	if (isTransaction(source)) return operation(source.objectStore(name));
	const tx = source.transaction(name, mode);
	const result = await operation(tx.objectStore(name));
	await tx.done;
	return result;
}
