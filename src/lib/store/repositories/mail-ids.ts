/**
 * The 'mailIds' store: which JMAP Email is stored as which article (records: {@link MailIdRecord}).
 */
import type { MailIdRecord } from '../records';
import type { WriteTx } from '../transaction';
import { onStore, type Source } from './source';

/** The mark of a JMAP Email (key: accountId + '/' + Email id), or undefined when it is not stored. */
export function byKey(source: Source<'mailIds'>, key: string): Promise<MailIdRecord | undefined> {
	return onStore(source, 'mailIds', 'readonly', (s) => s.get(key));
}

/** Marks a JMAP Email as stored. */
export async function save(tx: WriteTx<'mailIds'>, record: MailIdRecord): Promise<void> {
	await tx.objectStore('mailIds').put(record);
}
