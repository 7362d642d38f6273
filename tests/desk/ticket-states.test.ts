/**
 * Issue 19: ticket states (open, pending, closed; a customer's mail reopens), local search over
 * subject, customer and readable text, and the list paged from the indexes.
 */
import { describe, expect, test } from 'vitest';
import type { Desk } from '../../src/lib/desk/desk';
import { wordsOf, withWords, MAX_WORDS } from '../../src/lib/store/search-words';
import { cms, content, encryptTo, loadPki, withHeaders } from '../smime/mail';
import { freshDesk } from './receive-helpers';

const clock = Date.parse('2026-03-01T00:00:00Z');

function plain(subject: string, body: string, o: { from?: string; id?: string; inReplyTo?: string } = {}): string {
	return [
		`From: ${o.from ?? 'Alice <alice@sealdesk.test>'}`,
		'To: bob@sealdesk.test',
		`Subject: ${subject}`,
		`Message-ID: <${o.id ?? `${subject.replace(/\W/g, '')}.${String(clock)}@customer.test`}>`,
		...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
		'',
		body,
		''
	].join('\r\n');
}

async function desk(): Promise<Desk> {
	return (await freshDesk({ enabled: true, now: new Date(clock) })).desk;
}

describe('ticket states', () => {
	test('a new ticket is open; the agent sets pending or closed; a customer reply reopens it; the agent\'s own reply does not', async () => {
		const { desk: d } = await freshDesk({ enabled: true });
		const first = await d.receive(plain('Printer', 'It is broken.', { id: 'p1@customer.test' }));
		expect((await d.getTicket(first.ticketId))?.state).toBe('open');
		expect((await d.setTicketState(first.ticketId, 'pending')).state).toBe('pending');
		expect((await d.queryTickets({ state: 'pending' })).rows.map((r) => r.id)).toEqual([first.ticketId]);
		expect((await d.queryTickets({ state: 'open' })).total).toBe(0);
		// The agent answers: still pending.
		await d.compose({ from: 'bob@sealdesk.test', to: ['alice@sealdesk.test'], subject: 'Re: Printer', text: 'Try this.', sign: false, encrypt: false, ticketId: first.ticketId });
		expect((await d.getTicket(first.ticketId))?.state).toBe('pending');
		await d.setTicketState(first.ticketId, 'closed');
		expect((await d.queryTickets({ state: 'closed' })).counts).toEqual({ open: 0, pending: 0, closed: 1 });
		// The customer writes again: open.
		await d.receive(plain('Re: Printer', 'Still broken.', { inReplyTo: 'p1@customer.test' }));
		const ticket = await d.getTicket(first.ticketId);
		expect(ticket?.state).toBe('open');
		expect(ticket?.articleCount).toBe(3);
		expect((await d.queryTickets()).rows.map((r) => r.id)).toEqual([first.ticketId]);
	});

	test('refusals: an unknown state, a missing ticket, unknown query options, bad paging', async () => {
		const d = await desk();
		const a = await d.receive(plain('One', 'x'));
		await expect(d.setTicketState(a.ticketId, 'archived' as 'open')).rejects.toThrow('Unknown ticket state "archived".');
		await expect(d.setTicketState(999, 'closed')).rejects.toThrow('No ticket has this id.');
		await expect(d.queryTickets({ state: 'done' as 'open' })).rejects.toThrow('Unknown ticket state "done".');
		await expect(d.queryTickets({ sort: 'x' } as never)).rejects.toThrow('Unknown ticket query option "sort".');
		await expect(d.queryTickets({ offset: -1 })).rejects.toThrow('The offset must be a whole number, 0 or more.');
		await expect(d.queryTickets({ limit: 0 })).rejects.toThrow('The limit must be a whole number from 1 to 500.');
		expect((await d.getTicket(a.ticketId))?.state).toBe('open');
	});
});

describe('search', () => {
	test('finds by subject, customer and readable text (plain and decrypted), by word prefixes, all words required, across states', async () => {
		const { desk: d } = await freshDesk({ enabled: true });
		await loadPki(d, ['bob']);
		const printer = await d.receive(plain('Printer jams', 'The paper tray is stuck.', { from: 'Carl Müller <carl@customer.test>' }));
		const secret = await d.receive(withHeaders(cms([...encryptTo('bob'), '-aes256'], content('invoice 4711 overdue')), { subject: 'Question' }));
		const withheld = await d.receive(withHeaders(cms([...encryptTo('carol'), '-aes256'], content('carol secret zebra')), { subject: 'For carol' }));
		expect(withheld.security.encryption.status).toBe('no-key');
		const ids = async (search: string): Promise<number[]> => (await d.queryTickets({ state: 'all', search })).rows.map((r) => r.id);
		expect(await ids('printer')).toEqual([printer.ticketId]);
		expect(await ids('PRINT')).toEqual([printer.ticketId]);
		expect(await ids('paper tray')).toEqual([printer.ticketId]);
		expect(await ids('paper zebra')).toEqual([]);
		expect(await ids('muller')).toEqual([printer.ticketId]);
		expect(await ids('carl@customer.test')).toEqual([printer.ticketId]);
		// Decrypted text is found; text that could not be decrypted is not known, so not found.
		expect(await ids('4711')).toEqual([secret.ticketId]);
		expect(await ids('zebra')).toEqual([]);
		expect(await ids('')).toHaveLength(3);
		// Search and state together.
		await d.setTicketState(printer.ticketId, 'closed');
		expect((await d.queryTickets({ search: 'printer' })).total).toBe(0);
		expect((await d.queryTickets({ state: 'closed', search: 'printer' })).total).toBe(1);
		// Text that becomes readable by a retry is found after it.
		await loadPki(d, ['carol'], []);
		await d.retry(withheld.id);
		expect(await ids('zebra')).toEqual([withheld.ticketId]);
	});

	test('words: lower-case, no diacritics, split at punctuation, bounded', () => {
		expect(wordsOf('Grüße, Jürgen! alice@Example.COM re: #4711')).toEqual(['gruße', 'jurgen', 'alice', 'example', 'com', 're', '4711']);
		expect(wordsOf('x'.repeat(100))[0]).toHaveLength(32);
		const many = Array.from({ length: MAX_WORDS + 50 }, (_, i) => `w${String(i)}`).join(' ');
		expect(withWords([], many)).toHaveLength(MAX_WORDS);
	});
});

describe('paging', () => {
	test('pages come newest first from the indexes, with the total and the counts of every state', async () => {
		const { desk: d } = await freshDesk({ enabled: true });
		const made: number[] = [];
		for (let i = 0; i < 23; i++) {
			made.push((await d.receive(plain(`Ticket ${String(i)}`, `body ${String(i)}`, { id: `t${String(i)}@customer.test` }))).ticketId);
		}
		for (const id of made.slice(0, 5)) await d.setTicketState(id, 'pending');
		const newestFirst = [...made].reverse();
		const all: number[] = [];
		for (let offset = 0; ; offset += 10) {
			const page = await d.queryTickets({ state: 'all', offset, limit: 10 });
			expect(page.total).toBe(23);
			expect(page.counts).toEqual({ open: 18, pending: 5, closed: 0 });
			if (page.rows.length === 0) break;
			all.push(...page.rows.map((r) => r.id));
		}
		expect(all).toEqual(newestFirst);
		const open = await d.queryTickets({ offset: 15, limit: 10 });
		expect(open.total).toBe(18);
		expect(open.rows.map((r) => r.id)).toEqual(newestFirst.filter((id) => !made.slice(0, 5).includes(id)).slice(15));
		// The rows carry what the list shows.
		expect(open.rows[0]).toMatchObject({ state: 'open', verdict: { sign: 'none', encryption: 'none', unchecked: false }, articleCount: 1 });
	});
});
