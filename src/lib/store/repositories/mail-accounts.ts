/**
 * The 'mailAccounts' store (records: {@link MailAccountRecord}).
 */
import type { MailAccountRecord } from '../records';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** The account with this id, or undefined. */
export function byId(source: Source<'mailAccounts'>, id: string): Promise<MailAccountRecord | undefined> {
	return onStore(source, 'mailAccounts', 'readonly', (s) => s.get(id));
}

/** Every connected account, by id. */
export function all(source: Source<'mailAccounts'>): Promise<MailAccountRecord[]> {
	return onStore(source, 'mailAccounts', 'readonly', (s) => s.getAll());
}

/** The ids of every connected account, sorted (reads no record). */
export function ids(source: Source<'mailAccounts'>): Promise<string[]> {
	return onStore(source, 'mailAccounts', 'readonly', (s) => s.getAllKeys());
}

/** Stores an account, new or replacing the one with its id. */
export async function save(tx: WriteTx<'mailAccounts'>, record: MailAccountRecord): Promise<void> {
	await tx.objectStore('mailAccounts').put(record);
}

/** Deletes an account (nothing when none has this id). */
export async function remove(tx: WriteTx<'mailAccounts'>, id: string): Promise<void> {
	await tx.objectStore('mailAccounts').delete(id);
}
