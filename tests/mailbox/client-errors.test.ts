// Error mapping of the JMAP client, with a fake fetch: every way a server can fail gets its
// code and sentence, and method errors keep their JMAP type.
import { describe, expect, it } from 'vitest';
import { JmapClient, JmapMethodError, MailboxError, type FetchLike } from '../../src/lib/mailbox';
import { SESSION } from './fake-session';

function json(body: unknown, status = 200): Response {
	return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fake server: the session at /jmap, and `api` answering POSTs to /jmap/. */
function fakeServer(api: (body: { methodCalls: [string, Record<string, unknown>, string][] }) => Response, session: unknown = SESSION): { fetch: FetchLike; seen: { url: string; init?: RequestInit }[] } {
	const seen: { url: string; init?: RequestInit }[] = [];
	const fetchFn: FetchLike = (url, init) => {
		seen.push({ url, ...(init ? { init } : {}) });
		if (url === 'https://desk.example/jmap') return Promise.resolve(json(session));
		if (url === 'https://desk.example/jmap/' && init?.method === 'POST') return Promise.resolve(api(JSON.parse(init.body as string) as never));
		return Promise.resolve(new Response('not found', { status: 404, headers: { 'content-type': 'text/html' } }));
	};
	return { fetch: fetchFn, seen };
}

const connect = (fetchFn: FetchLike, password = 'secret', username = 'bob'): Promise<JmapClient> =>
	JmapClient.connect({ sessionUrl: '/jmap', base: 'https://desk.example/admin/mailbox', username, password, fetch: fetchFn });

describe('JMAP client errors', () => {
	it('resolves a relative session URL against the base and the session URLs against the session', async () => {
		const { fetch, seen } = fakeServer(() => json({ methodResponses: [] }));
		const client = await connect(fetch);
		expect(seen[0]?.url).toBe('https://desk.example/jmap');
		expect(client.session.apiUrl).toBe('https://desk.example/jmap/');
		expect(client.session.uploadUrl).toBe('https://desk.example/jmap/upload/{accountId}/');
	});

	it('sends Basic for a user name and Bearer for a token alone', async () => {
		const basic = fakeServer(() => json({}));
		await connect(basic.fetch, 'pässword');
		expect(new Headers(basic.seen[0]?.init?.headers).get('authorization')).toBe(`Basic ${Buffer.from('bob:pässword').toString('base64')}`);
		// No cookies, and no browser login prompt on a 401.
		expect(basic.seen[0]?.init?.credentials).toBe('omit');
		const bearer = fakeServer(() => json({}));
		await connect(bearer.fetch, 'tok3n', '');
		expect(new Headers(bearer.seen[0]?.init?.headers).get('authorization')).toBe('Bearer tok3n');
	});

	it('unreachable: fetch rejects', async () => {
		const failing: FetchLike = () => Promise.reject(new TypeError('fetch failed'));
		await expect(connect(failing)).rejects.toMatchObject({ code: 'unreachable', message: 'The mail server could not be reached. Check the session URL and the network.', detail: 'fetch failed' });
	});

	it('unauthorized: 401 and 403', async () => {
		for (const status of [401, 403]) {
			const denied: FetchLike = () => Promise.resolve(new Response('', { status }));
			await expect(connect(denied)).rejects.toMatchObject({ code: 'unauthorized', message: 'The mail server refused the user name or password.' });
		}
	});

	it('not a JMAP server: HTML, a 404, JSON of another kind, no core capability', async () => {
		const answers = [
			new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } }),
			new Response('gone', { status: 404 }),
			json({ hello: 'world' }),
			json({ ...SESSION, capabilities: { 'urn:ietf:params:jmap:mail': {} } })
		];
		for (const answer of answers) {
			const fetchFn: FetchLike = () => Promise.resolve(answer);
			const error = await connect(fetchFn).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(MailboxError);
			expect(error).toMatchObject({ code: 'not-jmap', message: 'This address does not answer as a JMAP server.' });
		}
	});

	it('no mail capability, or no mail account', async () => {
		const noMail = { ...SESSION, capabilities: { 'urn:ietf:params:jmap:core': {} } };
		await expect(connect(fakeServer(() => json({}), noMail).fetch)).rejects.toMatchObject({ code: 'no-mail', message: 'This JMAP account offers no mail.' });
		const noAccount = { ...SESSION, primaryAccounts: {} };
		await expect(connect(fakeServer(() => json({}), noAccount).fetch)).rejects.toMatchObject({ code: 'no-mail' });
	});

	it('a request-level problem (RFC 8620 §3.6.1) is a request error with its type', async () => {
		const { fetch } = fakeServer(() => json({ type: 'urn:ietf:params:jmap:error:limit', limit: 'maxSizeRequest' }, 400));
		const client = await connect(fetch);
		await expect(client.mailboxes()).rejects.toMatchObject({ code: 'request', detail: 'urn:ietf:params:jmap:error:limit' });
	});

	it('a method error keeps its type: cannotCalculateChanges', async () => {
		const { fetch } = fakeServer((body) => json({ methodResponses: [['error', { type: 'cannotCalculateChanges' }, body.methodCalls[0]?.[2]]] }));
		const client = await connect(fetch);
		const error = await client.emailChanges('old').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(JmapMethodError);
		expect(error).toMatchObject({ type: 'cannotCalculateChanges', method: 'Email/changes', message: 'The mail server refused Email/changes: cannotCalculateChanges.' });
	});

	it('a submission SetError carries the server reason', async () => {
		const { fetch } = fakeServer((body) =>
			json({ methodResponses: [['EmailSubmission/set', { notCreated: { s: { type: 'forbiddenToSend', description: 'Relay denied' } } }, body.methodCalls[0]?.[2]]] })
		);
		const client = await connect(fetch);
		const submit = client.submit({ emailId: 'M1', identityId: 'bob', envelope: { mailFrom: { email: 'bob@x' }, rcptTo: [{ email: 'a@y' }] } });
		await expect(submit).rejects.toMatchObject({ type: 'forbiddenToSend', description: 'Relay denied', message: 'The mail server refused EmailSubmission/set: forbiddenToSend (Relay denied).' });
	});

	it('retries a query Cyrus 3.6 refuses now and then with invalidArguments (filter/inMailbox), but not for ever', async () => {
		let refusals = 2;
		const { fetch } = fakeServer((body) => {
			const id = body.methodCalls[0]?.[2];
			if (refusals-- > 0) return json({ methodResponses: [['error', { type: 'invalidArguments', arguments: ['filter/inMailbox'] }, id]] });
			return json({ methodResponses: [['Email/query', { ids: ['M1'], queryState: 's', position: 0, total: 1 }, id]] });
		});
		const client = await connect(fetch);
		expect((await client.queryEmails({ filter: { inMailbox: 'I1' } })).ids).toEqual(['M1']);
		refusals = 100;
		await expect(client.queryEmails({ filter: { inMailbox: 'I1' } })).rejects.toMatchObject({ type: 'invalidArguments' });
		// Any other invalidArguments is not retried.
		let calls = 0;
		const other = fakeServer((body) => {
			calls++;
			return json({ methodResponses: [['error', { type: 'invalidArguments', arguments: ['sort'] }, body.methodCalls[0]?.[2]]] });
		});
		await expect((await connect(other.fetch)).queryEmails({})).rejects.toMatchObject({ type: 'invalidArguments' });
		expect(calls).toBe(1);
	});

	it('a missing method response is a protocol error', async () => {
		const { fetch } = fakeServer(() => json({ methodResponses: [] }));
		const client = await connect(fetch);
		await expect(client.mailboxes()).rejects.toMatchObject({ code: 'protocol', message: 'The mail server sent an answer Sealdesk does not understand.' });
	});
});
