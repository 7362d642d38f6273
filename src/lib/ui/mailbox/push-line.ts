/**
 * The admin page's sentence for an account's push (RFC 8620 §7.3 event source): whether new
 * mail comes the moment the server announces it, or only by the page's 30-second poll.
 */
import type { MailAccountInfo } from '$lib/desk/mailbox-accounts';

/** What the Accounts list says of push, or null while the desk does not watch the account yet. */
export function pushSentence(push: MailAccountInfo['push']): string | null {
	if (push === null) return null;
	const poll = 'New mail still arrives by the poll every 30 seconds.';
	switch (push.state) {
		case 'open':
			return 'Push is on: new mail is synced as soon as the server announces it.';
		case 'connecting':
			return push.reason ? `Push is down, reconnecting (${push.reason}). ${poll}` : 'Push is connecting.';
		case 'down':
			return `Push is down, retried with a growing delay (${push.reason || 'no reason given'}). ${poll}`;
		case 'none':
			return `The server offers no push. ${poll}`;
	}
}
