/**
 * Retry of a sent article's delivery on the ticket page: the note says the whole delivery
 * sentence, and goes once the delivery has moved on (queued, then sent when back online), so
 * the page never shows "still queued" beside "delivered".
 */
import { expect, test, vi } from 'vitest';
import type { Delivery } from '../../src/lib/desk/mailbox-outbox';

let deliveries: Delivery[] = [];
const queued: Delivery = { articleId: 7, state: 'queued', step: 'queued', attempts: 1, reason: 'The mail server could not be reached. Check the session URL and the network.' };

vi.mock('$lib/ui/desk-client', () => ({
	desk: {
		getTicket: () => Promise.resolve({ id: 3, subject: 'Question', articles: [] }),
		isEnabled: () => Promise.resolve(true),
		deliveries: () => Promise.resolve(deliveries),
		retryDelivery: () => Promise.resolve(queued)
	},
	deskChanges: () => () => undefined
}));

const { TicketView } = await import('../../src/lib/ui/tickets/ticket-view.svelte');

test('a delivery retry says the sentence, and its note goes once the delivery is sent', async () => {
	const view = new TicketView('3');
	deliveries = [queued];
	await view.load();
	await view.retryDelivery(7);
	expect(view.note).toEqual({
		articleId: 7,
		message: 'Retried: Queued in the outbox: it is sent when the mail server can be reached. Last try: The mail server could not be reached. Check the session URL and the network.',
		delivery: 'queued'
	});
	// Still queued at the next load: the note stays.
	await view.load();
	expect(view.note?.delivery).toBe('queued');
	// Sent by the outbox when back online: the note goes.
	deliveries = [{ articleId: 7, state: 'sent', step: 'submitted', attempts: 2 }];
	await view.load();
	expect(view.note).toBeNull();
});
