/**
 * Attack: the event source gives an event id the reader would send back as Last-Event-ID when it
 * reopens: 64 KB long (a request header servers and proxies refuse), or with characters fetch
 * refuses in a header. Sent back, either would keep push from ever reopening. Such an id is not
 * sent; an ordinary one is, as the HTML standard's reconnection asks.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LAST_EVENT_ID, readEventSource, sendableEventId, type FetchLike } from '../../src/lib/mailbox';

/** Reads one stream that gives `body`, then a second with the id the first left; returns the second's header. */
async function reopenedWith(body: string): Promise<{ seen: string[]; sent: string | null }> {
	const seen: string[] = [];
	const headers: (string | null)[] = [];
	const fetchFn: FetchLike = (_u, init) => {
		headers.push(new Headers(init?.headers).get('last-event-id'));
		return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
	};
	const options = { url: 'https://desk.example/jmap/eventsource/', sessionUrl: 'https://desk.example/jmap', authorization: 'Basic x', fetch: fetchFn, types: ['Email'], signal: new AbortController().signal, onChange: () => undefined };
	let last = '';
	await readEventSource({ ...options, onEventId: (id) => (last = id) });
	seen.push(last);
	await readEventSource({ ...options, lastEventId: last });
	return { seen, sent: headers[1] ?? null };
}

describe('Last-Event-ID from a hostile event source', () => {
	it('an ordinary id is sent back when the stream reopens', async () => {
		expect(await reopenedWith('id: 42-a\nevent: ping\ndata: {}\n\n')).toEqual({ seen: ['42-a'], sent: '42-a' });
	});

	it(`an id over ${String(MAX_LAST_EVENT_ID)} characters is not`, async () => {
		const id = 'x'.repeat(60_000);
		expect(await reopenedWith(`id: ${id}\ndata: {}\n\n`)).toEqual({ seen: [id], sent: null });
		expect(sendableEventId('x'.repeat(MAX_LAST_EVENT_ID))).toBe(true);
		expect(sendableEventId('x'.repeat(MAX_LAST_EVENT_ID + 1))).toBe(false);
	});

	for (const [what, id] of [
		['a character beyond Latin-1 (fetch throws on it)', 'state€1'],
		['a Latin-1 letter', 'état'],
		['a tab', 'a\tb'],
		['DEL', 'a\u007fb']
	] as const) {
		it(`an id with ${what} is not`, async () => {
			expect(await reopenedWith(`id: ${id}\ndata: {}\n\n`)).toEqual({ seen: [id], sent: null });
		});
	}

	it('an id is kept through a reopened stream whose events set none (its pings), as a browser keeps it', async () => {
		const headers: (string | null)[] = [];
		const bodies = ['id: 42\nevent: state\ndata: {}\n\n', 'event: ping\ndata: {"interval":30}\n\n', ''];
		const fetchFn: FetchLike = (_u, init) => {
			headers.push(new Headers(init?.headers).get('last-event-id'));
			return Promise.resolve(new Response(bodies[headers.length - 1] ?? '', { headers: { 'content-type': 'text/event-stream' } }));
		};
		let last = '';
		for (let i = 0; i < 3; i++) {
			await readEventSource({ url: 'https://desk.example/jmap/eventsource/', sessionUrl: 'https://desk.example/jmap', authorization: 'Basic x', fetch: fetchFn, types: ['Email'], signal: new AbortController().signal, onChange: () => undefined, lastEventId: last, onEventId: (id) => (last = id) });
		}
		expect(headers).toEqual([null, '42', '42']);
	});

	it('an id reset by an empty id: field is not sent either', async () => {
		expect(await reopenedWith('id: 7\ndata: {}\n\nid\ndata: {}\n\n')).toEqual({ seen: [''], sent: null });
	});
});
