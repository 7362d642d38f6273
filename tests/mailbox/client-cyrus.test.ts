// The JMAP client against the real Cyrus 3.6 of the run (tests/mailbox/global-setup.ts).
import { describe, expect, it } from 'vitest';
import { JmapClient, JmapMethodError, MailboxError } from '../../src/lib/mailbox';
import { connectAs, deliver, eventually, mailserver, plainMail } from './helpers';

describe('JMAP client against Cyrus', () => {
	it('discovers the session, with URLs resolved, the mail account and submission', async () => {
		const client = await connectAs('customer1');
		expect(client.accountId).toBe('customer1');
		expect(client.session.apiUrl).toBe(`${mailserver().origin}/jmap/`);
		expect(client.session.downloadUrl.startsWith(`${mailserver().origin}/jmap/download/{accountId}/`)).toBe(true);
		expect(client.canSubmit).toBe(true);
		const roles = (await client.mailboxes()).map((m) => m.role).sort();
		expect(roles).toEqual(['drafts', 'inbox', 'sent', 'trash']);
	});

	it('gives every mailbox of every test user its own id (Cyrus may repeat one; the server start-up must undo that)', async () => {
		// Two users with one INBOX uniqueid share a conversations.db: Email/get then misses delivered mail.
		const ids: string[] = [];
		for (const user of Object.keys(mailserver().users)) {
			const mailboxes = await (await connectAs(user)).mailboxes();
			// The four every user starts with (a test may have added one of its own for its user).
			expect(mailboxes.map((m) => m.role).filter((role) => role !== null).sort()).toEqual(['drafts', 'inbox', 'sent', 'trash']);
			ids.push(...mailboxes.map((m) => m.id));
		}
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('finds the session through /.well-known/jmap (a redirect)', async () => {
		const server = mailserver();
		const client = await JmapClient.connect({ sessionUrl: '/.well-known/jmap', base: server.origin, username: 'customer1', password: server.users.customer1 ?? '', fetch });
		expect(client.session.apiUrl).toBe(`${server.origin}/jmap/`);
	});

	it('maps a wrong password and a wrong path to their sentences', async () => {
		const server = mailserver();
		const wrong = JmapClient.connect({ sessionUrl: server.sessionUrl, username: 'customer1', password: 'nope', fetch });
		await expect(wrong).rejects.toMatchObject({ code: 'unauthorized', message: 'The mail server refused the user name or password.' });
		const notJmap = JmapClient.connect({ sessionUrl: `${server.origin}/nothing-here`, username: 'customer1', password: server.users.customer1 ?? '', fetch });
		await expect(notJmap).rejects.toMatchObject({ code: 'not-jmap', message: 'This address does not answer as a JMAP server.' });
		const closed = JmapClient.connect({ sessionUrl: 'http://127.0.0.1:9/jmap', username: 'x', password: 'y', fetch });
		await expect(closed).rejects.toBeInstanceOf(MailboxError);
		await expect(closed).rejects.toMatchObject({ code: 'unreachable' });
	});

	it('queries, follows changes, gets and downloads the raw message byte for byte', async () => {
		const client = await connectAs('customer2');
		const state = await client.emailState();
		const raw = plainMail({ from: 'a@example.org', to: 'customer2@localhost', subject: 'Query me', messageId: 'query-1@example.org', body: 'Body ünïcode.' });
		await deliver('customer2', raw);
		const changes = await client.emailChanges(state);
		expect(changes.created).toHaveLength(1);
		expect(changes.oldState).toBe(state);
		const inbox = await client.mailboxByRole('inbox');
		const query = await client.queryEmails({ filter: { inMailbox: inbox?.id } });
		expect(query.total).toBe(1);
		expect(query.ids).toEqual(changes.created);
		const { list } = await client.getEmails(query.ids);
		expect(list[0]?.messageId).toEqual(['query-1@example.org']);
		const downloaded = new TextDecoder().decode(await client.download(list[0]?.blobId ?? ''));
		// Cyrus prepends its trace headers; the message itself follows unchanged.
		expect(downloaded.endsWith(raw)).toBe(true);
		const none = await client.emailChanges(changes.newState);
		expect(none.created).toEqual([]);
		expect((await client.getEmails(['Mnonexistent'])).notFound).toEqual(['Mnonexistent']);
	});

	it('uploads, imports (twice: the same Email), submits with an envelope and moves to Sent', async () => {
		const sender = await connectAs('customer3');
		const receiver = await connectAs('agent3');
		const raw = new TextEncoder().encode(plainMail({ from: 'customer3@localhost', to: 'agent3@localhost', subject: 'Sent over JMAP', messageId: 'submit-1@localhost' }));
		const blob = await sender.upload(raw);
		expect(blob.size).toBe(raw.length);
		const drafts = await sender.mailboxByRole('drafts');
		const sent = await sender.mailboxByRole('sent');
		if (!drafts || !sent) throw new Error('no drafts or sent');
		const imported = await sender.importEmail({ blobId: blob.blobId, mailboxIds: [drafts.id], keywords: ['$draft', '$seen'] });
		expect(imported.existing).toBe(false);
		const again = await sender.importEmail({ blobId: blob.blobId, mailboxIds: [drafts.id], keywords: ['$draft', '$seen'] });
		expect(again).toEqual({ id: imported.id, existing: true });
		const [identity] = await sender.identities();
		const submission = await sender.submit({
			emailId: imported.id,
			identityId: identity?.id ?? '',
			envelope: { mailFrom: { email: 'customer3@localhost' }, rcptTo: [{ email: 'agent3@localhost' }] },
			onSuccess: { [`mailboxIds/${drafts.id}`]: null, [`mailboxIds/${sent.id}`]: true, 'keywords/$draft': null }
		});
		expect(submission).toMatch(/\S/);
		const [moved] = (await sender.getEmails([imported.id])).list;
		expect(moved?.mailboxIds).toEqual({ [sent.id]: true });
		expect(await sender.findByMessageId('submit-1@localhost', sent.id)).toEqual([imported.id]);
		const arrived = await eventually(async () => {
			const ids = await receiver.findByMessageId('submit-1@localhost');
			return ids.length > 0 ? ids : undefined;
		});
		const [email] = (await receiver.getEmails(arrived)).list;
		const body = new TextDecoder().decode(await receiver.download(email?.blobId ?? ''));
		expect(body.endsWith(new TextDecoder().decode(raw))).toBe(true);
	});

	it('answers a bare-LF import with invalidEmail, and a bad state with a method error', async () => {
		const client = await connectAs('customer4');
		const drafts = await client.mailboxByRole('drafts');
		const blob = await client.upload(new TextEncoder().encode('From: a@example.org\nSubject: bare\n\nbody\n'));
		const failure = client.importEmail({ blobId: blob.blobId, mailboxIds: [drafts?.id ?? ''] });
		await expect(failure).rejects.toBeInstanceOf(JmapMethodError);
		await expect(failure).rejects.toMatchObject({ type: 'invalidEmail', method: 'Email/import' });
		await expect(client.emailChanges('not-a-state')).rejects.toBeInstanceOf(JmapMethodError);
	});
});
