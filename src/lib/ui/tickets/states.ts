/** The words for ticket states, the same in the list, its filter and the ticket page. */
import type { TicketState } from '$lib/desk/tickets';

/** A state in words. */
export const STATE_TEXT: Record<TicketState, string> = { open: 'Open', pending: 'Pending', closed: 'Closed' };
