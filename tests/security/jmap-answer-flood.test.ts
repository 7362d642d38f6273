/**
 * Attack: a hostile or broken JMAP server answers without end (a JSON body that never closes) or
 * declares a body of gigabytes, to grow the desk's memory until the tab dies. An API answer is
 * read up to 16 MB and a download up to the size asked for; a declared Content-Length over that
 * is refused before a byte is read, and a stream is cancelled where it passes it.
 */
import { describe, expect, it } from 'vitest';
import { JmapClient, MAX_JSON_BYTES, type FetchLike } from '../../src/lib/mailbox';
import { SESSION } from '../mailbox/fake-session';

/** A body that gives 64 KB chunks without end; counts what was pulled and whether it was cancelled. */
function endless(fill: number): { body: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
	let pulled = 0;
	let cancelled = false;
	const chunk = new Uint8Array(65_536).fill(fill);
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			pulled += chunk.length;
			controller.enqueue(chunk.slice());
		},
		cancel() {
			cancelled = true;
		}
	});
	return { body, pulled: () => pulled, cancelled: () => cancelled };
}

async function clientAnswering(api: () => Response, download: () => Response): Promise<JmapClient> {
	const fetchFn: FetchLike = (url, init) => {
		if (url === 'https://desk.example/jmap') return Promise.resolve(new Response(JSON.stringify(SESSION), { headers: { 'content-type': 'application/json' } }));
		if (url === 'https://desk.example/jmap/' && init?.method === 'POST') return Promise.resolve(api());
		return Promise.resolve(download());
	};
	return JmapClient.connect({ sessionUrl: '/jmap', base: 'https://desk.example/', username: 'bob', password: 'pw', fetch: fetchFn });
}

describe('answers without end', () => {
	it('an API answer that never ends is read to 16 MB and cancelled there', async () => {
		const flood = endless(0x5b); // '['
		const client = await clientAnswering(
			() => new Response(flood.body, { headers: { 'content-type': 'application/json' } }),
			() => new Response('', { status: 404 })
		);
		await expect(client.mailboxes()).rejects.toMatchObject({ code: 'protocol', detail: 'An answer over 16 MB from https://desk.example/jmap/' });
		expect(flood.cancelled()).toBe(true);
		expect(flood.pulled()).toBeLessThanOrEqual(MAX_JSON_BYTES + 3 * 65_536);
	});

	it('an API answer declared over 16 MB is refused before a byte is read', async () => {
		const flood = endless(0x5b);
		const client = await clientAnswering(
			() => new Response(flood.body, { headers: { 'content-type': 'application/json', 'content-length': String(MAX_JSON_BYTES + 1) } }),
			() => new Response('', { status: 404 })
		);
		await expect(client.mailboxes()).rejects.toMatchObject({ code: 'protocol' });
		expect(flood.cancelled()).toBe(true);
		// The stream's own first pull (a ReadableStream fills its queue once) is all it gave.
		expect(flood.pulled()).toBeLessThanOrEqual(65_536);
	});

	it('a download is read to the size asked for and cancelled there, with or without a declared length', async () => {
		for (const declared of [null, 10_000_000_000]) {
			const flood = endless(0x41);
			const client = await clientAnswering(
				() => new Response('{}', { headers: { 'content-type': 'application/json' } }),
				() => new Response(flood.body, { headers: declared === null ? {} : { 'content-length': String(declared) } })
			);
			await expect(client.download('B1', { maxBytes: 1_000_000 })).rejects.toMatchObject({ code: 'too-large', message: 'The message on the mail server is larger than Sealdesk reads.' });
			expect(flood.cancelled()).toBe(true);
			expect(flood.pulled()).toBeLessThanOrEqual(declared === null ? 1_000_000 + 3 * 65_536 : 65_536);
		}
	});

	it('a download within the size is read whole, byte for byte, whether its length is declared, wrong or absent', async () => {
		const data = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
		for (const length of [String(data.length), null, String(data.length - 1000), String(data.length + 1000)]) {
			const client = await clientAnswering(
				() => new Response('{}', { headers: { 'content-type': 'application/json' } }),
				() => {
					// Chunks of 50,000 bytes, so that a wrong length is noticed mid-stream.
					const body = new ReadableStream<Uint8Array>({
						start(controller) {
							for (let i = 0; i < data.length; i += 50_000) controller.enqueue(data.slice(i, i + 50_000));
							controller.close();
						}
					});
					return new Response(body, { headers: length === null ? {} : { 'content-length': length } });
				}
			);
			expect(Buffer.from(await client.download('B1', { maxBytes: 1_000_000 })).equals(Buffer.from(data))).toBe(true);
		}
	});
});
