/** The admin page's words for where an account's sync stands. */
import type { MailAccountInfo } from '$lib/desk/mailbox-accounts';

/** "up to date", "not up to date, the last sync failed", or the first sync's progress. */
export function syncStateSentence(sync: MailAccountInfo['sync']): string {
	if (!sync.initialDone) return `first sync, ${String(sync.stored)} of ${sync.total === null ? '?' : String(sync.total)} stored`;
	return sync.lastSync?.status === 'failed' ? 'not up to date, the last sync failed' : 'up to date';
}
