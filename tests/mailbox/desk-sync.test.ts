// Incoming mail through the desk against the real Cyrus: accounts, the initial sync with
// progress, /changes, and idempotence across reloads, two desks, a cut-off sync and a resync.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../src/lib/mailbox';
import { connectAs, deliver, eventually, mailserver, plainMail } from './helpers';
import { aliceToBob, bobsDesk } from './mails';

const server = mailserver();
const credentials = (user: string): { sessionUrl: string; username: string; password: string } => ({ sessionUrl: server.sessionUrl, username: user, password: server.users[user] ?? '' });

async function articlesOf(desk: Awaited<ReturnType<typeof bobsDesk>>['desk']): Promise<{ messageId: string | undefined; sign: string; encryption: string; text: string }[]> {
	const out = [];
	for (const row of await desk.listTickets()) {
		const ticket = await desk.getTicket(row.id);
		for (const a of ticket?.articles ?? []) out.push({ messageId: a.messageId, sign: a.security.sign.status, encryption: a.security.encryption.status, text: a.text.trim() });
	}
	return out.sort((a, b) => String(a.messageId).localeCompare(String(b.messageId)));
}

describe('mailbox accounts', () => {
	it('tests, connects with the password sealed, lists and disconnects (credentials deleted)', async () => {
		const { desk } = await bobsDesk();
		await expect(desk.testMailbox({ ...credentials('agent1'), password: 'wrong' })).rejects.toThrow('The mail server refused the user name or password.');
		const { mailboxes } = await desk.testMailbox(credentials('agent1'));
		expect(mailboxes.map((m) => m.name).sort()).toEqual(['Drafts', 'Inbox', 'Sent', 'Trash']);
		const account = await desk.connectMailbox(credentials('agent1'));
		expect(account).toMatchObject({ username: 'agent1', mailboxName: 'Inbox', sync: { initialDone: false, stored: 0 } });
		// No byte of the password at rest: only its AES-GCM sealing.
		const stored = await desk.context.db.get('mailAccounts', account.id);
		const password = new TextEncoder().encode(server.users.agent1);
		expect(JSON.stringify(stored)).not.toContain(server.users.agent1);
		expect(Buffer.from(stored?.sealedPassword.data ?? []).includes(Buffer.from(password))).toBe(false);
		expect(await desk.listMailAccounts()).toHaveLength(1);
		await desk.disconnectMailbox(account.id);
		expect(await desk.listMailAccounts()).toEqual([]);
		expect(await desk.context.db.get('mailAccounts', account.id)).toBeUndefined();
		await expect(desk.disconnectMailbox(account.id)).rejects.toThrow('No mailbox account has this id.');
		expect((await desk.logs()).map((l) => l.operation)).toEqual(expect.arrayContaining(['mailbox-connect', 'mailbox-disconnect']));
	});

	it('locks with the vault passphrase', async () => {
		const { desk } = await bobsDesk();
		await desk.setVaultPassphrase(null, 'vault pass');
		const account = await desk.connectMailbox(credentials('agent1'));
		await desk.lockVault();
		await expect(desk.syncMailbox(account.id)).rejects.toThrow('Unlock the vault to use the mailbox: its password is sealed with the vault.');
		await desk.unlockVault('vault pass');
		await expect(desk.syncMailbox(account.id)).resolves.toHaveLength(1);
	});
});

describe('mailbox sync', () => {
	it('stores signed, encrypted and plain mail as tickets with their verdicts, then follows changes', async () => {
		const kinds = ['plain', 'signed', 'encrypted', 'signed+encrypted'] as const;
		for (const kind of kinds) await deliver('agent2', aliceToBob(kind, `sync-${kind}@sealdesk.test`));
		const { desk } = await bobsDesk();
		const account = await desk.connectMailbox(credentials('agent2'));
		const [first] = await desk.syncMailbox(account.id);
		expect(first).toMatchObject({ stored: 4, skipped: 0, stopped: false });
		expect(await articlesOf(desk)).toEqual([
			{ messageId: '<sync-encrypted@sealdesk.test>', sign: 'none', encryption: 'decrypted', text: 'Hello Bob, this is Alice.' },
			{ messageId: '<sync-plain@sealdesk.test>', sign: 'none', encryption: 'none', text: 'Hello Bob, this is Alice.' },
			{ messageId: '<sync-signed@sealdesk.test>', sign: 'valid', encryption: 'none', text: 'Hello Bob, this is Alice.' },
			{ messageId: '<sync-signed+encrypted@sealdesk.test>', sign: 'valid', encryption: 'decrypted', text: 'Hello Bob, this is Alice.' }
		]);
		expect((await desk.listMailAccounts())[0]?.sync).toMatchObject({ initialDone: true, stored: 4, total: 4 });
		// Quiet: nothing new.
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 0 });
		await deliver('agent2', aliceToBob('signed', 'sync-later@sealdesk.test'));
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 1, skipped: 0 });
		expect((await articlesOf(desk)).map((a) => a.messageId)).toContain('<sync-later@sealdesk.test>');
		const syncLogs = (await desk.logs()).filter((l) => l.operation === 'sync');
		expect(syncLogs.map((l) => l.detail)).toEqual([`Sync of ${account.id}: 1 new, 0 already stored.`, `Sync of ${account.id}: 4 new, 0 already stored.`]);
		// A raw mail went through receive() unchanged: its bytes are the server's blob.
		const client = await connectAs('agent2');
		const [id] = await client.findByMessageId('sync-plain@sealdesk.test');
		const [email] = (await client.getEmails([id ?? ''])).list;
		const blob = await client.download(email?.blobId ?? '');
		const article = (await articlesOf(desk)).find((a) => a.messageId === '<sync-plain@sealdesk.test>');
		const row = (await desk.listTickets()).find((t) => t.subject === 'plain mail');
		const stored = await desk.articleRaw((await desk.getTicket(row?.id ?? 0))?.articles[0]?.id ?? 0);
		expect(article).toBeDefined();
		expect(Buffer.from(stored ?? []).equals(Buffer.from(blob))).toBe(true);
	});

	it('never stores a mail twice: after a reload, with two desks at once, after a sync cut off mid-way', async () => {
		for (let i = 0; i < 6; i++) await deliver('agent4', aliceToBob(i % 2 ? 'signed' : 'plain', `twice-${String(i)}@sealdesk.test`));
		// Cut off: the third download fails (the network goes away mid-sync).
		let downloads = 0;
		const flaky: FetchLike = (url, init) => {
			if (url.includes('/download/') && ++downloads === 3) return Promise.reject(new TypeError('network gone'));
			return fetch(url, init);
		};
		const { desk, factory } = await bobsDesk({ fetch: flaky });
		const account = await desk.connectMailbox(credentials('agent4'));
		await expect(desk.syncMailbox(account.id)).rejects.toThrow('The mail server could not be reached.');
		expect(await articlesOf(desk)).toHaveLength(2);
		expect((await desk.logs()).find((l) => l.operation === 'sync')).toMatchObject({ status: 'failed' });
		await desk.close();
		// Reload, and a second desk (another tab) on the same database, both syncing at once.
		const { desk: one } = await bobsDesk({ factory });
		const { desk: two } = await bobsDesk({ factory });
		const results = await Promise.all([one.syncMailbox(account.id), two.syncMailbox(account.id)]);
		const stored = results.reduce((n, [r]) => n + (r?.stored ?? 0), 0);
		expect(stored).toBe(4);
		const articles = await articlesOf(one);
		expect(articles.map((a) => a.messageId)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `<twice-${String(i)}@sealdesk.test>`));
		expect((await one.syncMailbox(account.id))[0]).toMatchObject({ stored: 0 });
		expect(await one.context.db.count('mailIds')).toBe(6);
	});

	it('reports progress, stops when asked and resumes where it stopped', async () => {
		for (let i = 0; i < 8; i++) await deliver('agent5', aliceToBob('plain', `stop-${String(i)}@sealdesk.test`));
		let desk: Awaited<ReturnType<typeof bobsDesk>>['desk'] | null = null;
		const seen: { done: number; total: number | null }[] = [];
		// Downloads run one mail ahead of storing; the agent presses Stop once 3 mails are stored.
		const watching: FetchLike = async (url, init) => {
			if (url.includes('/download/') && desk) {
				const [p] = await desk.mailboxProgress();
				if (p) seen.push({ done: p.done, total: p.total });
				if (p?.done === 3) await desk.stopMailboxSync(p.accountId);
			}
			return fetch(url, init);
		};
		desk = (await bobsDesk({ fetch: watching })).desk;
		const account = await desk.connectMailbox(credentials('agent5'));
		const [stopped] = await desk.syncMailbox(account.id);
		// The mail being stored when Stop came (the fourth) is finished; nothing after it.
		expect(stopped).toMatchObject({ stored: 4, stopped: true });
		expect(seen.map((p) => p.total)).toEqual(seen.map(() => 8));
		expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
		expect(seen.at(-1)?.done).toBe(3);
		expect((await desk.listMailAccounts())[0]?.sync).toMatchObject({ initialDone: false, stored: 4, total: 8 });
		expect(await desk.mailboxProgress()).toEqual([]);
		expect((await desk.logs()).find((l) => l.operation === 'sync')?.detail).toBe(`Sync of ${account.id}: 4 new, 0 already stored, stopped.`);
		const [resumed] = await desk.syncMailbox(account.id);
		expect(resumed).toMatchObject({ stored: 4, skipped: 0, stopped: false });
		expect(await articlesOf(desk)).toHaveLength(8);
	});

	it('queries again on cannotCalculateChanges, storing only what is new', async () => {
		await deliver('agent6', aliceToBob('plain', 'resync-0@sealdesk.test'));
		let refuse = false;
		const server: FetchLike = async (url, init) => {
			const response = await fetch(url, init);
			if (!refuse || typeof init?.body !== 'string' || !init.body.includes('Email/changes')) return response;
			const body = (await response.json()) as { methodResponses: [string, unknown, string][] };
			const calls = body.methodResponses.map(([name, args, id]) => (name === 'Email/changes' ? ['error', { type: 'cannotCalculateChanges' }, id] : [name, args, id]));
			return new Response(JSON.stringify({ ...body, methodResponses: calls }), { headers: { 'content-type': 'application/json' } });
		};
		const { desk } = await bobsDesk({ fetch: server });
		const account = await desk.connectMailbox(credentials('agent6'));
		await desk.syncMailbox(account.id);
		await deliver('agent6', aliceToBob('signed', 'resync-1@sealdesk.test'));
		refuse = true;
		const [result] = await desk.syncMailbox(account.id);
		expect(result).toMatchObject({ resynced: true, stored: 1, skipped: 1 });
		expect((await articlesOf(desk)).map((a) => a.messageId)).toEqual(['<resync-0@sealdesk.test>', '<resync-1@sealdesk.test>']);
	});
});

describe('connected again with another mailbox', { timeout: 60_000 }, () => {
	it('while the first sync of the old one runs: that sync stops, what it writes counts as none, and the new mailbox is synced whole', async () => {
		for (let i = 0; i < 4; i++) await deliver('agent17', plainMail({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: `inbox ${String(i)}`, messageId: `inbox-${String(i)}@sealdesk.test` }));
		for (let i = 0; i < 2; i++) await deliver('agent17', plainMail({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: `support ${String(i)}`, messageId: `support-${String(i)}@sealdesk.test` }));
		// A second mailbox, "Support", holding the two support mails.
		const admin = await connectAs('agent17');
		const created = await admin.call('Mailbox/set', { create: { s: { name: 'Support' } } });
		const supportId = (created.created as Record<string, { id: string }>).s?.id ?? '';
		const moved = await Promise.all([0, 1].map(async (i) => (await admin.findByMessageId(`support-${String(i)}@sealdesk.test`))[0] ?? ''));
		await admin.call('Email/set', { update: Object.fromEntries(moved.map((id) => [id, { mailboxIds: { [supportId]: true } }])) });
		// Downloads wait at a gate, so that the Inbox's first sync is still running at the reconnect.
		let open: () => void = () => undefined;
		const gate = new Promise<void>((r) => (open = r));
		let waiting = 0;
		const gated: FetchLike = async (url, init) => {
			if (url.includes('/download/')) {
				waiting++;
				await gate;
			}
			return fetch(url, init);
		};
		const { desk } = await bobsDesk({ fetch: gated });
		const account = await desk.connectMailbox(credentials('agent17'));
		expect(account.mailboxName).toBe('Inbox');
		const inboxSync = desk.syncMailbox(account.id);
		await eventually(() => Promise.resolve(waiting > 0 ? true : undefined), 5000);
		const again = await desk.connectMailbox({ ...credentials('agent17'), mailboxId: supportId });
		expect(again).toMatchObject({ id: account.id, mailboxName: 'Support', sync: { initialDone: false, stored: 0 } });
		open();
		expect((await inboxSync)[0]).toMatchObject({ stopped: true });
		// The old sync's writes do not count: the account still has its first sync of Support to do.
		expect((await desk.listMailAccounts())[0]?.sync).toMatchObject({ initialDone: false, stored: 0 });
		const [support] = await desk.syncMailbox(account.id);
		expect(support).toMatchObject({ stored: 2, stopped: false });
		expect((await articlesOf(desk)).map((a) => a.messageId).filter((m) => m?.startsWith('<support'))).toEqual(['<support-0@sealdesk.test>', '<support-1@sealdesk.test>']);
		expect((await desk.listMailAccounts())[0]?.sync).toMatchObject({ initialDone: true, stored: 2 });
		// Later mail in Support comes through its changes; Inbox mail does not.
		await deliver('agent17', plainMail({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: 'inbox late', messageId: 'inbox-late@sealdesk.test' }));
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 0 });
		await desk.close();
	});
});

describe('mail destroyed on the server', { timeout: 120_000 }, () => {
	/** Destroys Emails on the server (as another client of the user would), by Message-ID. */
	async function destroy(user: string, ...messageIds: string[]): Promise<void> {
		const client = await connectAs(user);
		const ids = (await Promise.all(messageIds.map((m) => client.findByMessageId(m)))).flat();
		expect(ids).toHaveLength(messageIds.length);
		const result = await client.call('Email/set', { destroy: ids });
		expect(result.destroyed).toHaveLength(ids.length);
	}

	it('does not break Email/changes: a destroyed stored mail stays in its ticket, and a mail destroyed before its download is passed over', async () => {
		for (let i = 0; i < 3; i++) await deliver('agent8', aliceToBob('plain', `gone-${String(i)}@sealdesk.test`));
		let destroyBeforeDownload: string | null = null;
		const racing: FetchLike = async (url, init) => {
			if (url.includes('/download/') && destroyBeforeDownload) {
				const messageId = destroyBeforeDownload;
				destroyBeforeDownload = null;
				await destroy('agent8', messageId);
				// Cyrus's delayed expunge still serves the blob for a while; a server that expunges at
				// once answers 404, as here.
				return new Response('Not Found', { status: 404 });
			}
			return fetch(url, init);
		};
		const { desk } = await bobsDesk({ fetch: racing });
		const account = await desk.connectMailbox(credentials('agent8'));
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 3 });
		// One stored mail and one not yet synced are destroyed; another arrives.
		await deliver('agent8', aliceToBob('plain', 'gone-3@sealdesk.test'));
		await deliver('agent8', aliceToBob('plain', 'gone-4@sealdesk.test'));
		await destroy('agent8', 'gone-0@sealdesk.test', 'gone-3@sealdesk.test');
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 1, gone: 0 });
		// Destroyed between Email/get and the download of its raw message.
		await deliver('agent8', aliceToBob('plain', 'gone-5@sealdesk.test'));
		destroyBeforeDownload = 'gone-5@sealdesk.test';
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 0, gone: 1 });
		// The state moved past it: the next sync is quiet, and later mail still comes.
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 0, gone: 0, skipped: 0 });
		await deliver('agent8', aliceToBob('plain', 'gone-6@sealdesk.test'));
		expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 1 });
		expect((await articlesOf(desk)).map((a) => a.messageId)).toEqual([0, 1, 2, 4, 6].map((i) => `<gone-${String(i)}@sealdesk.test>`));
		expect((await desk.logs()).find((l) => l.operation === 'sync' && l.detail.includes('gone'))?.detail).toBe(`Sync of ${account.id}: 0 new, 0 already stored, 1 gone from the server.`);
	});

	// Cyrus orders mails received in the same second by an order of its own (not arrival): which
	// mails the first page holds is read from the sync record, never assumed from Message-IDs.
	const shift = (i: number): string => `shift-${String(i).padStart(2, '0')}@sealdesk.test`;
	const everyShift = (count: number, ...more: number[]): string[] => [...Array.from({ length: count }, (_x, i) => i), ...more].map((i) => `<${shift(i)}>`);
	async function deliverShifts(user: string, count: number): Promise<void> {
		for (let i = 0; i < count; i++) await deliver(user, plainMail({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: `shift ${String(i)}`, messageId: shift(i) }));
	}
	/** The Email ids of the initial query the desk has handled so far, oldest first. */
	async function handledIds(desk: Awaited<ReturnType<typeof bobsDesk>>['desk'], accountId: string): Promise<string[]> {
		return (await desk.context.db.get('mailSync', accountId))?.handled ?? [];
	}
	async function destroyIds(user: string, ids: string[]): Promise<void> {
		const result = await (await connectAs(user)).call('Email/set', { destroy: ids });
		expect(result.destroyed).toHaveLength(ids.length);
	}

	it('a mail destroyed during the initial sync does not make the query skip the mail after it', async () => {
		// More than one query page (50): destroying a stored mail moves every later one up a position.
		const count = 53;
		await deliverShifts('agent9', count);
		let downloads = 0;
		const racing: FetchLike = async (url, init) => {
			if (url.includes('/download/') && ++downloads === 10) {
				const handled = await handledIds(desk, account.id);
				expect(handled.length).toBeGreaterThan(0);
				await destroyIds('agent9', [handled[0] ?? '']);
			}
			return fetch(url, init);
		};
		const { desk } = await bobsDesk({ fetch: racing });
		const account = await desk.connectMailbox(credentials('agent9'));
		const [result] = await desk.syncMailbox(account.id);
		expect(result).toMatchObject({ stored: count, gone: 0 });
		expect((await articlesOf(desk)).map((a) => a.messageId)).toEqual(everyShift(count));
	});

	describe('the next query page starts after the last mail handled, not at a position', () => {
		/** Runs `between` once, before the first query page asked for after the first one. */
		function betweenPages(between: () => Promise<void>): FetchLike {
			let done = false;
			return async (url, init) => {
				const body = typeof init?.body === 'string' ? init.body : '';
				if (!done && body.includes('"Email/query"') && body.includes('"anchor"')) {
					done = true;
					await between();
				}
				return fetch(url, init);
			};
		}

		it('the last mail handled is destroyed while as many arrive: the page starts after the newest handled mail left', async () => {
			const count = 53;
			await deliverShifts('agent13', count);
			// The mailbox's total stays 53: counting cannot tell that mail before the position went.
			const racing = betweenPages(async () => {
				const handled = await handledIds(desk, account.id);
				expect(handled).toHaveLength(50);
				await destroyIds('agent13', [handled[49] ?? '', handled[0] ?? '']);
				for (const i of [60, 61]) await deliver('agent13', plainMail({ from: 'alice@sealdesk.test', to: 'bob@sealdesk.test', subject: `new ${String(i)}`, messageId: shift(i) }));
			});
			const { desk } = await bobsDesk({ fetch: racing });
			const account = await desk.connectMailbox(credentials('agent13'));
			const [first] = await desk.syncMailbox(account.id);
			// Every mail there when the sync began, and the arrivals the query ordered after the anchor.
			expect(first?.stored).toBeGreaterThanOrEqual(count);
			expect(first?.gone).toBe(0);
			// Arrivals are in the changes since the sync began: the rest are stored there, none twice.
			const [second] = await desk.syncMailbox(account.id);
			expect((first?.stored ?? 0) + (second?.stored ?? 0)).toBe(count + 2);
			expect((second?.stored ?? 0) + (second?.skipped ?? 0)).toBe(2);
			expect((await articlesOf(desk)).map((a) => a.messageId)).toEqual(everyShift(count, 60, 61));
		});

		it('every mail of the first page is destroyed: found by position again, stepped back by as many', async () => {
			const count = 53;
			await deliverShifts('agent14', count);
			const racing = betweenPages(async () => destroyIds('agent14', await handledIds(desk, account.id)));
			const { desk } = await bobsDesk({ fetch: racing });
			const account = await desk.connectMailbox(credentials('agent14'));
			const [result] = await desk.syncMailbox(account.id);
			expect(result).toMatchObject({ stored: count, gone: 0 });
			expect((await articlesOf(desk)).map((a) => a.messageId)).toEqual(everyShift(count));
			expect((await desk.syncMailbox(account.id))[0]).toMatchObject({ stored: 0, skipped: 0 });
		});
	});
});
