/**
 * The tickets list during a mailbox sync: a store change arrives every few tens of milliseconds.
 * The list reloads 50 ms after the first change of a burst, then at most every 500 ms while
 * changes keep coming (a reload per change kept the page's main thread busy; a plain debounce
 * would not reload at all until the sync ended), and once more after the last change.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';

const calls = { query: 0 };
let listener: ((change: { store: string }) => void) | null = null;

vi.mock('$lib/ui/desk-client', () => ({
	desk: {
		queryTickets: () => {
			calls.query++;
			return Promise.resolve({ rows: [], total: 0, counts: { open: 0, pending: 0, closed: 0 } });
		}
	},
	deskChanges: (f: (change: { store: string }) => void) => {
		listener = f;
		return () => {
			listener = null;
		};
	}
}));

const { TicketList } = await import('../../src/lib/ui/tickets/ticket-list.svelte');

beforeEach(() => {
	vi.useFakeTimers();
	calls.query = 0;
});
afterEach(() => {
	vi.useRealTimers();
});

test('a change every 30 ms for 3 s: reloads spaced by 500 ms, none starved, one after the last change', async () => {
	const list = new TicketList();
	const stop = list.start();
	await vi.advanceTimersByTimeAsync(0);
	expect(calls.query).toBe(1); // the first load
	for (let t = 0; t < 3000; t += 30) {
		listener?.({ store: 'articles' });
		await vi.advanceTimersByTimeAsync(30);
	}
	const during = calls.query - 1;
	// 3 s of changes: one reload 50 ms in, then one every 500 ms, not 100 (one per change) and not 0.
	expect(during).toBeGreaterThanOrEqual(5);
	expect(during).toBeLessThanOrEqual(7);
	await vi.advanceTimersByTimeAsync(1000);
	expect(calls.query - 1).toBeLessThanOrEqual(during + 1);
	// The last change is read: a reload came after it, or one was already running when it arrived.
	const settled = calls.query;
	await vi.advanceTimersByTimeAsync(5000);
	expect(calls.query).toBe(settled);
	stop();
});

test('a single change reloads after 50 ms; changes to other stores do nothing; leaving cancels a waiting reload', async () => {
	const list = new TicketList();
	const stop = list.start();
	await vi.advanceTimersByTimeAsync(0);
	listener?.({ store: 'logs' });
	await vi.advanceTimersByTimeAsync(1000);
	expect(calls.query).toBe(1);
	listener?.({ store: 'tickets' });
	await vi.advanceTimersByTimeAsync(49);
	expect(calls.query).toBe(1);
	await vi.advanceTimersByTimeAsync(1);
	expect(calls.query).toBe(2);
	// Leaving the page cancels a reload still waiting.
	listener?.({ store: 'tickets' });
	stop();
	await vi.advanceTimersByTimeAsync(1000);
	expect(calls.query).toBe(2);
});
