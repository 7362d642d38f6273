/**
 * Transactions: the typed handle repositories take, and the one helper every readwrite user
 * action goes through, which owns committing, aborting on failure and the user-facing
 * sentence (the storage-full one included).
 */
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { SealdeskDB } from './schema';
import type { SealdeskDatabase } from './db';
import { writeFailureMessage } from './errors';

/** A store's name. */
export type StoreName = StoreNames<SealdeskDB>;

/**
 * A transaction over at least the stores `S`, in mode `M`. Repository operations take this, so
 * a transaction over more stores can be passed to each of them, and TypeScript refuses one
 * that lacks a store the operation reads, or a read-only one where it writes.
 */
export interface Tx<S extends StoreName, M extends IDBTransactionMode = IDBTransactionMode> {
	/** The transaction's store of this name. */
	objectStore<N extends S>(name: N): IDBPObjectStore<SealdeskDB, ArrayLike<StoreName>, N, M>;
}

/** A readwrite transaction over at least the stores `S`. */
export type WriteTx<S extends StoreName> = Tx<S, 'readwrite'>;

/**
 * Aborts a transaction that may already have finished or been aborted by its failing
 * request, and waits for it to end.
 * @returns the error the transaction ended with, or null when it had committed. Never throws.
 */
export async function abortAndSettle(tx: { abort(): void; done: Promise<void> }): Promise<unknown> {
	try {
		tx.abort();
	} catch {
		// Already finished or aborted by the failing request.
	}
	return tx.done.then(
		() => null,
		(error: unknown) => error
	);
}

/** How a failed write is told to the user. */
export interface WriteFailure {
	/** Follows the storage-full sentence when the quota is exhausted, e.g. "The mail was not stored." */
	notStored: string;
	/** The sentence for any other failure, e.g. "The message could not be stored." */
	otherwise: string;
	/** Errors the body throws that reach the caller unchanged (sentences of its own, such as a refusal). */
	passThrough?: (error: unknown) => boolean;
}

/** What the body of {@link withWriteTransaction} may do besides writing. */
export interface WriteControl {
	/**
	 * Ends the transaction without writing anything (e.g. a check inside it found that another
	 * tab changed what the caller prepared): the body then returns, and nothing is committed.
	 */
	abandon(): Promise<void>;
}

/** Reads the stores `S` in one read-only transaction. */
export function readTransaction<const S extends StoreName>(db: SealdeskDatabase, stores: S[]): Tx<S, 'readonly'> {
	return db.transaction(stores, 'readonly');
}

/**
 * Runs `body` in one readwrite transaction over `stores` and waits for it to commit. When the
 * body throws or the commit fails, the transaction is aborted, so nothing it wrote stays.
 * @param failure - how a failure is reported: without it, the body's error (or the commit's)
 *   is rethrown as it is; with it, as an Error with the storage-full sentence followed by
 *   `notStored` when the quota is exhausted, else `otherwise`, and the error as its `cause`
 * @returns what the body returned
 * @throws as `failure` says; a body error that `failure.passThrough` accepts is rethrown unchanged
 */
export async function withWriteTransaction<const S extends StoreName, T>(
	db: SealdeskDatabase,
	stores: S[],
	body: (tx: WriteTx<S>, control: WriteControl) => Promise<T>,
	failure?: WriteFailure
): Promise<T> {
	const tx = db.transaction(stores, 'readwrite');
	const state = { abandoned: false };
	const control: WriteControl = {
		abandon: async () => {
			state.abandoned = true;
			await abortAndSettle(tx);
		}
	};
	try {
		const result = await body(tx, control);
		if (!state.abandoned) await tx.done;
		return result;
	} catch (cause) {
		const aborted = await abortAndSettle(tx);
		if (!failure || failure.passThrough?.(cause)) throw cause;
		throw new Error(writeFailureMessage([cause, aborted], failure.notStored, failure.otherwise), { cause });
	}
}
