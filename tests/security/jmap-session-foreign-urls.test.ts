/**
 * Attack: a hostile or compromised JMAP session resource points its API, download, upload or
 * event-source URL at another origin, to collect the credentials Sealdesk sends with every
 * request (issue 18). The client refuses such a session before any request goes there.
 */
import { describe, expect, it } from 'vitest';
import { JmapClient, type FetchLike } from '../../src/lib/mailbox';

const BASE = {
	username: 'bob',
	apiUrl: '/jmap/',
	downloadUrl: '/jmap/download/{accountId}/{blobId}/{name}?accept={type}',
	uploadUrl: '/jmap/upload/{accountId}/',
	eventSourceUrl: '/jmap/eventsource/',
	state: '0',
	capabilities: { 'urn:ietf:params:jmap:core': {}, 'urn:ietf:params:jmap:mail': {} },
	accounts: { bob: { name: 'bob', isPersonal: true, isReadOnly: false } },
	primaryAccounts: { 'urn:ietf:params:jmap:mail': 'bob' }
};

describe('a session that sends the credentials elsewhere', () => {
	for (const key of ['apiUrl', 'downloadUrl', 'uploadUrl', 'eventSourceUrl'] as const) {
		for (const foreign of ['https://evil.example/collect', '//evil.example/collect', 'http://desk.example/jmap/']) {
			it(`refuses ${key} = ${foreign}`, async () => {
				const requested: string[] = [];
				const fetchFn: FetchLike = (url) => {
					requested.push(url);
					return Promise.resolve(new Response(JSON.stringify({ ...BASE, [key]: foreign }), { headers: { 'content-type': 'application/json' } }));
				};
				const connecting = JmapClient.connect({ sessionUrl: 'https://desk.example/jmap', username: 'bob', password: 'secret', fetch: fetchFn });
				await expect(connecting).rejects.toMatchObject({ code: 'not-jmap', message: 'This address does not answer as a JMAP server.' });
				expect(requested).toEqual(['https://desk.example/jmap']);
			});
		}
	}

	it('keeps a hostile blobId inside the download path (no traversal, no query injection)', async () => {
		const requested: string[] = [];
		const fetchFn: FetchLike = (url) => {
			requested.push(url);
			if (requested.length === 1) return Promise.resolve(new Response(JSON.stringify(BASE), { headers: { 'content-type': 'application/json' } }));
			return Promise.resolve(new Response('x'));
		};
		const client = await JmapClient.connect({ sessionUrl: 'https://desk.example/jmap', username: 'bob', password: 'secret', fetch: fetchFn });
		await client.download('../../admin?x=1#');
		expect(requested[1]).toBe('https://desk.example/jmap/download/bob/..%2F..%2Fadmin%3Fx%3D1%23/message.eml?accept=message%2Frfc822');
	});

	it('a session URL on another origin than the app is refused before any request, with what to enter instead', async () => {
		const requested: string[] = [];
		const fetchFn: FetchLike = (url) => {
			requested.push(url);
			return Promise.resolve(new Response(JSON.stringify(BASE), { headers: { 'content-type': 'application/json' } }));
		};
		for (const sessionUrl of ['https://mail.example.com/jmap', '//mail.example.com/jmap', 'http://desk.example/jmap']) {
			await expect(JmapClient.connect({ sessionUrl, base: 'https://desk.example/admin/mailbox', username: 'bob', password: 'secret', fetch: fetchFn })).rejects.toMatchObject({
				code: 'other-origin',
				message: "Sealdesk reaches the mail server only through this app's own address: enter a path such as /jmap, which the app's web server forwards to the mail server."
			});
		}
		expect(requested).toEqual([]);
		// The app's own origin, by path or in full, is asked.
		await JmapClient.connect({ sessionUrl: '/jmap', base: 'https://desk.example/admin/mailbox', username: 'bob', password: 'secret', fetch: fetchFn });
		await JmapClient.connect({ sessionUrl: 'https://desk.example/jmap', base: 'https://desk.example/admin/mailbox', username: 'bob', password: 'secret', fetch: fetchFn });
		expect(requested).toEqual(['https://desk.example/jmap', 'https://desk.example/jmap']);
	});
});
