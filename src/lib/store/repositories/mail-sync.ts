/**
 * The 'mailSync' store: where each account's sync stands (records: {@link MailSyncRecord}).
 */
import type { MailSyncRecord } from '../records';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** The sync state of an account, or undefined before its first sync. */
export function ofAccount(source: Source<'mailSync'>, accountId: string): Promise<MailSyncRecord | undefined> {
	return onStore(source, 'mailSync', 'readonly', (s) => s.get(accountId));
}

/** Stores an account's sync state. */
export async function save(source: Source<'mailSync', 'readwrite'>, record: MailSyncRecord): Promise<void> {
	await onStore(source, 'mailSync', 'readwrite', (s) => s.put(record));
}

/** Forgets an account's sync state: its next sync starts over with a query. */
export async function remove(tx: WriteTx<'mailSync'>, accountId: string): Promise<void> {
	await tx.objectStore('mailSync').delete(accountId);
}
