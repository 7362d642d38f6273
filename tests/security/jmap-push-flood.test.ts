/**
 * Attack: a hostile JMAP server (or a proxy in its place) answers the event source with an
 * endless line, or an endless event made of many short data lines, to grow the desk's memory
 * until the tab dies. The reader keeps at most 64 KB of a line or an event: past that, it stops
 * reading, cancels the stream and fails with a protocol error (the desk then falls back to polling).
 */
import { describe, expect, it } from 'vitest';
import { MAX_SSE_EVENT, MAX_SSE_LINE, readEventSource, type FetchLike } from '../../src/lib/mailbox';

/** An endless event stream repeating `piece`, counting how many bytes the reader pulled. */
function endless(piece: string): { fetch: FetchLike; pulled: () => number; cancelled: () => boolean } {
	const bytes = new TextEncoder().encode(piece);
	let pulled = 0;
	let cancelled = false;
	const fetchFn: FetchLike = () => {
		const body = new ReadableStream<Uint8Array>(
			{
				pull(controller) {
					pulled += bytes.length;
					controller.enqueue(bytes);
				},
				cancel() {
					cancelled = true;
				}
			},
			{ highWaterMark: 0 }
		);
		return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
	};
	return { fetch: fetchFn, pulled: () => pulled, cancelled: () => cancelled };
}

async function read(server: ReturnType<typeof endless>): Promise<unknown> {
	const changes: unknown[] = [];
	return readEventSource({
		url: 'https://desk.example/jmap/eventsource/?types={types}',
		sessionUrl: 'https://desk.example/jmap',
		authorization: 'Basic Ym9iOnNlY3JldA==',
		fetch: server.fetch,
		types: ['Email'],
		signal: new AbortController().signal,
		onChange: (c) => changes.push(c)
	}).then(
		() => 'ended',
		(error: unknown) => error
	);
}

describe('an event source that never ends a line or an event', () => {
	it('refuses a line over 64 KB and stops reading', async () => {
		const server = endless('data: ' + 'A'.repeat(4090));
		const outcome = await read(server);
		expect(outcome).toMatchObject({ code: 'protocol', detail: `An event-source line is longer than ${String(MAX_SSE_LINE)} characters` });
		expect(server.cancelled()).toBe(true);
		expect(server.pulled()).toBeLessThan(MAX_SSE_LINE + 3 * 4096);
	});

	it('refuses an event over 64 KB of short data lines and stops reading', async () => {
		const server = endless('data: ' + 'B'.repeat(100) + '\n');
		const outcome = await read(server);
		expect(outcome).toMatchObject({ code: 'protocol', detail: `An event-source event is larger than ${String(MAX_SSE_EVENT)} characters` });
		expect(server.cancelled()).toBe(true);
		expect(server.pulled()).toBeLessThan(MAX_SSE_EVENT + 2 * 107);
	});

	it('keeps reading an endless stream of comments and small events (bounded, not refused)', async () => {
		const controller = new AbortController();
		const server = endless(': ping\nevent: state\ndata: {"changed":{"bob":{"Email":"s"}}}\n\n');
		let seen = 0;
		const reading = readEventSource({
			url: 'https://desk.example/jmap/eventsource/',
			sessionUrl: 'https://desk.example/jmap',
			authorization: 'x',
			fetch: server.fetch,
			types: ['Email'],
			signal: controller.signal,
			onChange: () => {
				if (++seen === 5000) controller.abort();
			}
		});
		await expect(reading).resolves.toBeUndefined();
		expect(seen).toBe(5000);
		expect(server.cancelled()).toBe(true);
	});
});
