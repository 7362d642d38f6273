/**
 * The 'tickets' store (records: {@link TicketRecord}) and its indexes: `messageIds` for
 * threading, `updatedAt` and `stateUpdated` for the list's order, `search` for its words.
 */
import type { TicketRecord, TicketState } from '../records';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** The ticket with this id, or undefined. */
export function byId(source: Source<'tickets'>, id: number): Promise<TicketRecord | undefined> {
	return onStore(source, 'tickets', 'readonly', (s) => s.get(id));
}

/** Every ticket. */
export function all(source: Source<'tickets'>): Promise<TicketRecord[]> {
	return onStore(source, 'tickets', 'readonly', (s) => s.getAll());
}

/** The lowest id of a ticket holding this Message-ID, or undefined (reads no record). */
export function idByMessageId(source: Source<'tickets'>, messageId: string): Promise<number | undefined> {
	return onStore(source, 'tickets', 'readonly', (s) => s.index('messageIds').getKey(messageId));
}

/** The key range of one state in the `stateUpdated` index. */
function stateRange(state: TicketState): IDBKeyRange {
	return IDBKeyRange.bound([state, ''], [state, '\uffff']);
}

/**
 * The ids of the tickets in a state ('all': every ticket), by last activity, oldest first
 * (ties: the lower id first). Reads index keys only.
 */
export function idsByActivity(source: Source<'tickets'>, state: TicketState | 'all'): Promise<number[]> {
	return onStore(source, 'tickets', 'readonly', (s) => (state === 'all' ? s.index('updatedAt').getAllKeys() : s.index('stateUpdated').getAllKeys(stateRange(state))));
}

/** How many tickets are in a state. Reads index keys only. */
export function countInState(source: Source<'tickets'>, state: TicketState): Promise<number> {
	return onStore(source, 'tickets', 'readonly', (s) => s.index('stateUpdated').count(stateRange(state)));
}

/** The ids of the tickets that have a word starting with `prefix` (a word of store/search-words). Reads index keys only. */
export function idsWithWordPrefix(source: Source<'tickets'>, prefix: string): Promise<number[]> {
	return onStore(source, 'tickets', 'readonly', (s) => s.index('search').getAllKeys(IDBKeyRange.bound(prefix, `${prefix}\uffff`)));
}

/**
 * Stores a ticket, new (without an id: it gets one) or replacing the one with its id.
 * @returns the ticket's id
 */
export function save(tx: WriteTx<'tickets'>, record: TicketRecord): Promise<number> {
	return tx.objectStore('tickets').put(record);
}
