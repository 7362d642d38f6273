/**
 * The 'logs' store (records: {@link LogEntry}): append-only, auto-increment ids in write order.
 */
import type { LogEntry } from '../records';
import { onStore, type Source } from './source';

/** Every log entry, oldest first. */
export function all(source: Source<'logs'>): Promise<LogEntry[]> {
	return onStore(source, 'logs', 'readonly', (s) => s.getAll());
}

/** Appends an entry (without an id: it gets the next one). */
export async function append(source: Source<'logs', 'readwrite'>, entry: LogEntry): Promise<void> {
	await onStore(source, 'logs', 'readwrite', (s) => s.add(entry));
}
