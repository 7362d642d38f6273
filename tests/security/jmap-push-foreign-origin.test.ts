/**
 * Attack: the event-source URL points at another origin, to collect the Authorization header the
 * push reader sends (issue 18: no request may leave the app's origin). The session check refuses
 * such a session (jmap-session-foreign-urls.test.ts); the push reader refuses it again on its own,
 * before any request.
 */
import { describe, expect, it } from 'vitest';
import { readEventSource, type FetchLike } from '../../src/lib/mailbox';

describe('an event source on another origin', () => {
	for (const url of ['https://evil.example/events', 'http://desk.example/jmap/eventsource/', 'https://desk.example:8443/jmap/eventsource/']) {
		it(`is refused without a request: ${url}`, async () => {
			const requested: string[] = [];
			const fetchFn: FetchLike = (u) => {
				requested.push(u);
				return Promise.resolve(new Response('', { headers: { 'content-type': 'text/event-stream' } }));
			};
			const reading = readEventSource({ url, sessionUrl: 'https://desk.example/jmap', authorization: 'Basic x', fetch: fetchFn, types: ['Email'], signal: new AbortController().signal, onChange: () => undefined });
			await expect(reading).rejects.toMatchObject({ code: 'not-jmap' });
			expect(requested).toEqual([]);
		});
	}

	it('is read on the session origin, with the Authorization header and no cookies', async () => {
		const requests: { url: string; init: RequestInit | undefined }[] = [];
		const fetchFn: FetchLike = (u, init) => {
			requests.push({ url: u, init });
			return Promise.resolve(new Response('', { headers: { 'content-type': 'text/event-stream' } }));
		};
		await readEventSource({ url: 'https://desk.example/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}', sessionUrl: 'https://desk.example/jmap', authorization: 'Basic x', fetch: fetchFn, types: ['Email', 'Mailbox'], signal: new AbortController().signal, onChange: () => undefined });
		expect(requests).toHaveLength(1);
		expect(requests[0]?.url).toBe('https://desk.example/jmap/eventsource/?types=Email%2CMailbox&closeafter=no&ping=30');
		expect(requests[0]?.init).toMatchObject({ credentials: 'omit', headers: { authorization: 'Basic x', accept: 'text/event-stream' } });
	});
});
