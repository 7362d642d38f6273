/**
 * The S/MIME log. receive and compose write direction 'in' and 'out'; certificate and key
 * work by the admin is written with direction 'admin' and operations such as 'import',
 * 'delete' and 'delete-key'.
 */
import type { LogEntry } from '../store/records';
import { logStore } from '../store/repositories';
import type { WriteTx } from '../store/transaction';
import type { DeskContext } from './context';
import { announce } from './context';

/** A log entry to write; `at` defaults to the desk's now(). */
export type NewLogEntry = Omit<LogEntry, 'id' | 'at'> & { at?: string };

/**
 * Appends a log entry, inside the caller's readwrite transaction (which must include 'logs')
 * or in its own one when given the context.
 * @throws Error when IndexedDB refuses the write
 */
export async function appendLog(target: DeskContext | WriteTx<'logs'>, entry: NewLogEntry, now?: Date): Promise<void> {
	if ('changes' in target) {
		const record: LogEntry = { ...entry, at: entry.at ?? target.now().toISOString() };
		await logStore.append(target.db, record);
		announce(target, ['logs']);
		return;
	}
	const record: LogEntry = { ...entry, at: entry.at ?? (now ?? new Date()).toISOString() };
	await logStore.append(target, record);
}

/** Every log entry, newest first. */
export async function listLogs(ctx: DeskContext): Promise<LogEntry[]> {
	const all = await logStore.all(ctx.db);
	return all.reverse();
}
