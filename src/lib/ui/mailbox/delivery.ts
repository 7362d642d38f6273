/**
 * The sentences for a sent article's delivery state (queued, sent, failed), shown on the ticket.
 */
import type { Delivery } from '$lib/desk/mailbox-outbox';

/** What the ticket says about one delivery. */
export function deliverySentence(delivery: Delivery): string {
	if (delivery.state === 'sent') return 'Delivered to the mail server and moved to Sent.';
	if (delivery.state === 'failed') return `Not sent: ${delivery.reason ?? 'the mail server refused it.'}`;
	return delivery.reason ? `Queued in the outbox: it is sent when the mail server can be reached. Last try: ${delivery.reason}` : 'Queued in the outbox.';
}
